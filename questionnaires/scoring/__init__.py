"""Pure scoring engine for HikiScreen screenings: no Django import anywhere here.

Public API::

    from questionnaires.scoring import score
    result = score(definitions, {"phq9": {"phq9_1": 2, ...}}, age=19)
    result.as_json()          # the DESIGN.md §3 shape

``definitions`` maps instrument code to an :class:`InstrumentDefinition` (built by
``questionnaires.bank.loader``); answers map instrument code -> item code -> value.
Invalid input raises :class:`InvalidInput` listing every problem (INSTRUMENTS.md §5 V1).
Rules: INSTRUMENTS.md §4-§6.
"""

from __future__ import annotations

from questionnaires.scoring.definitions import InstrumentDefinition
from questionnaires.scoring.engine import ENGINE_VERSION, score, validate
from questionnaires.scoring.errors import InputError, InvalidInput
from questionnaires.scoring.types import (
    Category,
    Criteria,
    Disagreement,
    DurationBand,
    Flag,
    GoingOut,
    InstrumentResult,
    Outcome,
    ScreeningResult,
    Severity,
)

__all__ = [
    "ENGINE_VERSION",
    "Category",
    "Criteria",
    "Disagreement",
    "DurationBand",
    "Flag",
    "GoingOut",
    "InputError",
    "InstrumentDefinition",
    "InstrumentResult",
    "InvalidInput",
    "Outcome",
    "ScreeningResult",
    "Severity",
    "score",
    "validate",
]
