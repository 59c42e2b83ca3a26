"""Frozen instrument definitions: the in-memory form of ``hikiscreen.instrument/1``.

The JSON format is specified in ``docs/instrument-schema.md``; the loader in
``questionnaires/bank/loader.py`` is the only code that builds these objects from JSON
and the only code that writes them back. Nothing here imports Django: the Django
question-bank models convert to and from these dataclasses, and the scoring engine
reads nothing else.

Mappings inside the dataclasses are plain ``dict`` objects for ease of use; treat them
as read-only (the dataclasses are frozen, and the engine never mutates them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

SCHEMA = "hikiscreen.instrument/1"

#: A language map, e.g. ``{"en": "…", "ja": "…"}``.
Text = Mapping[str, str]
#: A value a condition compares with.
Scalar = int | float | str

AUDIENCES = ("self", "informant", "clinician")
CHOICE_KINDS = frozenset({"likert", "single_choice", "yes_no"})
NUMERIC_KINDS = frozenset({"integer", "number", "months", "age"})
KINDS = (
    "likert",
    "single_choice",
    "yes_no",
    "integer",
    "number",
    "months",
    "age",
    "time_of_day",
    "free_text",
)
#: Kinds whose value is a number a score method can add up.
SCORABLE_KINDS = CHOICE_KINDS | NUMERIC_KINDS
SCORE_METHODS = ("sum", "count", "keyed", "sum_over", "value", "none")
OPS = ("eq", "ne", "gt", "ge", "lt", "le", "in", "between", "answered")
MISSING_RULES = ("incomplete", "prorate")
#: Severities, most severe first (INSTRUMENTS.md §4).
SEVERITIES = ("urgent", "high", "moderate")
#: Flag codes in the order of the INSTRUMENTS.md §4 table.
FLAG_CODES = (
    "suicide_risk",
    "family_safety",
    "depression",
    "psychosis_risk",
    "anxiety",
    "social_anxiety",
    "autism_traits",
    "avoidant_traits",
    "social_isolation",
    "internet_overuse",
    "sleep_reversal",
)
#: Derived references a condition may use (docs/instrument-schema.md, Conditions).
DERIVED_REFS = {"derived:sleep_midpoint": ("sleep_time", "wake_time")}
FREE_TEXT_MAX = 2000


@dataclass(frozen=True)
class Option:
    """One response option of a choice item; ``value`` is what is scored."""

    code: str
    value: int
    label: Text = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    """``{"ref", "op", "value"}``; ``value`` is a tuple for ``in`` and ``between``."""

    ref: str
    op: str
    value: Scalar | tuple[Scalar, ...] | None = None


@dataclass(frozen=True)
class AllOf:
    """``{"all": [...]}``: holds when every condition holds."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """``{"any": [...]}``: holds when at least one condition holds."""

    conditions: tuple[Condition, ...]


Condition = Comparison | AllOf | AnyOf


@dataclass(frozen=True)
class Item:
    """One question. ``options_ref`` keeps the ``option_sets`` name it was given by."""

    code: str
    kind: str
    text: Text = field(default_factory=dict)
    help: Text = field(default_factory=dict)
    section: Text = field(default_factory=dict)
    required: bool = True
    options: tuple[Option, ...] = ()
    options_ref: str | None = None
    min: float | None = None
    max: float | None = None
    decimals: int | None = None
    show_if: Condition | None = None
    safety: bool = False

    @property
    def bounds(self) -> tuple[float, float] | None:
        """Inclusive value range, with the kind's defaults (instrument-schema.md)."""
        if self.kind in CHOICE_KINDS:
            values = [o.value for o in self.options]
            return (min(values), max(values)) if values else None
        if self.kind == "months":
            return (
                0 if self.min is None else self.min,
                600 if self.max is None else self.max,
            )
        if self.kind == "age":
            return (
                0 if self.min is None else self.min,
                99 if self.max is None else self.max,
            )
        if self.kind in NUMERIC_KINDS and self.min is not None and self.max is not None:
            return (self.min, self.max)
        return None

    @property
    def allowed_decimals(self) -> int:
        """Digits allowed after the point: ``months`` one, ``number`` as declared."""
        if self.decimals is not None:
            return self.decimals
        return 1 if self.kind == "months" else 0


@dataclass(frozen=True)
class ScoreRule:
    """How a total or subscale is computed (docs/instrument-schema.md, Scoring)."""

    method: str
    items: tuple[str, ...] = ()
    reverse: tuple[str, ...] = ()
    reverse_base: float | None = None
    threshold: float | None = None
    key: Mapping[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Subscale:
    """A named partial score, reported beside the total."""

    code: str
    rule: ScoreRule
    label: Text = field(default_factory=dict)


@dataclass(frozen=True)
class Band:
    """A labelled, inclusive range of the total (INSTRUMENTS.md §2 bands / cut-offs).

    The ASQ's ``acute_positive`` depends on ``asq_5``, not on the yes-count total, so
    no range can express it; the clinical layer applies it (INSTRUMENTS.md §5 U1).
    """

    code: str
    min: float
    max: float
    label: Text = field(default_factory=dict)
    source: str | None = None


@dataclass(frozen=True)
class FlagRule:
    """Raise flag ``code`` with ``severity`` when ``when`` holds (INSTRUMENTS.md §4)."""

    code: str
    severity: str
    when: Condition
    source: str | None = None


@dataclass(frozen=True)
class MissingRule:
    """What a missing required answer does to the total (INSTRUMENTS.md §5 M1)."""

    rule: str = "incomplete"
    min_answered: int | None = None


@dataclass(frozen=True)
class Scoring:
    """The ``scoring`` object of a definition."""

    total: ScoreRule = field(default_factory=lambda: ScoreRule(method="none"))
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[Band, ...] = ()
    band_source: str | None = None
    missing: MissingRule = field(default_factory=MissingRule)
    flags: tuple[FlagRule, ...] = ()


@dataclass(frozen=True)
class Licence:
    """Whether item text may ship, and what must be shown with the items."""

    text_may_ship: bool
    note: str = ""
    attribution: str = ""


@dataclass(frozen=True)
class InstrumentDefinition:
    """One instrument version, as published (docs/instrument-schema.md, Top level)."""

    code: str
    version: int
    name: Text
    short_name: str
    audience: str
    licence: Licence
    items: tuple[Item, ...]
    scoring: Scoring
    age_min: int | None = None
    age_max: int | None = None
    languages: tuple[str, ...] = ("en",)
    citation: str = ""
    changelog: str = ""
    instructions: Text = field(default_factory=dict)
    option_sets: Mapping[str, tuple[Option, ...]] = field(default_factory=dict)
    schema: str = SCHEMA

    @cached_property
    def index(self) -> DefinitionIndex:
        """Lookups computed once per definition, so scoring never searches lists."""
        return DefinitionIndex(self)


class DefinitionIndex:
    """Precomputed lookups for one definition (read-only once built)."""

    __slots__ = (
        "items",
        "position",
        "option_values",
        "option_codes",
        "subscales",
        "valid_ints",
        "branching",
        "required",
    )

    def __init__(self, definition: InstrumentDefinition) -> None:
        self.items: dict[str, Item] = {i.code: i for i in definition.items}
        self.position: dict[str, int] = {
            i.code: n for n, i in enumerate(definition.items)
        }
        self.option_values: dict[str, frozenset[int]] = {
            i.code: frozenset(o.value for o in i.options)
            for i in definition.items
            if i.kind in CHOICE_KINDS
        }
        # Lets the clinical layer recognise an explicit "unknown" option (rule C0).
        self.option_codes: dict[str, dict[int, str]] = {
            i.code: {o.value: o.code for o in i.options}
            for i in definition.items
            if i.kind in CHOICE_KINDS
        }
        self.subscales: dict[str, Subscale] = {
            s.code: s for s in definition.scoring.subscales
        }
        # Without show_if every item is shown, so scoring can skip the per-item walk.
        self.branching: bool = any(i.show_if is not None for i in definition.items)
        self.required: tuple[str, ...] = tuple(
            i.code for i in definition.items if i.required
        )
        # Fast path for validation: every valid value of choice and small integer
        # items, so the common answer is checked by one set lookup.
        self.valid_ints: dict[str, frozenset[int]] = dict(self.option_values)
        for item in definition.items:
            bounds = item.bounds
            if item.kind == "integer" and bounds is not None:
                low, high = int(bounds[0]), int(bounds[1])
                if high - low <= 1000:
                    self.valid_ints[item.code] = frozenset(range(low, high + 1))
