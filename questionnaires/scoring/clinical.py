"""Clinical layer: criteria C0-C4, the outcome C5-C7, ASQ bands and flag order.

Rules are INSTRUMENTS.md §5 (C0-C7, U1-U2) and §4 (flag order). Flag *conditions*
are data (each definition's ``scoring.flags``); this module only merges the raised
flags and puts them in order, so a new instrument version can move a cut-off without
code.

Readings chosen where the text leaves room (the safer one each time, because a
screen should rather not miss):

- C0: the clinician (``criteria``) decides a criterion whenever its answer decides it;
  an answer whose option code is ``unknown`` counts as no answer. Self and family
  are combined by taking the value further towards meeting the criterion.
  Disagreements between self and family are listed even when the clinician decided
  the criterion, since the clinician should see them either way.
- C2: ``rarely_leaves_room`` = 1 gives ``severe`` even when the days are missing;
  with ``rarely_leaves_room`` = 0 or missing, the days decide.
- C3: a source's "impairment items" are those of its own module that exist in its
  definition: ``impair_school_work``, ``impair_home``, ``impair_relationships``
  (self, family; met at >= 5) and ``impairment_significant`` (clinician; met at 1).
  ``false`` needs every one of them answered below the threshold *and*
  ``distressed`` = 0; anything less is ``null``, never ``false``.
- C5-C6: ``unknown``/``null`` is never treated as met, so an unknown impairment or
  onset gives at most ``at_risk``, and C6's explanation names it.
- C7: ``missing`` names the answers that would decide the unknown duration or
  going-out criterion (``months_withdrawn``; ``days_out_per_week``) in every
  withdrawal/criteria module that was answered, or in ``withdrawal`` if none was.
- U1: the ASQ band is ``acute_positive`` whenever ``asq_5`` = 1 counts (also when
  hidden, V3) and ``positive`` whenever any of ``asq_1``-``asq_4`` is yes, even if
  another ASQ item is missing: a missing answer must not hide a yes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from questionnaires.scoring.definitions import (
    FLAG_CODES,
    SEVERITIES,
    InstrumentDefinition,
)
from questionnaires.scoring.rules import Number, Value, natural, raw_total, tidy
from questionnaires.scoring.types import (
    Category,
    Criteria,
    Disagreement,
    DurationBand,
    Flag,
    GoingOut,
    InstrumentResult,
    Outcome,
    Severity,
)

SELF = "withdrawal"
FAMILY = "withdrawal_family"
CLINICIAN = "criteria"
#: Source name -> instrument code, in the order they are reported.
SOURCES = {"clinician": CLINICIAN, "self": SELF, "family": FAMILY}
#: Item codes whose value is taken as "not known" when the option code is this.
UNKNOWN_OPTION = "unknown"

#: C3 impairment items per source module and the value at which each is met.
IMPAIRMENT_ITEMS = {
    SELF: (("impair_school_work", 5), ("impair_home", 5), ("impair_relationships", 5)),
    FAMILY: (
        ("impair_school_work", 5),
        ("impair_home", 5),
        ("impair_relationships", 5),
    ),
    CLINICIAN: (("impairment_significant", 1),),
}
#: Flags after which §6 adds "may be related to another condition".
COMORBIDITY_FLAGS = frozenset(
    {
        "depression",
        "psychosis_risk",
        "social_anxiety",
        "autism_traits",
        "avoidant_traits",
    }
)
HQ25 = "hq25"
HQ25_CUTOFF_BAND = "above_cutoff"
GOING_OUT_MARKED = frozenset({GoingOut.MILD, GoingOut.MODERATE, GoingOut.SEVERE})

_DURATION_RANK = {
    DurationBand.UNKNOWN: -1,
    DurationBand.BELOW: 0,
    DurationBand.AT_RISK: 1,
    DurationBand.MEETS: 2,
}
_GOING_OUT_RANK = {
    GoingOut.UNKNOWN: -1,
    GoingOut.NOT_MARKED: 0,
    GoingOut.MILD: 1,
    GoingOut.MODERATE: 2,
    GoingOut.SEVERE: 3,
}
_SEVERITY_RANK = {s: n for n, s in enumerate(SEVERITIES)}
# Enum construction by value is slow; a dict lookup keeps merge_flags cheap.
_SEVERITY = {s.value: s for s in Severity}
_FLAG_RANK = {c: n for n, c in enumerate(FLAG_CODES)}


def duration_band(months: float | None) -> DurationBand:
    """Band continuous withdrawal duration (INSTRUMENTS.md §5 C1)."""
    if months is None:
        return DurationBand.UNKNOWN
    if months >= 6:
        return DurationBand.MEETS
    return DurationBand.AT_RISK if months >= 3 else DurationBand.BELOW


def going_out_band(days: int | None, rarely_leaves_room: int | None) -> GoingOut:
    """Band how often the person leaves home (INSTRUMENTS.md §5 C2; Kato 2020)."""
    if rarely_leaves_room == 1:
        return GoingOut.SEVERE
    if days is None:
        return GoingOut.UNKNOWN
    if days >= 4:
        return GoingOut.NOT_MARKED
    return GoingOut.MILD if days >= 2 else GoingOut.MODERATE


def impairment_or_distress(
    impairments: Sequence[tuple[float | None, float]], distressed: int | None
) -> bool | None:
    """C3 for one source: ``impairments`` is (answer, threshold) per impairment item.

    True if any item reaches its threshold or ``distressed`` = 1; false only if every
    item was answered below it and ``distressed`` = 0; otherwise unknown (None).
    """
    if distressed == 1 or any(v is not None and v >= t for v, t in impairments):
        return True
    if distressed == 0 and impairments and all(v is not None for v, _ in impairments):
        return False
    return None


def onset_before_30(onset_age: int | None) -> bool | None:
    """Onset before age 30, shown separately (INSTRUMENTS.md §5 C4; Saito 1998)."""
    if onset_age is None:
        return None
    return onset_age < 30


@dataclass(frozen=True)
class SourceView:
    """One source's answers to the criteria items, as counted (V3, C0)."""

    name: str
    instrument: str
    answers: Mapping[str, Value]
    impairment_items: tuple[tuple[str, float], ...] = ()

    def get(self, code: str) -> Value | None:
        """The counted answer to ``code``, or None."""
        return self.answers.get(code)

    def because(self, *codes: str) -> tuple[str, ...]:
        """``because`` strings for the answered ``codes``."""
        return tuple(
            f"{self.instrument}.{c}={natural(self.answers[c])}"
            for c in codes
            if self.answers.get(c) is not None
        )


def source_view(
    name: str, definition: InstrumentDefinition, answers: Mapping[str, Value]
) -> SourceView:
    """One source's view: ``unknown`` options dropped (C0), its C3 items listed."""
    option_codes = definition.index.option_codes
    known = {
        code: value
        for code, value in answers.items()
        if not (
            isinstance(value, int)
            and option_codes.get(code, {}).get(value) == UNKNOWN_OPTION
        )
    }
    defined = definition.index.items
    impairment = tuple(
        (code, threshold)
        for code, threshold in IMPAIRMENT_ITEMS.get(definition.code, ())
        if code in defined
    )
    return SourceView(name, definition.code, known, impairment)


_Decision = tuple[object, tuple[str, ...]]


def _decide(view: SourceView) -> dict[str, _Decision]:
    """Each criterion as this one source decides it, with the answers used."""
    months = view.get("months_withdrawn")
    days = view.get("days_out_per_week")
    room = view.get("rarely_leaves_room")
    onset = view.get("onset_age")
    distressed = view.get("distressed")
    items = view.impairment_items
    going_out = going_out_band(days, room)  # type: ignore[arg-type]
    impairment = impairment_or_distress(
        [(view.get(c), t) for c, t in items],  # type: ignore[misc]
        distressed,  # type: ignore[arg-type]
    )
    return {
        "duration": (duration_band(months), view.because("months_withdrawn")),  # type: ignore[arg-type]
        "going_out": (
            going_out,
            view.because("rarely_leaves_room")
            if going_out is GoingOut.SEVERE and room == 1
            else view.because("days_out_per_week"),
        ),
        "impairment_or_distress": (
            impairment,
            view.because(*(c for c, _ in items), "distressed"),
        ),
        "onset_before_30": (onset_before_30(onset), view.because("onset_age")),  # type: ignore[arg-type]
    }


def _rank(criterion: str, value: object) -> int:
    if criterion == "duration":
        return _DURATION_RANK[value]  # type: ignore[index]
    if criterion == "going_out":
        return _GOING_OUT_RANK[value]  # type: ignore[index]
    return -1 if value is None else int(bool(value))


def _undecided(value: object) -> bool:
    return value is None or value in (DurationBand.UNKNOWN, GoingOut.UNKNOWN)


CRITERIA_NAMES = ("duration", "going_out", "impairment_or_distress", "onset_before_30")


def combine_criteria(
    views: Sequence[SourceView],
) -> tuple[Criteria, tuple[Disagreement, ...]]:
    """Combine the sources' criteria (INSTRUMENTS.md §5 C0).

    The clinician decides whenever it decides; otherwise self and family are merged
    by taking the value further towards meeting the criterion.
    """
    decided = {v.name: _decide(v) for v in views}
    values: dict[str, object] = {}
    evidence: dict[str, tuple[str, ...]] = {}
    decided_by: dict[str, str] = {}
    disagreements: list[Disagreement] = []
    by_source: dict[str, dict[str, str | bool]] = {}
    for name in CRITERIA_NAMES:
        by_source[name] = {
            source: _json_value(decisions[name][0])
            for source, decisions in decided.items()
            if not _undecided(decisions[name][0])
        }
        clinician = decided.get("clinician", {}).get(name)
        self_ = decided.get("self", {}).get(name)
        family = decided.get("family", {}).get(name)
        if (
            self_ is not None
            and family is not None
            and not _undecided(self_[0])
            and not _undecided(family[0])
            and self_[0] != family[0]
        ):
            disagreements.append(
                Disagreement(name, _json_value(self_[0]), _json_value(family[0]))
            )
        if clinician is not None and not _undecided(clinician[0]):
            chosen, source = clinician, "clinician"
        else:
            candidates = [(c, s) for c, s in ((self_, "self"), (family, "family")) if c]
            best = max(candidates, key=lambda cs: _rank(name, cs[0][0]), default=None)
            if best is None or _undecided(best[0][0]):
                values[name] = None
                continue
            chosen, source = best
        values[name] = chosen[0]
        evidence[name] = chosen[1]
        decided_by[name] = source
    duration = values["duration"]
    going_out = values["going_out"]
    criteria = Criteria(
        duration=duration
        if isinstance(duration, DurationBand)
        else DurationBand.UNKNOWN,
        going_out=going_out if isinstance(going_out, GoingOut) else GoingOut.UNKNOWN,
        impairment_or_distress=values["impairment_or_distress"],  # type: ignore[arg-type]
        onset_before_30=values["onset_before_30"],  # type: ignore[arg-type]
        evidence=evidence,
        decided_by=decided_by,
        by_source=by_source,
    )
    return criteria, tuple(disagreements)


def _json_value(value: object) -> str | bool:
    if isinstance(value, DurationBand | GoingOut):
        return value.value
    return bool(value)


def criteria_from_answers(
    definitions: Mapping[str, InstrumentDefinition],
    counted: Mapping[str, Mapping[str, Value]],
) -> tuple[Criteria, tuple[Disagreement, ...]]:
    """Build each source's view from the counted answers and combine them (C0-C4)."""
    views = [
        source_view(name, definitions[code], counted[code])
        for name, code in SOURCES.items()
        if code in counted
    ]
    return combine_criteria(views)


def unmet_criteria(criteria: Criteria) -> tuple[str, ...]:
    """Names of the criteria not met or unknown (C6's explanation)."""
    unmet: list[str] = []
    if criteria.duration is not DurationBand.MEETS:
        unmet.append("duration")
    if criteria.going_out not in GOING_OUT_MARKED:
        unmet.append("going_out")
    if criteria.impairment_or_distress is not True:
        unmet.append("impairment_or_distress")
    if criteria.onset_before_30 is not True:
        unmet.append("onset_before_30")
    return tuple(unmet)


def outcome(
    criteria: Criteria,
    instruments: Mapping[str, InstrumentResult],
    flags: Sequence[Flag],
    answered: Iterable[str],
) -> Outcome:
    """The screening outcome (INSTRUMENTS.md §5 C5-C7; wording §6).

    ``answered`` are the instrument codes present in the input, used to name the
    missing answers of an ``incomplete`` outcome.
    """
    unmet = unmet_criteria(criteria)
    hq25 = instruments.get(HQ25)
    hq25_high = hq25 is not None and (
        (hq25.complete and hq25.total is not None and hq25.band == HQ25_CUTOFF_BAND)
        or hq25.lower_bound is not None  # H7
    )
    missing: tuple[str, ...] = ()
    if not unmet:
        category = Category.SCREEN_POSITIVE
    elif (
        criteria.duration in (DurationBand.MEETS, DurationBand.AT_RISK)
        and criteria.going_out in GOING_OUT_MARKED
    ) or hq25_high:
        category = Category.AT_RISK
    elif (
        DurationBand.UNKNOWN is criteria.duration
        or GoingOut.UNKNOWN is criteria.going_out
    ):
        category = Category.INCOMPLETE
        missing = _missing_answers(criteria, answered)
    else:
        category = Category.SCREEN_NEGATIVE
    note = category in (Category.SCREEN_POSITIVE, Category.AT_RISK) and any(
        f.code in COMORBIDITY_FLAGS for f in flags
    )
    return Outcome(
        category=category, missing=missing, unmet=unmet, comorbidity_note=note
    )


def _missing_answers(criteria: Criteria, answered: Iterable[str]) -> tuple[str, ...]:
    needed: list[str] = []
    if criteria.duration is DurationBand.UNKNOWN:
        needed.append("months_withdrawn")
    if criteria.going_out is GoingOut.UNKNOWN:
        needed.append("days_out_per_week")
    present = set(answered)
    modules = [c for c in (SELF, FAMILY, CLINICIAN) if c in present] or [SELF]
    return tuple(f"{m}.{item}" for m in modules for item in needed)


def hq25_lower_bound(
    definition: InstrumentDefinition, counted: Mapping[str, Value]
) -> Number | None:
    """H7: the answered items' contributions of an unfinished HQ-25, if >= the cut-off.

    Every HQ-25 contribution is 0-4 (reverse items 4 - x), so the missing items can
    only add: a partial sum at or above the cut-off already places the total there.
    None for any other instrument or when the partial sum is below the cut-off.
    """
    if definition.code != HQ25:
        return None
    cutoff = next(
        (b.min for b in definition.scoring.bands if b.code == HQ25_CUTOFF_BAND), None
    )
    rule = definition.scoring.total
    answered = [(c, counted[c]) for c in rule.items if c in counted]
    if cutoff is None or rule.method != "sum":
        return None
    partial = tidy(raw_total(rule, answered))  # type: ignore[arg-type]
    return partial if partial >= cutoff else None


def asq_band(band: str | None, answers: Mapping[str, Value]) -> str | None:
    """ASQ band with ``acute_positive`` (INSTRUMENTS.md §2 asq; §5 U1).

    ``answers`` are the counted answers, so a hidden ``asq_5`` = 1 counts (V3).
    """
    if answers.get("asq_5") == 1:
        return "acute_positive"
    if any(answers.get(f"asq_{n}") == 1 for n in range(1, 5)):
        return "positive"
    return band


def merge_flags(raised: Iterable[tuple[str, str, tuple[str, ...]]]) -> tuple[Flag, ...]:
    """Merge and order raised flags (INSTRUMENTS.md §4, §5 U2).

    A flag raised by several rules is reported once, with the highest severity and
    every answer that raised it. Order: ``suicide_risk`` first, then by severity
    (urgent, high, moderate), then the §4 table order.
    """
    severity: dict[str, str] = {}
    because: dict[str, dict[str, None]] = {}
    for code, sev, why in raised:
        current = severity.get(code)
        if current is None or _SEVERITY_RANK[sev] < _SEVERITY_RANK[current]:
            severity[code] = sev
        because.setdefault(code, {}).update(dict.fromkeys(why))
    ordered = sorted(
        severity,
        key=lambda c: (
            c != "suicide_risk",
            _SEVERITY_RANK[severity[c]],
            _FLAG_RANK.get(c, len(_FLAG_RANK)),
        ),
    )
    return tuple(
        Flag(code=c, severity=_SEVERITY[severity[c]], because=tuple(because[c]))
        for c in ordered
    )
