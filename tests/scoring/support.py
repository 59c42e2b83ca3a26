"""Bundled definitions and answer builders shared by the scoring tests (no database)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from questionnaires.bank import latest_by_code, load_bundled
from questionnaires.scoring import ScreeningResult, score
from questionnaires.scoring.definitions import InstrumentDefinition

DEFINITIONS: Mapping[str, InstrumentDefinition] = latest_by_code(load_bundled())


def items(code: str, value: int, n: int) -> dict[str, int]:
    """``{"<code>_1": value, …, "<code>_n": value}``."""
    return {f"{code}_{i}": value for i in range(1, n + 1)}


def run(answers: Mapping[str, Mapping[str, Any]], age: int = 19) -> ScreeningResult:
    """Score with the bundled definitions."""
    return score(DEFINITIONS, answers, age=age)


def flag_codes(result: ScreeningResult) -> list[str]:
    return [f.code for f in result.flags]


#: A withdrawal module answer set that meets every criterion (C5).
WITHDRAWN = {
    "months_withdrawn": 8,
    "days_out_per_week": 1,
    "rarely_leaves_room": 0,
    "onset_age": 16,
    "impair_school_work": 7,
    "impair_home": 3,
    "impair_relationships": 2,
    "distressed": 0,
}
