"""Report fixtures: the example inputs scored by the pure engine (no database)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from questionnaires.reports.context import ReportData
from questionnaires.reports.inputs import report_from_input

EXAMPLES = Path(__file__).resolve().parents[2] / "questionnaires/reports/examples"
CASES = ("positive", "at_risk", "negative", "urgent", "shared")
LANGS = ("en", "ja", "it")
AUDIENCES = ("clinician", "family", "self")


@cache
def example(case: str, lang: str = "en") -> ReportData:
    """The report data of ``examples/<case>.json``, as ``render_report`` builds it."""
    document = json.loads((EXAMPLES / f"{case}.json").read_text(encoding="utf-8"))
    return report_from_input(
        document,
        lang=lang,
        organisation="Test Clinic",
        patient_code=f"T-{case.upper()}",
        report_date="2025-11-24",
    )
