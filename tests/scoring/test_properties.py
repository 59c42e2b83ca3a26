"""Properties that hold for every answer set (Hypothesis; STYLE.md §8)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires.scoring.clinical import duration_band, going_out_band
from questionnaires.scoring.definitions import CHOICE_KINDS, Item
from questionnaires.scoring.types import DurationBand, GoingOut, Severity
from questionnaires.scoring.wording import LANGUAGES, find_forbidden, phrase
from tests.scoring.support import DEFINITIONS, run

HQ25_REVERSE = {4, 7, 10, 15, 21, 25}
hq25_answers = st.lists(st.integers(0, 4), min_size=25, max_size=25)


def hq25(values: list[int]) -> dict[str, int]:
    return {f"hq25_{n}": v for n, v in enumerate(values, start=1)}


@given(hq25_answers)
def test_hq25_total_stays_within_0_and_100(values: list[int]) -> None:
    total = run({"hq25": hq25(values)}).instruments["hq25"].total
    assert total is not None and 0 <= total <= 100


@given(hq25_answers, st.integers(1, 25))
def test_raising_an_hq25_item_moves_the_total_by_one_in_its_keyed_direction(
    values: list[int], n: int
) -> None:
    if values[n - 1] == 4:
        values[n - 1] = 3
    before = run({"hq25": hq25(values)}).instruments["hq25"].total
    values[n - 1] += 1
    after = run({"hq25": hq25(values)}).instruments["hq25"].total
    assert before is not None and after is not None
    assert after - before == (-1 if n in HQ25_REVERSE else 1)


@given(hq25_answers)
def test_mirroring_every_hq25_answer_mirrors_the_total_around_50(
    values: list[int],
) -> None:
    total = run({"hq25": hq25(values)}).instruments["hq25"].total
    mirrored = run({"hq25": hq25([4 - v for v in values])}).instruments["hq25"].total
    assert total is not None and mirrored is not None
    assert total + mirrored == 100


@given(hq25_answers, st.sets(st.integers(1, 25), min_size=1, max_size=24))
def test_an_hq25_lower_bound_is_never_above_the_finished_total(
    values: list[int], unanswered: set[int]
) -> None:
    finished = {f"hq25_{n}": v for n, v in enumerate(values, start=1)}
    unfinished = {c: v for c, v in finished.items() if int(c[5:]) not in unanswered}
    total = run({"hq25": finished}).instruments["hq25"].total
    partial = run({"hq25": unfinished}).instruments["hq25"]
    assert partial.total is None
    if partial.lower_bound is not None:
        assert 42 <= partial.lower_bound <= total  # type: ignore[operator]


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9), st.integers(10, 100))
def test_phq9_item_9_always_surfaces_suicide_risk_first(
    values: list[int], age: int
) -> None:
    answers = {f"phq9_{n}": v for n, v in enumerate(values, start=1)}
    result = run({"phq9": answers, "gad7": {f"gad7_{n}": 3 for n in range(1, 8)}}, age)
    codes = [f.code for f in result.flags]
    assert ("suicide_risk" in codes) is (values[8] > 0)
    if values[8] > 0:
        assert codes[0] == "suicide_risk"


@given(st.floats(0, 600, allow_nan=False), st.floats(0, 600, allow_nan=False))
def test_longer_withdrawal_never_lowers_the_duration_band(a: float, b: float) -> None:
    order = [DurationBand.BELOW, DurationBand.AT_RISK, DurationBand.MEETS]
    low, high = sorted((a, b))
    assert order.index(duration_band(high)) >= order.index(duration_band(low))


@given(st.integers(0, 7), st.integers(0, 7))
def test_going_out_more_never_marks_withdrawal_more(a: int, b: int) -> None:
    order = [GoingOut.NOT_MARKED, GoingOut.MILD, GoingOut.MODERATE, GoingOut.SEVERE]
    fewer, more = sorted((a, b))
    assert order.index(going_out_band(more, 0)) <= order.index(going_out_band(fewer, 0))


withdrawal = st.fixed_dictionaries(
    {},
    optional={
        "months_withdrawn": st.integers(0, 6000).map(lambda m: m / 10),
        "days_out_per_week": st.integers(0, 7),
        "rarely_leaves_room": st.integers(0, 1),
        "onset_age": st.integers(0, 10),
        "impair_school_work": st.integers(0, 10),
        "impair_home": st.integers(0, 10),
        "impair_relationships": st.integers(0, 10),
        "distressed": st.integers(0, 1),
        "fam_self_harm_talk": st.integers(0, 1),
        "fam_conflict": st.integers(0, 1),
    },
)


@given(withdrawal, withdrawal)
def test_adding_a_family_report_never_lowers_a_criterion(
    self_: dict[str, float], family: dict[str, float]
) -> None:
    self_ = {k: v for k, v in self_.items() if not k.startswith("fam_")}
    alone = run({"withdrawal": self_}).criteria
    both = run({"withdrawal": self_, "withdrawal_family": family}).criteria
    d_order = list(reversed(DurationBand))
    g_order = [GoingOut.UNKNOWN, *reversed(list(GoingOut)[:-1])]
    assert d_order.index(both.duration) >= d_order.index(alone.duration)
    assert g_order.index(both.going_out) >= g_order.index(alone.going_out)
    for name in ("impairment_or_distress", "onset_before_30"):
        before, after = getattr(alone, name), getattr(both, name)
        assert before is not True or after is True


@given(withdrawal)
def test_flags_are_sorted_and_suicide_risk_comes_first(
    family: dict[str, float],
) -> None:
    result = run(
        {"withdrawal_family": family, "lsns6": {f"lsns6_{n}": 0 for n in range(1, 7)}}
    )
    severities = ["urgent", "high", "moderate"]
    ranks = [severities.index(f.severity) for f in result.flags]
    assert ranks == sorted(ranks)
    codes = [f.code for f in result.flags]
    if "suicide_risk" in codes:
        assert codes[0] == "suicide_risk"


# -- every bundled instrument: answers drawn from its own definition

#: Total ranges of INSTRUMENTS.md §2 (the "total" column), the specification.
TOTAL_RANGE = {
    "hq25": (0, 100),
    "hq25m": (0, 100),
    "phq9": (0, 27),
    "gad7": (0, 21),
    "asq": (0, 4),
    "minispin": (0, 12),
    "aq10_adult": (0, 10),
    "aq10_adolescent": (0, 10),
    "aq10_child": (0, 10),
    "pq16": (0, 16),
    "sapas": (0, 8),
    "lsns6": (0, 30),
    "ucla3": (3, 9),
    "sofas": (0, 100),
}
#: Items scoring 1 for agree (option 0 or 1), §5 A2; the others score for disagree.
AQ10_AGREE = {
    "aq10_adult": {1, 7, 8, 10},
    "aq10_adolescent": {1, 5, 8, 10},
    "aq10_child": {1, 5, 7, 10},
}
SUICIDE_ANSWERS = [
    *[("asq", f"asq_{n}", 1) for n in range(1, 6)],
    *[("phq9", "phq9_9", v) for v in (1, 2, 3)],
    ("withdrawal_family", "fam_self_harm_talk", 1),
]
#: The withdrawal items that decide the criteria and raise no flag of their own.
CRITERION_ITEMS = (
    "months_withdrawn",
    "days_out_per_week",
    "rarely_leaves_room",
    "onset_age",
    "impair_school_work",
    "impair_home",
    "impair_relationships",
    "distressed",
)


def value_of(item: Item, age: int) -> st.SearchStrategy[Any]:
    """Any valid answer to ``item`` for a respondent of ``age`` (§5 V1, V2)."""
    if item.kind in CHOICE_KINDS:
        return st.sampled_from([o.value for o in item.options])
    if item.kind == "time_of_day":
        return st.builds("{:02d}:{:02d}".format, st.integers(0, 23), st.integers(0, 59))
    if item.kind == "free_text":
        return st.text(alphabet="abc xyz", max_size=20)
    assert item.bounds is not None, item.code
    low, high = item.bounds
    if item.kind == "age":
        high = min(high, age)
    scale = 10**item.allowed_decimals
    numbers = st.integers(round(low * scale), round(high * scale))
    return numbers if scale == 1 else numbers.map(lambda n: n / scale)


def answers_to(
    code: str, age: int, *, complete: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """Answers to instrument ``code``: every item, or any subset of them."""
    strategies = {i.code: value_of(i, age) for i in DEFINITIONS[code].items}
    if complete:
        return st.fixed_dictionaries(strategies)
    return st.fixed_dictionaries({}, optional=strategies)


ages = st.integers(10, 100)
#: No per-example deadline: a shared, loaded machine must not make a property fail.
untimed = settings(deadline=None)


@st.composite
def screenings(
    draw: st.DrawFn, codes: tuple[str, ...] = tuple(DEFINITIONS)
) -> tuple[int, dict[str, dict[str, Any]]]:
    """An age and answers to any of ``codes``, each possibly incomplete."""
    age = draw(ages)
    chosen = draw(st.sets(st.sampled_from(sorted(codes))))
    return age, {code: draw(answers_to(code, age)) for code in sorted(chosen)}


@untimed
@given(st.sampled_from(sorted(TOTAL_RANGE)), st.data())
def test_every_total_stays_within_its_published_range(
    code: str, data: st.DataObject
) -> None:
    age = data.draw(ages)
    result = run({code: data.draw(answers_to(code, age, complete=True))}, age)
    scored = result.instruments[code]
    low, high = TOTAL_RANGE[code]
    total = scored.total
    assert scored.complete
    assert total is not None and low <= total <= high
    bands = DEFINITIONS[code].scoring.bands
    if scored.band == "acute_positive":  # ASQ: asq_5 yes, beyond the count (U1)
        assert result.flag("suicide_risk") is not None
    elif bands:
        band = next(b for b in bands if b.code == scored.band)
        assert band.min <= total <= band.max
    if code == "pq16":
        distress = scored.subscales["distress"]
        assert distress is not None and 0 <= distress <= 48


def _raised(code: str, data: st.DataObject) -> tuple[str, int, int, float, float]:
    """Score ``code`` twice, one of its scored items raised from ``low`` to ``high``;
    return the item code, the two values and the two totals."""
    definition = DEFINITIONS[code]
    age = data.draw(ages)
    answers = data.draw(answers_to(code, age, complete=True))
    item_code = data.draw(st.sampled_from(definition.scoring.total.items))
    values = sorted(o.value for o in definition.index.items[item_code].options)
    low, high = sorted(
        data.draw(st.sets(st.sampled_from(values), min_size=2, max_size=2))
    )
    totals: list[float] = []
    for value in (low, high):
        total = run({code: answers | {item_code: value}}, age).instruments[code].total
        assert total is not None
        totals.append(total)
    return item_code, low, high, totals[0], totals[1]


SUMMED = sorted(
    code
    for code, d in DEFINITIONS.items()
    if d.scoring.total.method == "sum" and code in TOTAL_RANGE
)


@untimed
@given(st.sampled_from(SUMMED), st.data())
def test_raising_an_answer_raises_a_sum_by_as_much_or_mirrors_it_if_reversed(
    code: str, data: st.DataObject
) -> None:
    item_code, low, high, before, after = _raised(code, data)
    reverse = item_code in DEFINITIONS[code].scoring.total.reverse
    assert after - before == (-(high - low) if reverse else high - low)


@untimed
@given(st.sampled_from(["pq16", "asq"]), st.data())
def test_raising_an_answer_never_lowers_a_count(code: str, data: st.DataObject) -> None:
    _, _, _, before, after = _raised(code, data)
    assert after >= before


@untimed
@given(st.sampled_from(sorted(AQ10_AGREE)), st.data())
def test_aq10_moves_only_in_each_items_keyed_direction(
    code: str, data: st.DataObject
) -> None:
    item_code, _, _, before, after = _raised(code, data)
    if int(item_code.rsplit("_", 1)[1]) in AQ10_AGREE[code]:
        assert after <= before
    else:
        assert after >= before


@untimed
@given(screenings(), st.sampled_from(SUICIDE_ANSWERS))
def test_a_suicide_positive_answer_always_yields_the_urgent_flag_first(
    screening: tuple[int, dict[str, dict[str, Any]]],
    positive: tuple[str, str, int],
) -> None:
    age, answers = screening
    code, item_code, value = positive
    answers[code] = answers.get(code, {}) | {item_code: value}
    first = run(answers, age).flags[0]
    assert (first.code, first.severity) == ("suicide_risk", Severity.URGENT)
    assert f"{code}.{item_code}={value}" in first.because


@untimed
@given(screenings())
def test_no_result_in_any_language_contains_a_forbidden_phrase(
    screening: tuple[int, dict[str, dict[str, Any]]],
) -> None:
    age, answers = screening
    result = run(answers, age)
    for lang in LANGUAGES:
        text = json.dumps(result.as_json(lang), ensure_ascii=False)
        assert find_forbidden(text) == [], lang
        assert phrase("not_a_diagnosis", lang) in text


@untimed
@given(
    screenings(tuple(c for c in DEFINITIONS if c != "withdrawal")),
    st.data(),
)
def test_flags_never_depend_on_the_outcome(
    screening: tuple[int, dict[str, dict[str, Any]]], data: st.DataObject
) -> None:
    age, answers = screening
    withdrawal = data.draw(answers_to("withdrawal", age))
    criteria_only = {k: v for k, v in withdrawal.items() if k in CRITERION_ITEMS}
    alone = run(answers, age)
    with_criteria = run(answers | {"withdrawal": criteria_only}, age)
    assert with_criteria.flags == alone.flags
