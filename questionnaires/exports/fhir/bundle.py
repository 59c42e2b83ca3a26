"""A screening as a FHIR R4 Bundle of type ``collection``.

Per submitted part and instrument a QuestionnaireResponse (answers to items shown),
per score an Observation, the outcome and each raised flag (with its evidence). Every
``fullUrl`` is ``urn:uuid:<id>`` of its resource; ids are UUIDs made from the screening
and the resource's name, so a re-export gives the same ids and no database key shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from questionnaires.bank import flow
from questionnaires.exports.fhir.common import DEFAULT_BASE, stable_uuid
from questionnaires.exports.fhir.observations import (
    Context,
    result_observations,
    score_observations,
)
from questionnaires.exports.fhir.response import PartAnswers, questionnaire_response
from questionnaires.scoring.definitions import InstrumentDefinition

_ROLE_NAMES = {
    "self": "Patient (self-report)",
    "informant": "Family member (informant)",
    "clinician": "Clinician",
}
#: Age used to decide which items were shown when the screening has no result
#: snapshot to read it from (only ``show_if`` on ``age`` depends on it).
FALLBACK_AGE = 18


def screening_bundle(
    *,
    screening_id: int,
    parts: Sequence[PartAnswers],
    result: Mapping[str, Any] | None,
    timestamp: str,
    subject: Mapping[str, Any] | None = None,
    base: str = DEFAULT_BASE,
    age: int | None = None,
) -> dict[str, Any]:
    """A screening as a collection Bundle: a QuestionnaireResponse per instrument of
    each submitted part, an Observation per score, the outcome and each raised flag."""
    key = f"screening/{screening_id}"
    entries: list[dict[str, Any]] = []
    responses: list[str] = []
    instruments = (result or {}).get("instruments", {})
    if age is None:
        age = int((result or {}).get("age") or FALLBACK_AGE)
    definitions: dict[str, InstrumentDefinition] = {}
    answers: dict[str, Mapping[str, Any]] = {}
    hidden: set[tuple[str, str]] = set()
    for part in parts:
        source = (
            dict(subject)
            if part.role == "self" and subject is not None
            else {"display": _ROLE_NAMES.get(part.role, part.role)}
        )
        for definition in part.definitions:
            given = part.answers.get(definition.code, {})
            definitions[definition.code] = definition
            answers[definition.code] = given
            shown = flow.shown_items(
                definition, {c: v for c, v in given.items() if v is not None}, age
            )
            hidden |= {(definition.code, c) for c in given if c not in shown}
            resource_id = stable_uuid(base, f"{key}/{part.role}/{definition.code}")
            full_url = f"urn:uuid:{resource_id}"
            responses.append(full_url)
            entries.append(
                {
                    "fullUrl": full_url,
                    "resource": questionnaire_response(
                        definition,
                        given,
                        resource_id=resource_id,
                        authored=part.submitted_at,
                        age=age,
                        subject=subject,
                        source=source,
                        base=base,
                    ),
                }
            )
            scores = instruments.get(definition.code)
            if scores:
                context = Context(
                    f"{key}/{part.role}", part.submitted_at, subject, base
                )
                entries += _entries(
                    score_observations(
                        definition, scores, context, derived_from=full_url
                    )
                )
    if result and parts:
        context = Context(key, max(p.submitted_at for p in parts), subject, base)
        entries += _entries(
            result_observations(
                result,
                context,
                responses=responses,
                definitions=definitions,
                answers=answers,
                hidden=frozenset(hidden),
            )
        )
    return {
        "resourceType": "Bundle",
        "id": stable_uuid(base, f"{key}/bundle"),
        "type": "collection",
        "timestamp": timestamp,
        "entry": entries,
    }


def _entries(resources: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]
