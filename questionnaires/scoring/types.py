"""Result types of the scoring engine: frozen, JSON-ready via ``as_json``.

``ScreeningResult.as_json()`` returns exactly the shape of DESIGN.md §3 (the ``score``
command's output and the snapshot stored at submission), plus a few extra keys the
contract allows: per-flag explanation text, criteria evidence, the outcome's unmet
criteria and explanation, and the respondent/clinician suicide-risk texts.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires.scoring import wording

Number = int | float


class Severity(enum.StrEnum):
    """Flag severity, most severe first (INSTRUMENTS.md §4)."""

    URGENT = "urgent"
    HIGH = "high"
    MODERATE = "moderate"


class DurationBand(enum.StrEnum):
    """Criterion ``duration`` (INSTRUMENTS.md §5 C1)."""

    MEETS = "meets"
    AT_RISK = "at_risk"
    BELOW = "below"
    UNKNOWN = "unknown"


class GoingOut(enum.StrEnum):
    """Criterion ``going_out`` (INSTRUMENTS.md §5 C2)."""

    SEVERE = "severe"
    MODERATE = "moderate"
    MILD = "mild"
    NOT_MARKED = "not_marked"
    UNKNOWN = "unknown"


class Category(enum.StrEnum):
    """Screening outcome (INSTRUMENTS.md §5 C5-C7)."""

    SCREEN_POSITIVE = "screen_positive"
    AT_RISK = "at_risk"
    SCREEN_NEGATIVE = "screen_negative"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class InstrumentResult:
    """Scores of one instrument as answered (INSTRUMENTS.md §5 M1).

    ``missing`` lists required items shown but unanswered; ``ignored`` lists answers
    to items hidden by branching, which were not scored (V3).
    """

    code: str
    version: int
    total: Number | None
    subscales: Mapping[str, Number | None]
    band: str | None
    complete: bool
    missing: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    #: H7: an unfinished HQ-25's answered contributions when they already reach the
    #: cut-off (missing items can only add), else None.
    lower_bound: Number | None = None

    def as_json(self) -> dict[str, Any]:
        """The DESIGN.md §3 instrument entry, plus version, missing and ignored.

        ``lower_bound`` (H7) is present only when set.
        """
        data: dict[str, Any] = {
            "total": self.total,
            "subscales": dict(self.subscales),
            "band": self.band,
            "complete": self.complete,
            "version": self.version,
            "missing": list(self.missing),
            "ignored": list(self.ignored),
        }
        if self.lower_bound is not None:
            data["lower_bound"] = self.lower_bound
        return data


@dataclass(frozen=True)
class Criteria:
    """The four criteria after combining sources (INSTRUMENTS.md §5 C0-C4).

    ``evidence`` maps a criterion to the answers that decided it, and ``decided_by``
    to the source (``clinician``, ``self``, ``family``) whose value was taken.
    """

    duration: DurationBand
    going_out: GoingOut
    impairment_or_distress: bool | None
    onset_before_30: bool | None
    evidence: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    decided_by: Mapping[str, str] = field(default_factory=dict)
    #: Each source's own value per criterion (``{"duration": {"self": "below",
    #: "family": "at_risk"}}``), undecided values left out: a clinician sees every
    #: source side by side, not only the one that decided.
    by_source: Mapping[str, Mapping[str, str | bool]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The DESIGN.md §3 ``criteria`` object."""
        return {
            "duration": self.duration.value,
            "going_out": self.going_out.value,
            "impairment_or_distress": self.impairment_or_distress,
            "onset_before_30": self.onset_before_30,
        }


@dataclass(frozen=True)
class Disagreement:
    """Self and family decided a criterion differently (INSTRUMENTS.md §5 C0)."""

    criterion: str
    self_value: str | bool
    family_value: str | bool

    def as_json(self) -> dict[str, Any]:
        """``{"criterion", "self", "family"}`` as in DESIGN.md §3."""
        return {
            "criterion": self.criterion,
            "self": self.self_value,
            "family": self.family_value,
        }


@dataclass(frozen=True)
class Flag:
    """A raised flag and every answer that raised it (INSTRUMENTS.md §4)."""

    code: str
    severity: Severity
    because: tuple[str, ...]

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        """``{"code", "severity", "because"}`` plus a short ``explanation``."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "because": list(self.because),
            "explanation": wording.flag_explanation(self.code, lang),
        }


@dataclass(frozen=True)
class Outcome:
    """The screening outcome (INSTRUMENTS.md §5 C5-C7, wording §6).

    ``missing`` names the answers needed when the outcome is ``incomplete``;
    ``unmet`` names each criterion not met or unknown (C6's explanation);
    ``comorbidity_note`` is true when §6's "may be related to another condition"
    sentence applies.
    """

    category: Category
    missing: tuple[str, ...] = ()
    unmet: tuple[str, ...] = ()
    comorbidity_note: bool = False

    def recommendation(self, lang: str = "en") -> str:
        """The approved recommendation text for this outcome (§6)."""
        return wording.recommendation(
            self.category.value,
            lang,
            missing=self.missing,
            comorbidity=self.comorbidity_note,
        )

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        """``{"category", "recommendation", "missing"}`` plus ``unmet``/explanation."""
        return {
            "category": self.category.value,
            "recommendation": self.recommendation(lang),
            "missing": list(self.missing),
            "unmet": list(self.unmet),
            "explanation": wording.unmet_explanation(self.unmet, lang),
        }


@dataclass(frozen=True)
class ScreeningResult:
    """Everything the engine concludes from one screening's answers."""

    engine_version: str
    age: int
    instruments: Mapping[str, InstrumentResult]
    criteria: Criteria
    disagreements: tuple[Disagreement, ...]
    flags: tuple[Flag, ...]
    outcome: Outcome

    def flag(self, code: str) -> Flag | None:
        """The flag with ``code``, if raised."""
        return next((f for f in self.flags if f.code == code), None)

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        """The DESIGN.md §3 output object, with texts in ``lang`` (en, ja, it)."""
        data: dict[str, Any] = {
            "engine_version": self.engine_version,
            "age": self.age,
            "instruments": {
                code: result.as_json() for code, result in self.instruments.items()
            },
            "criteria": self.criteria.as_json(),
            "criteria_evidence": {
                name: {"source": self.criteria.decided_by[name], "because": list(why)}
                for name, why in self.criteria.evidence.items()
            },
            "criteria_by_source": {
                name: dict(values) for name, values in self.criteria.by_source.items()
            },
            "disagreements": [d.as_json() for d in self.disagreements],
            "flags": [f.as_json(lang) for f in self.flags],
            "outcome": self.outcome.as_json(lang),
            "notice": wording.phrase("not_a_diagnosis", lang),
        }
        suicide = self.flag("suicide_risk")
        if suicide is not None:
            asq = self.instruments.get("asq")
            data["suicide_risk"] = {
                "respondent": wording.suicide_text("respondent", lang),
                "clinician": wording.suicide_text(
                    "clinician", lang, asq_band=asq.band if asq else None
                ),
            }
        return data
