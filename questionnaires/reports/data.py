"""What a stored screening's reports are rendered from (the ORM side of reports).

Views call :func:`screening_report_data` (the clinician's downloads and result page)
or :func:`part_report_data` (a respondent's own summary) and never gather parts
themselves. Each respondent's own result is the one stored on their part at
submission, scored from their answers only, so a family or self summary never reads
another person's answers (DESIGN.md §3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from questionnaires import selectors
from questionnaires.models import (
    InstrumentVersion,
    Organisation,
    Screening,
    ScreeningPart,
)
from questionnaires.reports.context import (
    ReportData,
    Respondent,
    TranslationShown,
    instruments_meta,
)
from questionnaires.reports.crisis import Contact, crisis_contacts
from questionnaires.scoring.definitions import InstrumentDefinition

#: Part role -> the audience whose own result it is.
READER_OF_ROLE = {"self": "self", "informant": "family"}


def report_data(
    screening: Screening,
    *,
    parts: Iterable[ScreeningPart],
    snapshot: Mapping[str, Any],
    lang: str,
) -> ReportData:
    """What a report is rendered from: a snapshot and the submitted ``parts``."""
    definitions: dict[str, InstrumentDefinition] = {}
    respondents: list[Respondent] = []
    own: dict[str, Mapping[str, Any]] = {}
    answers: dict[str, Mapping[str, Any]] = {}
    for part in parts:
        if part.submitted_at is None:
            continue
        state = selectors.part_state(part)
        definitions.update(state.definitions_by_code)
        for code, given in state.answers.items():
            answers.setdefault(code, given)
        respondents.append(
            {
                "role": part.role,
                "instruments": list(state.definitions_by_code),
                "answered_on": part.submitted_at.date().isoformat(),
                "mode": part.mode,
                "translations": translations_shown(part, state.versions),
            }
        )
        reader = READER_OF_ROLE.get(part.role)
        if reader is not None and part.result and reader not in own:
            own[reader] = part.result
    organisation = screening.organisation
    return ReportData(
        snapshot=snapshot,
        instruments=instruments_meta(
            definitions,
            snapshot.get("instruments", {}).keys(),
            age=screening.age,
            answers=answers,
        ),
        meta={
            "organisation": organisation.name if organisation else "HikiScreen",
            "patient_code": screening.patient.code if screening.patient else "—",
            "report_date": (screening.scored_at or screening.created_at)
            .date()
            .isoformat(),
            "respondents": respondents,
            "crisis_contacts": {lang: list(crisis_contacts_for(organisation, lang))},
        },
        own=own,
        answers=answers,
    )


def crisis_contacts_for(
    organisation: Organisation | None, lang: str
) -> tuple[Contact, ...]:
    """Crisis contacts for ``lang``: the organisation's own, else the defaults."""
    own: list[Contact] = [
        {"name": c["name"], "phone": c["phone"], "hours": c["hours"]}
        for c in selectors.organisation_crisis_contacts(organisation, lang)
    ]
    return crisis_contacts(lang, {lang: own} if own else None)


#: Totals shown in the trend of earlier screenings.
TREND_TOTALS = ("hq25", "phq9", "gad7")


def earlier_screenings(screening: Screening) -> list[dict[str, Any]]:
    """The patient's earlier scored screenings, oldest first: date, outcome, totals."""
    if screening.patient is None:
        return []
    rows = []
    for other in selectors.screening_list_for_patient(screening.patient):
        if (
            other.pk == screening.pk
            or not other.result
            or other.created_at >= screening.created_at
        ):
            continue
        scored = other.result.get("instruments", {})
        rows.append(
            {
                "date": (other.scored_at or other.created_at).date().isoformat(),
                "category": other.result["outcome"]["category"],
                "totals": {
                    code: scored[code]["total"]
                    for code in TREND_TOTALS
                    if scored.get(code, {}).get("total") is not None
                },
            }
        )
    return rows[::-1]


def screening_report_data(screening: Screening, *, lang: str) -> ReportData:
    """The whole screening's report data: every submitted part, and the trend of
    the patient's earlier screenings."""
    data = report_data(
        screening,
        parts=screening.parts.all(),
        snapshot=screening.result or {},
        lang=lang,
    )
    history = earlier_screenings(screening)
    if history:
        data.meta["history"] = history
    return data


def part_report_data(part: ScreeningPart, *, lang: str) -> ReportData:
    """One respondent's own report data: this part's answers and result only."""
    return report_data(
        part.screening, parts=[part], snapshot=part.result or {}, lang=lang
    )


def reader_of(part: ScreeningPart) -> str:
    """The audience of a respondent's own summary: ``self`` or ``family``."""
    return READER_OF_ROLE.get(part.role, "family")


def translations_shown(
    part: ScreeningPart, versions: Iterable[InstrumentVersion]
) -> list[TranslationShown]:
    """The translations ``part``'s respondent was shown (none for English)."""
    if part.language == "en":
        return []
    shown: list[TranslationShown] = []
    for version in versions:
        record = selectors.translation_used(version, part.language)
        if record is not None:
            shown.append(
                {
                    "instrument": version.instrument.code,
                    "source": record.source,
                    "citation": record.citation,
                    "population": record.population,
                    "licence": record.licence,
                    "validated": record.is_validated,
                }
            )
    return shown
