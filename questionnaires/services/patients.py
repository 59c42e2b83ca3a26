"""A patient's data on request: export everything, or erase everything (DESIGN.md §6).

Both act on a patient already returned by a gatekeeper selector. The export is a
read, recorded in the audit trail with counts. Erasure deletes the patient with its
screenings, parts, answers, result snapshots and invitations, and the cached PDFs of
its reports; the audit trail keeps only that an erasure happened, by whom, the
former patient id and counts. Earlier audit events stay: they hold ids and codes of
the app, never the patient's code or answers (models/audit.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires import selectors
from questionnaires.models import AuditEvent, Patient, Screening, ScreeningPart
from questionnaires.reports.pdf import forget_screening_reports
from questionnaires.services.audit import audit_record

# What a pseudonymous code must not look like (DESIGN.md §1: no names anywhere).
_LOWER = r"[a-z\u00df-\u024f]"
_WORD = rf"[A-Z](?:{_LOWER}+|['’][A-Z]{_LOWER}+)(?:['’-][A-Za-z\u00c0-\u024f]+)*"
_NAME = re.compile(rf"\b{_WORD}[\s,]+{_WORD}\b")
_DATES = (
    re.compile(r"\b(19|20)\d{2}[-/.](0?[1-9]|1[0-2])[-/.](0?[1-9]|[12]\d|3[01])\b"),
    re.compile(r"\b(0?[1-9]|[12]\d|3[01])[-/.](0?[1-9]|1[0-2])[-/.](19|20)?\d{2}\b"),
    re.compile(r"(?<!\d)(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"),
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\A\+?[\d\s\-().]+\Z")

EXPORT_FORMAT = "hikiscreen-patient-export"
EXPORT_VERSION = 1


def patient_code_problems(code: str) -> list[str]:
    """Why ``code`` looks like a name, a date, an e-mail or a phone number."""
    problems = []
    if _NAME.search(code):
        problems.append(
            _("“%(code)s” looks like a name (two capitalised words).") % {"code": code}
        )
    if any(pattern.search(code) for pattern in _DATES):
        problems.append(_("“%(code)s” looks like a date.") % {"code": code})
    if _EMAIL.search(code):
        problems.append(_("“%(code)s” looks like an e-mail address.") % {"code": code})
    digits = sum(c.isdigit() for c in code)
    if _PHONE.match(code) and digits >= 9 and code.lstrip()[:1] in ("+", "0"):
        problems.append(_("“%(code)s” looks like a phone number.") % {"code": code})
    return problems


def patient_code_key(code: str) -> str:
    """The code as uniqueness sees it: "demo 001" is "DEMO001"."""
    return code.upper().replace(" ", "")


def patients_with_code(organisation_id: int, code: str) -> QuerySet[Patient]:
    """The clinic's patients whose code equals ``code`` ignoring case and spaces."""
    return Patient.objects.annotate(
        code_key=Replace(Upper("code"), Value(" "), Value(""))
    ).filter(organisation_id=organisation_id, code_key=patient_code_key(code))


@transaction.atomic
def patient_export(*, patient: Patient, by: User) -> dict[str, Any]:
    """Everything stored about ``patient``, as a JSON-ready document; audited."""
    records = selectors.patient_records(patient)
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "organisation": {
            "name": patient.organisation.name,
            "slug": patient.organisation.slug,
        },
        "patient": {
            "id": patient.pk,
            "code": patient.code,
            "birth_year": patient.birth_year,
            "sex": patient.sex,
            "created_at": patient.created_at,
        },
        "screenings": [_screening(s, records) for s in records.screenings],
        "audit_events": [_event(e) for e in records.audit_events],
    }
    audit_record(
        actor=by,
        action="patient.export",
        target=patient,
        organisation=patient.organisation,
        details={**records.counts, "audit_events": len(records.audit_events)},
    )
    return document


def _screening(
    screening: Screening, records: selectors.PatientRecords
) -> dict[str, Any]:
    downloads = [
        {
            "at": event.created_at,
            "audience": event.details.get("audience"),
            "lang": event.details.get("lang"),
            "by": "clinician" if event.actor_id else event.actor_label,
        }
        for event in records.audit_events
        if event.action == "report.download"
        and event.target_type == "questionnaires.screening"
        and event.target_id == str(screening.pk)
    ]
    return {
        "id": screening.pk,
        "created_at": screening.created_at,
        "age": screening.age,
        "urgent_at": screening.urgent_at,
        "completed_at": screening.completed_at,
        "scored_at": screening.scored_at,
        "result": screening.result,
        "result_localised": screening.result_localised,
        "parts": [
            _part(p, records) for p in records.parts if p.screening_id == screening.pk
        ],
        "report_downloads": downloads,
    }


def _part(part: ScreeningPart, records: selectors.PatientRecords) -> dict[str, Any]:
    answers: dict[str, dict[str, Any]] = {}
    versions: dict[str, int] = {}
    for answer in (a for a in records.answers if a.part_id == part.pk):
        code = answer.instrument_version.instrument.code
        versions[code] = answer.instrument_version.number
        answers.setdefault(code, {})[answer.item_code] = answer.value
    return {
        "role": part.role,
        "mode": part.mode,
        "status": part.status,
        "protocol": part.protocol.code,
        "language": part.language,
        "last_page": part.last_page,
        "started_at": part.started_at,
        "submitted_at": part.submitted_at,
        "crisis_at": part.crisis_at,
        "result": part.result,
        "instrument_versions": versions,
        "answers": answers,
        # Metadata only: a token exists nowhere and its hash is never exported.
        "invitations": [
            {
                "id": i.pk,
                "kind": i.kind,
                "created_at": i.created_at,
                "expires_at": i.expires_at,
                "opened_at": i.opened_at,
                "used_at": i.used_at,
                "revoked_at": i.revoked_at,
            }
            for i in records.invitations
            if i.part_id == part.pk
        ],
    }


def _event(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.created_at,
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "details": event.details,
    }


@dataclass(frozen=True)
class Erasure:
    """What :func:`patient_erase` removed, by count, and the former patient id."""

    patient_pk: int
    counts: dict[str, int]


@transaction.atomic
def patient_erase(*, patient: Patient, by: User) -> Erasure:
    """Erase ``patient`` and everything stored about them; audit that it happened."""
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    former_pk = locked.pk
    records = selectors.patient_records(locked)
    screening_pks = [s.pk for s in records.screenings]
    counts = {
        **records.counts,
        "cached_reports": forget_screening_reports(screening_pks),
    }
    _scrub_admin_log(locked, screening_pks)
    # Recorded first, while the patient still has its id; the event is the only
    # trace left: who, when, which organisation, the former id and the counts.
    audit_record(
        actor=by,
        action="patient.erase",
        target=locked,
        organisation=locked.organisation,
        details=counts,
    )
    # Cascades to screenings, parts, answers and invitations (models/screenings.py).
    locked.delete()
    # A report rendered by a request that read the screening just before this
    # transaction committed is deleted once more after the commit.
    transaction.on_commit(lambda: forget_screening_reports(screening_pks))
    return Erasure(patient_pk=former_pk, counts=counts)


def _scrub_admin_log(patient: Patient, screening_pks: list[int]) -> None:
    """Keep the admin's log entries about erased objects, without their names.

    Django's admin log stores each object's ``str()``, which is the patient code
    for patients and screenings.
    """
    for model, pks in (
        (Patient, [patient.pk]),
        (Screening, screening_pks),
    ):
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in pks],
        ).update(object_repr="(erased)", change_message="")
