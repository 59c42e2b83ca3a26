"""The scoring engine: validate a screening's answers, score every instrument, conclude.

``score(definitions, answers, age=...)`` is the one entry point (re-exported by the
package). It first validates everything (INSTRUMENTS.md §5 V1-V2) and raises a single
:class:`~questionnaires.scoring.errors.InvalidInput` listing every problem; only then
does it score, so a result never comes from clamped or dropped input.

Speed: every lookup a definition needs is precomputed once in
``InstrumentDefinition.index``; the hot path builds one small dict per instrument and
never copies a definition.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from questionnaires.scoring import clinical
from questionnaires.scoring.definitions import (
    CHOICE_KINDS,
    FREE_TEXT_MAX,
    InstrumentDefinition,
    Item,
)
from questionnaires.scoring.errors import InputError, InvalidInput
from questionnaires.scoring.rules import (
    Facts,
    Number,
    Value,
    compute_score,
    evaluate,
    possible_totals,
    range_band,
)
from questionnaires.scoring.types import InstrumentResult, ScreeningResult

#: 1.1.1: Japanese outcome wording uses the glossary terms (docs/translation.md).
#: 1.1.2: result wording comes from the gettext catalogues; Japanese "1〜3か月" takes
#: the one wave dash of docs/translation.md (U+301C).
ENGINE_VERSION = "1.1.2"
AGE_MIN, AGE_MAX = 10, 100
_TIME_RE = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]\Z")  # ASCII digits only
ASQ = "asq"

Answers = Mapping[str, Mapping[str, Any]]
Raised = list[tuple[str, str, tuple[str, ...]]]


def _is_int(value: object) -> bool:
    # bool is an int subclass; JSON true/false is never a valid answer value.
    return isinstance(value, int) and not isinstance(value, bool)


#: No answer is a number this large; bigger ones are refused before any arithmetic.
MAGNITUDE_MAX = 10**15

#: Characters of an offending value quoted in a message.
SHOWN_MAX = 40


def _shown(value: object) -> str:
    """``repr(value)``, shortened: a hostile value must not flood a message."""
    if _is_int(value) and abs(value) > MAGNITUDE_MAX:  # type: ignore[arg-type]
        digits = len(str(abs(value)))  # type: ignore[arg-type]
        return f"an integer of {digits} digits"
    text = repr(value)
    return text if len(text) <= SHOWN_MAX else f"{text[:SHOWN_MAX]}…"


def _decimals_ok(value: float, decimals: int) -> bool:
    scaled = value * 10**decimals
    return bool(abs(scaled - round(scaled)) < 1e-6)


def check_value(item: Item, value: object, age: int | None) -> str | None:
    """Why ``value`` is not a valid answer to ``item``, or None (§5 V1, V2).

    ``age`` is the respondent's age when valid; an ``age`` item above it is the V2
    error (``onset_age`` greater than ``age``).
    """
    kind = item.kind
    if kind in CHOICE_KINDS:
        if not _is_int(value):
            return f"expected an integer option value, got {value!r}"
        allowed = {o.value for o in item.options}
        if value not in allowed:
            values = ", ".join(str(v) for v in sorted(allowed))
            return f"{_shown(value)} is not one of the option values ({values})"
        return None
    if kind == "time_of_day":
        if not isinstance(value, str) or not _TIME_RE.match(value):
            return f'expected a time "HH:MM" (24 h), got {value!r}'
        return None
    if kind == "free_text":
        if not isinstance(value, str):
            return f"expected text, got {value!r}"
        if len(value) > FREE_TEXT_MAX:
            return f"text longer than {FREE_TEXT_MAX} characters"
        return None
    whole = kind in ("integer", "age")
    if whole and not _is_int(value):
        return f"expected an integer, got {_shown(value)}"
    if not (_is_int(value) or (isinstance(value, float) and math.isfinite(value))):
        return f"expected a number, got {_shown(value)}"
    number: float = value  # type: ignore[assignment]
    # An int of hundreds of digits is valid JSON but no float: refuse it by size
    # before any arithmetic (math.isfinite would overflow).
    if abs(number) > MAGNITUDE_MAX:
        return f"{_shown(value)} is too large (at most {MAGNITUDE_MAX:.0e})"
    bounds = item.bounds
    if bounds is not None and not bounds[0] <= number <= bounds[1]:
        return f"{value} is out of range {_fmt(bounds[0])}-{_fmt(bounds[1])}"
    decimals = item.allowed_decimals
    if not whole and not _decimals_ok(number, decimals):
        return f"{value} has more than {decimals} decimal(s)"
    if kind == "age" and age is not None and number > age:
        return f"{value} is greater than the respondent's age {age}"
    return None


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def validate(
    definitions: Mapping[str, InstrumentDefinition], answers: object, age: object
) -> list[InputError]:
    """Every problem with the input, each naming its code (INSTRUMENTS.md §5 V1-V2)."""
    errors: list[InputError] = []
    valid_age: int | None = None
    if not _is_int(age):
        errors.append(InputError("age", f"required, an integer {AGE_MIN}-{AGE_MAX}"))
    elif not AGE_MIN <= age <= AGE_MAX:  # type: ignore[operator]
        errors.append(
            InputError("age", f"{_shown(age)} is out of range {AGE_MIN}-{AGE_MAX}")
        )
    else:
        valid_age = age  # type: ignore[assignment]
    if not isinstance(answers, Mapping):
        errors.append(InputError("answers", "must map instrument codes to answers"))
        return errors
    for code, given in answers.items():
        definition = definitions.get(code)
        if definition is None:
            errors.append(InputError(str(code), "unknown instrument"))
            continue
        if not isinstance(given, Mapping):
            errors.append(InputError(code, "answers must map item codes to values"))
            continue
        items = definition.index.items
        valid_ints = definition.index.valid_ints
        for item_code, value in given.items():
            # Fast path: most answers are option values (bool is excluded by type).
            if type(value) is int and value in valid_ints.get(item_code, ()):
                continue
            item = items.get(item_code)
            if item is None:
                errors.append(InputError(str(item_code), f"unknown item in {code}"))
            elif value is not None:
                problem = check_value(item, value, valid_age)
                if problem is not None:
                    errors.append(InputError(item_code, f"{code}: {problem}"))
    return errors


def _walk_items(
    definition: InstrumentDefinition,
    given: Mapping[str, Value | None],
    facts: Facts,
    counted: dict[str, Value],
    missing: list[str],
    ignored: list[str],
) -> None:
    """Fill ``counted``, ``missing`` and ``ignored`` item by item (§5 V3, M1)."""
    for item in definition.items:
        value = given.get(item.code)
        # show_if refers only to earlier items, all already in ``counted``.
        shown = item.show_if is None or evaluate(item.show_if, facts)[0]
        if value is None:
            if shown and item.required:
                missing.append(item.code)
        elif shown:
            counted[item.code] = value
        elif item.safety and not isinstance(value, str) and value > 0:
            counted[item.code] = value  # safety wins over tidiness (V3)
        else:
            ignored.append(item.code)


def score_instrument(
    definition: InstrumentDefinition,
    given: Mapping[str, Value | None],
    age: int,
    raised: Raised,
) -> tuple[InstrumentResult, dict[str, Value]]:
    """Score one validated instrument; append its raised flags to ``raised``.

    Returns the result and the *counted* answers: those shown, plus positive answers
    to hidden ``safety`` items (INSTRUMENTS.md §5 V3, M1).
    """
    code = definition.code
    index = definition.index
    counted: dict[str, Value]
    missing: list[str] = []
    ignored: list[str] = []
    if not index.branching:
        # Every item is shown: count every answer, list unanswered required items.
        counted = {c: v for c, v in given.items() if v is not None}
        missing = [c for c in index.required if c not in counted]
        facts = Facts(code, counted, None, {}, age)
    else:
        counted = {}
        facts = Facts(code, counted, None, {}, age)
        _walk_items(definition, given, facts, counted, missing, ignored)
    scoring = definition.scoring
    total = compute_score(scoring.total, counted, missing, scoring.missing)
    subscales: dict[str, Number | None] = {
        s.code: compute_score(s.rule, counted, missing, scoring.missing)
        for s in scoring.subscales
    }
    if missing and scoring.missing.rule == "incomplete":
        # M1: any required item missing makes the total null, even one outside the
        # total's items (the ASQ's shown ``asq_5``); band and flags still hold (U1).
        total = None
    lower_bound = clinical.hq25_lower_bound(definition, counted) if missing else None
    band = range_band(scoring.bands, total)
    if code == ASQ:
        band = clinical.asq_band(band, counted)
    facts.total = total
    facts.subscales = subscales
    for rule in scoring.flags:
        holds, because = evaluate(rule.when, facts)
        if holds:
            raised.append((rule.code, rule.severity, because))
    result = InstrumentResult(
        code=code,
        version=definition.version,
        total=total,
        subscales=subscales,
        band=band,
        complete=not missing,
        missing=tuple(missing),
        ignored=tuple(ignored),
        lower_bound=lower_bound,
    )
    return result, counted


def score(
    definitions: Mapping[str, InstrumentDefinition],
    answers: Answers | Any,
    *,
    age: object,
) -> ScreeningResult:
    """Score a whole screening (INSTRUMENTS.md §4-§5; output DESIGN.md §3).

    ``definitions`` maps instrument code to the version that was answered,
    ``answers`` maps instrument code to item code to value (None = unanswered), and
    ``age`` is the respondent's age. Raises InvalidInput listing every problem.
    """
    errors = validate(definitions, answers, age)
    if errors:
        raise InvalidInput(errors)
    valid_age: int = age  # type: ignore[assignment]
    raised: Raised = []
    instruments: dict[str, InstrumentResult] = {}
    counted: dict[str, dict[str, Value]] = {}
    for code, given in answers.items():
        # validate() has checked every value against its item's kind.
        instruments[code], counted[code] = score_instrument(
            definitions[code], given, valid_age, raised
        )
    criteria, disagreements = clinical.criteria_from_answers(definitions, counted)
    flags = clinical.merge_flags(raised)
    outcome = clinical.outcome(criteria, instruments, flags, answers.keys())
    return ScreeningResult(
        engine_version=ENGINE_VERSION,
        age=valid_age,
        instruments=instruments,
        criteria=criteria,
        disagreements=disagreements,
        flags=flags,
        outcome=outcome,
    )


class PossibleTotal(NamedTuple):
    """What an incomplete instrument's missing answers could still make of it (M1):
    the lowest and highest total (None when a missing item has no known range) and
    the bands they fall in."""

    low: Number | None
    high: Number | None
    band_low: str | None
    band_high: str | None

    @property
    def band_may_change(self) -> bool:
        """Whether answering the missing items could change the band (unknown: yes)."""
        return self.low is None or self.band_low != self.band_high


def possible_total(
    definition: InstrumentDefinition, given: Mapping[str, Value | None], age: int
) -> PossibleTotal | None:
    """For an incomplete instrument, the lowest and highest total its missing
    answers could still give and their bands (INSTRUMENTS.md §5 M1, see
    :func:`rules.possible_totals`), with the ASQ's ``acute_positive`` when its shown
    ``asq_5`` is the missing answer (U1); None for a complete instrument.

    ``given`` are the validated answers as :func:`score_instrument` takes them; only
    the counted ones (V3) contribute.
    """
    result, counted = score_instrument(definition, given, age, [])
    if result.complete:
        return None
    scoring = definition.scoring
    span = possible_totals(
        scoring.total, definition.index.items, counted, result.missing
    )
    if span is None:
        return PossibleTotal(None, None, None, None)
    low, high = (range_band(scoring.bands, total) for total in span)
    if definition.code == ASQ:
        low = clinical.asq_band(low, counted)
        worst = {**counted, "asq_5": 1} if "asq_5" in result.missing else counted
        high = clinical.asq_band(high, worst)
    return PossibleTotal(span[0], span[1], low, high)
