"""QuestionnaireResponses from another FHIR system as the answers of a part.

A clinician attaches a FHIR R4 QuestionnaireResponse (or a Bundle of them) to an
open part of a patient's screening; the answers are checked against the instrument
versions of the part (``exports.fhir.responses_in``), saved, and the part submitted,
so the screening is scored and reported like any other. The audit records where the
answers came from. Any problem: every problem is listed, nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from questionnaires import selectors
from questionnaires.exports import fhir
from questionnaires.models import ScreeningPart
from questionnaires.services import screenings
from questionnaires.services.audit import audit_record


class ResponseImportError(Exception):
    """Why the responses cannot be taken in: every problem, with its linkId."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@transaction.atomic
def responses_import(
    *,
    part: ScreeningPart,
    resource: Any,
    by: User,
    source: str,
    base: str = fhir.DEFAULT_BASE,
) -> ScreeningPart:
    """Answer and submit ``part`` from ``resource`` (a QuestionnaireResponse or a
    Bundle); ``source`` says where it came from (``upload:<file name>``,
    ``command:<path>``). Raises :class:`ResponseImportError`, storing nothing."""
    locked = (
        ScreeningPart.objects.select_for_update(of=("self",))
        .select_related("screening__organisation", "protocol")
        .get(pk=part.pk)
    )
    if locked.is_submitted:
        raise ResponseImportError(["part: already submitted; start a new screening"])
    state = selectors.part_state(locked)
    if any(state.answers.values()):
        raise ResponseImportError(
            ["part: already has answers; import into a part nobody has started"]
        )
    by_version = {(d.code, d.version): d for d in state.definitions}
    try:
        imported = fhir.read_responses(
            resource,
            lambda code, version: by_version.get((code, version)),
            age=locked.screening.age,
            base=base,
        )
    except fhir.ResponseProblems as exc:
        raise ResponseImportError(exc.problems) from exc
    answered = {r.definition.code for r in imported}
    missing = [
        f"{fhir.canonical(d, base)}: no QuestionnaireResponse for this questionnaire "
        "of the part"
        for d in state.definitions
        if d.code not in answered and any(i.required for i in d.items)
    ]
    if missing:
        raise ResponseImportError(missing)
    screenings.answers_save(
        part=locked, answers={r.definition.code: r.answers for r in imported}
    )
    submitted = screenings.part_submit(part=locked, by=by)
    audit_record(
        actor=by,
        action="screening_part.import_fhir",
        target=submitted,
        organisation=locked.screening.organisation,
        details={
            "screening": locked.screening_id,
            "role": locked.role,
            "source": source[:200],
            "responses": [
                {
                    "questionnaire": fhir.canonical(r.definition, base),
                    "authored": r.authored[:40],
                    "answers": len(r.answers),
                }
                for r in imported
            ],
        },
    )
    return submitted
