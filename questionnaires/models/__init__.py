"""The app's models. Import them from ``questionnaires.models`` only.

Dependency order (a module may import only from those above it):

1. ``people``  — Organisation, Membership, Patient, StaffProfile (users: ``auth.User``)
2. ``bank``    — Instrument, InstrumentVersion, Item, ItemOption, Protocol,
   ProtocolEntry (the question bank; depends on nothing above but ``auth.User``)
3. ``screenings`` — Screening, ScreeningPart, Answer, Invitation, FamilyCheck,
   CrisisContact (depends on people and bank)
4. ``safety``  — AlertSettings, SafetyAlert, SafetyAcknowledgement (depends on
   people and screenings)
5. ``translations`` — TranslationRecord (depends on bank; provenance of a
   version's Japanese or Italian text)
6. ``audit``   — AuditEvent (depends on people; nothing depends on it)
7. ``exports`` — ExportFile, a background export's file (depends on people)
"""

from __future__ import annotations

from questionnaires.models.audit import AUDIT_ACTIONS, AuditEvent
from questionnaires.models.bank import (
    LANGUAGE_CODES,
    FrozenError,
    GoldenCase,
    Instrument,
    InstrumentVersion,
    Item,
    ItemOption,
    Protocol,
    ProtocolEntry,
    text_map,
    translated,
)
from questionnaires.models.exports import ExportFile
from questionnaires.models.people import (
    Membership,
    Organisation,
    Patient,
    StaffProfile,
)
from questionnaires.models.safety import (
    AlertSettings,
    SafetyAcknowledgement,
    SafetyAlert,
)
from questionnaires.models.screenings import (
    Answer,
    CrisisContact,
    FamilyCheck,
    Invitation,
    Screening,
    ScreeningPart,
)
from questionnaires.models.translations import TranslationRecord

__all__ = [
    "AUDIT_ACTIONS",
    "LANGUAGE_CODES",
    "AlertSettings",
    "Answer",
    "AuditEvent",
    "CrisisContact",
    "ExportFile",
    "FamilyCheck",
    "FrozenError",
    "GoldenCase",
    "Instrument",
    "Invitation",
    "InstrumentVersion",
    "Item",
    "ItemOption",
    "Membership",
    "Organisation",
    "Patient",
    "Protocol",
    "ProtocolEntry",
    "SafetyAcknowledgement",
    "SafetyAlert",
    "Screening",
    "ScreeningPart",
    "StaffProfile",
    "TranslationRecord",
    "text_map",
    "translated",
]
