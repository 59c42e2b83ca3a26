"""The app's models. Import them from ``questionnaires.models`` only.

Dependency order (a module may import only from those above it):

1. ``people``  — Organisation, Membership, Patient (users: Django's ``auth.User``)
2. ``bank``    — Instrument, InstrumentVersion, Item, ItemOption, Protocol,
   ProtocolEntry (the question bank; depends on nothing above but ``auth.User``)
3. ``screenings`` — Screening, ScreeningPart, Answer, Invitation, FamilyCheck,
   CrisisContact (depends on people and bank)
4. ``audit``   — AuditEvent (depends on people; nothing depends on it)
"""

from __future__ import annotations

from questionnaires.models.audit import AuditEvent
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
from questionnaires.models.people import Membership, Organisation, Patient
from questionnaires.models.screenings import (
    Answer,
    CrisisContact,
    FamilyCheck,
    Invitation,
    Screening,
    ScreeningPart,
)

__all__ = [
    "LANGUAGE_CODES",
    "Answer",
    "AuditEvent",
    "CrisisContact",
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
    "Screening",
    "ScreeningPart",
    "text_map",
    "translated",
]
