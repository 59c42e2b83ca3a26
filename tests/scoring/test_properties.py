"""Properties that hold for every answer set (Hypothesis; STYLE.md §8)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from questionnaires.scoring.clinical import duration_band, going_out_band
from questionnaires.scoring.types import DurationBand, GoingOut
from tests.scoring.support import run

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
