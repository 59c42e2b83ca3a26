"""What a report is built from: a screening's snapshot, its parts and metadata.

Used by the PDF downloads (``views.reports``, ``views.respondent``) and by the task
that renders the reports at submission (``services.report_cache``), so both build
the very same data and so the same cache key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from questionnaires import selectors
from questionnaires.models import Screening, ScreeningPart
from questionnaires.reports.context import ReportData, Respondent, instruments_meta
from questionnaires.scoring.definitions import InstrumentDefinition


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
    for part in parts:
        if part.submitted_at is None:
            continue
        state = selectors.part_state(part)
        definitions.update(state.definitions_by_code)
        respondents.append(
            {
                "role": part.role,
                "instruments": list(state.definitions_by_code),
                "answered_on": part.submitted_at.date().isoformat(),
            }
        )
    organisation = screening.organisation
    return ReportData(
        snapshot=snapshot,
        instruments=instruments_meta(
            definitions, snapshot.get("instruments", {}).keys(), age=screening.age
        ),
        meta={
            "organisation": organisation.name if organisation else "HikiScreen",
            "patient_code": screening.patient.code if screening.patient else "—",
            "report_date": (screening.scored_at or screening.created_at)
            .date()
            .isoformat(),
            "respondents": respondents,
            "crisis_contacts": {
                lang: list(selectors.crisis_contacts_for(organisation, lang))
            },
        },
    )


def screening_report_data(screening: Screening, *, lang: str) -> ReportData:
    """The whole screening's report data: every submitted part."""
    return report_data(
        screening,
        parts=screening.parts.all(),
        snapshot=screening.result or {},
        lang=lang,
    )
