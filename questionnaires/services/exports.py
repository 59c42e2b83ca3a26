"""Exports in the audit trail (DESIGN.md §6), and importing a FHIR Questionnaire.

Audit events of exports hold counts and filters, never data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.db.models import Max

from questionnaires.exports import fhir
from questionnaires.models import AuditEvent, Instrument, Organisation
from questionnaires.services.audit import audit_record
from questionnaires.services.bank import BankError, ImportResult, bank_import


def export_record(
    *,
    action: str,
    by: User | AnonymousUser | None,
    target: models.Model | None = None,
    organisation: Organisation | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one export (``screening.export_csv``, ``organisation.export_csv``, …)."""
    return audit_record(
        action=action,
        actor=by,
        target=target,
        organisation=organisation,
        details=details,
    )


@dataclass(frozen=True)
class QuestionnaireImportResult:
    result: ImportResult
    notes: tuple[str, ...]


@transaction.atomic
def questionnaire_import(
    *, resource: object, by: User | None, base: str = fhir.DEFAULT_BASE
) -> QuestionnaireImportResult:
    """Import a FHIR Questionnaire as a new draft of its instrument.

    Never published at once: a Questionnaire carries no scoring, which an admin adds
    to the draft. An instrument that already has this version number gets the next
    one, so an import never collides with a loaded version.
    """
    if not isinstance(resource, dict):
        raise BankError(["the file must hold one JSON object, a Questionnaire"])
    try:
        imported = fhir.questionnaire_to_document(resource, base=base)
    except fhir.UnmappableQuestionnaire as exc:
        raise BankError(exc.problems) from exc
    document = imported.document
    notes = list(imported.notes)
    instrument = (
        Instrument.objects.select_for_update().filter(code=document["code"]).first()
    )
    if instrument is not None:
        newest = instrument.versions.aggregate(n=Max("number"))["n"] or 0
        if document["version"] <= newest:
            notes.append(
                f"version: {document['code']} v{document['version']} exists; "
                f"imported as v{newest + 1}"
            )
            document["version"] = newest + 1
    result = bank_import(document=document, by=by, publish=False)
    return QuestionnaireImportResult(result=result, notes=tuple(notes))
