"""Turn a ``manage.py score`` INPUT into what a report is rendered from (pure).

Scores the answers with the pure engine against the bundled definitions (no
database) and builds the same three things a stored screening provides: the result
snapshot, the answered instruments' metadata and the report metadata. Used by
``manage.py render_report``, ``make samples``, the tests and the benchmark.
"""

from __future__ import annotations

from collections.abc import Mapping

from questionnaires.bank.loader import latest_by_code, load_bundled
from questionnaires.reports.context import (
    ReportData,
    ReportMeta,
    Respondent,
    instruments_meta,
    respondent_of,
)
from questionnaires.scoring import InvalidInput, score
from questionnaires.scoring.errors import InputError

#: Definition audience → respondent role shown in the report header.
ROLES = ("self", "informant", "clinician")


def report_from_input(
    data: object,
    *,
    lang: str,
    organisation: str,
    patient_code: str,
    report_date: str,
) -> ReportData:
    """The snapshot, instruments metadata and report metadata of one INPUT document.

    Each instrument's answers belong to its respondent (DESIGN.md §3), so the family's
    and the young person's own results are scored from their answers alone.

    Raises :class:`InvalidInput` with the engine's messages for bad input. Every
    respondent is dated ``report_date``: an INPUT file carries no answer times.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput([InputError("input", "must be a JSON object")])
    definitions = latest_by_code(load_bundled())
    answers = data.get("answers")
    result = score(definitions, answers, age=data.get("age"))
    assert isinstance(answers, Mapping)  # noqa: S101 - score() has validated it
    snapshot = result.as_json(lang)
    instruments = instruments_meta(
        definitions, answers.keys(), age=result.age, answers=answers
    )
    respondents: list[Respondent] = [
        {
            "role": role,
            "instruments": [c for c in answers if definitions[c].audience == role],
            "answered_on": report_date,
        }
        for role in ROLES
        if any(definitions[c].audience == role for c in answers)
    ]
    meta: ReportMeta = {
        "organisation": organisation,
        "patient_code": patient_code,
        "report_date": report_date,
        "respondents": respondents,
    }
    own = {}
    for reader in ("family", "self"):
        theirs = {c: a for c, a in answers.items() if respondent_of(c) == reader}
        if theirs:
            own[reader] = score(definitions, theirs, age=result.age).as_json(lang)
    return ReportData(
        snapshot=snapshot,
        instruments=instruments,
        meta=meta,
        own=own,
        answers={c: dict(a) for c, a in answers.items()},
    )
