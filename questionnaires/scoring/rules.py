"""Generic score methods, bands and conditions (docs/instrument-schema.md, Scoring).

Everything instrument-specific is data in the definition; this module only knows the
methods (``sum``, ``count``, ``keyed``, ``sum_over``, ``value``, ``none``), the band
lookup, and how a condition is evaluated and explained. The rules it implements are
INSTRUMENTS.md §5 H1-H6 (sum with reverse keying), P1-P2, G1, A1-A2 (keyed), Q1
(count and sum_over), L1-L2, F1 (value) and M1 (completeness).

Answers reach these functions already validated (``engine.validate``), as a mapping
item code -> value holding only the answers that count (V3), so nothing here checks
types again: this is the hot path.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from questionnaires.scoring.definitions import (
    DERIVED_REFS,
    AllOf,
    AnyOf,
    Band,
    Comparison,
    Condition,
    Item,
    MissingRule,
    ScoreRule,
)

#: A validated answer value: a number, or "HH:MM" for ``time_of_day``.
Value = int | float | str
Number = int | float


def natural(value: object) -> str:
    """Format a value as it appears in ``because`` (INSTRUMENTS.md §4): ``14``, ``6.5``.

    Integral floats lose their ``.0`` so that ``phq9.total=14`` reads the same whether
    the total was computed from integers or floats.
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def tidy(value: Number) -> Number:
    """Integral floats as ``int``: JSON shows ``14``, not ``14.0`` (DESIGN.md §3)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _contribution_range(rule: ScoreRule, item: Item) -> tuple[float, float] | None:
    bounds = item.bounds
    if bounds is None:
        return None
    lo, hi = bounds
    if rule.method == "sum" and item.code in rule.reverse:
        base = rule.reverse_base or 0
        return (base - hi, base - lo)
    if rule.method == "sum_over":
        t = 1 if rule.threshold is None else rule.threshold
        return (max(lo - t, 0), max(hi - t, 0))
    return (lo, hi)


def score_range(
    rule: ScoreRule, items: Mapping[str, Item]
) -> tuple[float, float, float] | None:
    """Possible range of a score and its step: ``(lo, hi, step)``, or None.

    Used to check that bands cover the whole range without gaps or overlaps
    (docs/instrument-schema.md, Scoring). ``step`` is 1 for whole-number scores and
    ``10**-decimals`` for a ``value`` or ``sum`` of decimal items.
    """
    method = rule.method
    if method == "none" or not rule.items:
        return None
    if method in ("count", "keyed"):
        return (0, len(rule.items), 1)
    lo_total = hi_total = 0.0
    decimals = 0
    for code in rule.items:
        item = items.get(code)
        if item is None:
            return None
        span = _contribution_range(rule, item)
        if span is None:
            return None
        lo_total += span[0]
        hi_total += span[1]
        decimals = max(decimals, item.allowed_decimals)
    for number in (rule.reverse_base, rule.threshold):
        if number is not None and not float(number).is_integer():
            decimals = max(decimals, 1)
    return (lo_total, hi_total, 10.0**-decimals)


def possible_totals(
    rule: ScoreRule,
    items: Mapping[str, Item],
    counted: Mapping[str, Value],
    missing: Collection[str],
) -> tuple[Number, Number] | None:
    """The lowest and highest total an incomplete instrument could still reach.

    INSTRUMENTS.md §5 M1: an instrument with a required item missing has no total.
    Its answered items (``counted``) contribute what they contribute; each missing
    item of the rule (``missing``) could still contribute anything in its value
    range, reversed for a reverse-keyed item (H2) and above the threshold for
    ``sum_over``, 0 or 1 for ``count`` and ``keyed``; an item neither answered nor
    missing (hidden, or optional and skipped) contributes nothing. None when a
    missing item has no known range, or the rule has no total.
    """
    method = rule.method
    if method == "none" or not rule.items:
        return None
    present = [(c, counted[c]) for c in rule.items if c in counted and c not in missing]
    open_items = [c for c in rule.items if c in missing]
    if method == "value":
        if present:
            value = present[0][1]
            return None if isinstance(value, str) else (value, value)
        item = items.get(open_items[0]) if open_items else None
        bounds = item.bounds if item is not None else None
        return (tidy(bounds[0]), tidy(bounds[1])) if bounds else None
    low = high = raw_total(rule, present)  # type: ignore[arg-type]
    for code in open_items:
        item = items.get(code)
        if item is None:
            return None
        span = _open_contribution(rule, item)
        if span is None:
            return None
        low += span[0]
        high += span[1]
    return (tidy(low), tidy(high))


def _open_contribution(rule: ScoreRule, item: Item) -> tuple[Number, Number] | None:
    """What one unanswered item could still add to ``rule``'s total (M1)."""
    if rule.method in ("count", "keyed"):
        bounds = item.bounds
        if rule.method == "keyed" or bounds is None:
            return (0, 1)
        t = 1 if rule.threshold is None else rule.threshold
        return (1 if bounds[0] >= t else 0, 1 if bounds[1] >= t else 0)
    return _contribution_range(rule, item)


def compute_score(
    rule: ScoreRule,
    answers: Mapping[str, Value],
    missing_required: Collection[str],
    missing: MissingRule,
) -> Number | None:
    """Compute one total or subscale; None when incomplete (INSTRUMENTS.md §5 M1, H5).

    ``missing_required`` holds the required items that were shown but not answered
    (hidden items are never required). Under the ``incomplete`` rule any of them
    among the score's items makes the score None; ``prorate`` (mean of answered items
    x number of items, rounded half up) is supported for admins' instruments but no
    bundled instrument uses it. A missing *optional* item contributes nothing.
    """
    method = rule.method
    if method == "none":
        return None
    try:
        # Fast path: every item answered (the usual case); no per-item branching.
        answered: list[tuple[str, Number]] = [
            (code, answers[code])  # type: ignore[misc]
            for code in rule.items
        ]
    except KeyError:
        answered = []
        for code in rule.items:
            value = answers.get(code)
            if value is None:
                if missing.rule == "incomplete" and code in missing_required:
                    return None
                continue
            # Scored items are numeric kinds; the loader refuses anything else.
            answered.append((code, value))  # type: ignore[arg-type]
    if method == "value":
        return answered[0][1] if answered else None
    total = raw_total(rule, answered)
    if missing.rule == "prorate" and len(answered) < len(rule.items):
        if not answered or len(answered) < (missing.min_answered or len(rule.items)):
            return None
        # Half up, not Python's banker's rounding: the publications round half up.
        return math.floor(total / len(answered) * len(rule.items) + 0.5)
    return tidy(total)


def raw_total(rule: ScoreRule, answered: Iterable[tuple[str, Number]]) -> Number:
    method = rule.method
    if method == "sum":
        reverse = rule.reverse
        base = rule.reverse_base or 0
        return sum(base - v if code in reverse else v for code, v in answered)
    if method == "count":
        t = 1 if rule.threshold is None else rule.threshold
        return sum(1 for _, v in answered if v >= t)
    if method == "keyed":
        key = rule.key
        return sum(1 for code, v in answered if v in key.get(code, ()))
    if method == "sum_over":
        t = 1 if rule.threshold is None else rule.threshold
        return sum(max(v - t, 0) for _, v in answered)
    raise ValueError(f"unknown score method {method!r}")


def range_band(bands: Iterable[Band], total: Number | None) -> str | None:
    """The code of the range band holding ``total`` (INSTRUMENTS.md §2 bands)."""
    if total is None:
        return None
    for band in bands:
        if band.min <= total <= band.max:
            return band.code
    return None


def minutes(hhmm: str) -> int:
    """Minutes after midnight of a validated ``"HH:MM"`` (INSTRUMENTS.md §3 times)."""
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def sleep_midpoint(sleep_time: str, wake_time: str) -> float:
    """Midpoint of sleep in minutes after midnight, crossing midnight (§4).

    Sleeping 03:00 and waking 15:00 gives 540 (09:00). Equal times give that
    time here, but ``Facts.value`` never asks: equal sleep and wake times are not a
    night's sleep that can be placed, so they raise no ``sleep_reversal`` (V1a).
    """
    start = minutes(sleep_time)
    length = (minutes(wake_time) - start) % 1440
    mid = (start + length / 2) % 1440
    return int(mid) if mid.is_integer() else mid


class Facts:
    """What a condition can refer to for one instrument: answers, scores, age."""

    __slots__ = ("instrument", "answers", "total", "subscales", "age")

    def __init__(
        self,
        instrument: str,
        answers: Mapping[str, Value],
        total: Number | None,
        subscales: Mapping[str, Number | None],
        age: int,
    ) -> None:
        self.instrument = instrument
        self.answers = answers
        self.total = total
        self.subscales = subscales
        self.age = age

    def value(self, ref: str) -> Value | None:
        """The value ``ref`` refers to, or None when missing or incomplete."""
        if ref.startswith("item:"):
            return self.answers.get(ref[5:])
        if ref == "total":
            return self.total
        if ref.startswith("subscale:"):
            return self.subscales.get(ref[9:])
        if ref == "age":
            return self.age
        sources = DERIVED_REFS.get(ref)
        if sources is not None:
            sleep, wake = (self.answers.get(c) for c in sources)
            if not isinstance(sleep, str) or not isinstance(wake, str):
                return None
            if sleep == wake:
                return None  # V1a: no night's sleep that can be placed

            return sleep_midpoint(sleep, wake)
        raise ValueError(f"unknown reference {ref!r}")

    def because(self, ref: str) -> tuple[str, ...]:
        """The ``because`` strings of an answered ``ref`` (only built when needed).

        ``age`` contributes nothing: it is the respondent's context, not an answer,
        and §4 defines ``because`` as the answers that raised a flag.
        """
        prefix = self.instrument
        if ref.startswith("item:"):
            code = ref[5:]
            return (f"{prefix}.{code}={natural(self.answers[code])}",)
        if ref == "total":
            return (f"{prefix}.total={natural(self.total)}",)
        if ref.startswith("subscale:"):
            code = ref[9:]
            return (f"{prefix}.{code}={natural(self.subscales[code])}",)
        sources = DERIVED_REFS.get(ref)
        if sources is not None:
            return tuple(f"{prefix}.{c}={self.answers[c]}" for c in sources)
        return ()


def _compare(op: str, left: Value, right: Any) -> bool:
    # ``right`` comes from validated JSON; a str/number mismatch is simply false.
    try:
        if op == "eq":
            return bool(left == right)
        if op == "ne":
            return bool(left != right)
        if op == "gt":
            return bool(left > right)
        if op == "ge":
            return bool(left >= right)
        if op == "lt":
            return bool(left < right)
        if op == "le":
            return bool(left <= right)
        if op == "in":
            return left in right
        if op == "between":
            return bool(right[0] <= left < right[1])
    except TypeError:
        return False
    raise ValueError(f"unknown operator {op!r}")


def evaluate(condition: Condition, facts: Facts) -> tuple[bool, tuple[str, ...]]:
    """Evaluate a condition; return whether it holds and the answers that made it hold.

    Semantics from docs/instrument-schema.md, Conditions: a comparison on a missing
    answer or an incomplete score is false (``answered`` excepted). For ``any`` the
    explanation lists every branch that holds, not just the first, because ``because``
    must name every answer that raised a flag (INSTRUMENTS.md §4).
    """
    if isinstance(condition, Comparison):
        value = facts.value(condition.ref)
        if value is None:
            return False, ()
        if condition.op != "answered" and not _compare(
            condition.op, value, condition.value
        ):
            return False, ()
        return True, facts.because(condition.ref)
    if isinstance(condition, AllOf):
        collected: list[str] = []
        for part in condition.conditions:
            holds, because = evaluate(part, facts)
            if not holds:
                return False, ()
            collected.extend(because)
        return True, tuple(dict.fromkeys(collected))
    if isinstance(condition, AnyOf):
        collected = []
        any_holds = False
        for part in condition.conditions:
            holds, because = evaluate(part, facts)
            if holds:
                any_holds = True
                collected.extend(because)
        return any_holds, tuple(dict.fromkeys(collected))
    raise TypeError(f"not a condition: {condition!r}")
