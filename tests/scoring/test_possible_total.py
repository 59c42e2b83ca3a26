"""INSTRUMENTS.md §5 M1: what an incomplete instrument's missing answers could change.

The lowest and highest total the missing items could still give (value ranges,
reverse keying), and whether that could move the band: exactly when the lowest and
the highest possible totals fall in different bands.
"""

from __future__ import annotations

from questionnaires.scoring.definitions import Item, Option, ScoreRule
from questionnaires.scoring.engine import PossibleTotal, possible_total
from questionnaires.scoring.rules import possible_totals
from tests.scoring.support import DEFINITIONS, items

AGE = 16


def phq9_without(missing: str, total: int) -> dict[str, int | None]:
    """A PHQ-9 with ``missing`` unanswered and the others summing to ``total``."""
    answers: dict[str, int | None] = dict(items("phq9", 0, 9))
    answers[missing] = None
    remaining = total
    for code in answers:
        if code != missing:
            step = min(3, remaining)
            answers[code] = step
            remaining -= step
    assert remaining == 0
    return answers


def test_a_complete_instrument_has_no_possible_total() -> None:
    assert possible_total(DEFINITIONS["phq9"], items("phq9", 1, 9), AGE) is None


def test_missing_item_adds_its_whole_value_range() -> None:
    found = possible_total(DEFINITIONS["phq9"], phq9_without("phq9_9", 6), AGE)
    assert found is not None
    assert (found.low, found.high) == (6, 9)


def test_band_cannot_change_when_every_possible_total_stays_in_it() -> None:
    # PHQ-9 minimal is 0-4: 1 answered + item 9 (0-3) can reach only 4.
    found = possible_total(DEFINITIONS["phq9"], phq9_without("phq9_9", 1), AGE)
    assert found == PossibleTotal(1, 4, "minimal", "minimal")
    assert not found.band_may_change


def test_band_can_change_when_the_highest_possible_total_crosses_a_band() -> None:
    # 2 + 3 = 5 is mild: one point more than the boundary case above.
    found = possible_total(DEFINITIONS["phq9"], phq9_without("phq9_9", 2), AGE)
    assert found == PossibleTotal(2, 5, "minimal", "mild")
    assert found.band_may_change


def test_band_cannot_change_when_already_at_the_top_band() -> None:
    found = possible_total(DEFINITIONS["phq9"], phq9_without("phq9_1", 24), AGE)
    assert found == PossibleTotal(24, 27, "severe", "severe")
    assert not found.band_may_change


def test_reverse_keyed_items_count_reversed_whether_answered_or_missing() -> None:
    hq25: dict[str, int | None] = dict(items("hq25", 0, 25))
    # Raw 0 everywhere: the six reverse items (4 - x) give 4 each.
    hq25["hq25_4"] = None  # a reverse item: could still add 4 - 4 .. 4 - 0
    found = possible_total(DEFINITIONS["hq25"], hq25, AGE)
    assert found is not None
    assert (found.low, found.high) == (20, 24)


def test_hq25_band_changes_only_when_the_cut_off_is_within_reach() -> None:
    def hq25_missing_one(partial: int) -> dict[str, int | None]:
        answers: dict[str, int | None] = dict(items("hq25", 0, 25))
        answers["hq25_1"] = None  # a forward item, 0-4
        remaining = partial - 24  # the reverse items already give 24
        for n in (2, 3, 5, 6, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19, 20, 22, 23, 24):
            step = min(4, remaining)
            answers[f"hq25_{n}"] = step
            remaining -= step
        assert remaining == 0
        return answers

    below = possible_total(DEFINITIONS["hq25"], hq25_missing_one(37), AGE)
    assert below is not None and not below.band_may_change  # 37..41, cut-off 42
    reach = possible_total(DEFINITIONS["hq25"], hq25_missing_one(38), AGE)
    assert reach is not None and reach.band_may_change  # 38..42
    assert (reach.band_low, reach.band_high) == ("below_cutoff", "above_cutoff")


def test_asq_with_a_yes_and_asq_5_missing_could_become_acute() -> None:
    asq: dict[str, int | None] = {f"asq_{n}": 0 for n in range(1, 5)}
    asq["asq_1"] = 1
    asq["asq_5"] = None  # shown after a yes, not answered
    found = possible_total(DEFINITIONS["asq"], asq, AGE)
    assert found is not None
    assert (found.low, found.high) == (1, 1)  # the total counts items 1-4 only
    assert (found.band_low, found.band_high) == ("positive", "acute_positive")
    assert found.band_may_change


def test_count_rule_missing_item_adds_zero_or_one() -> None:
    asq: dict[str, int | None] = {f"asq_{n}": 0 for n in range(1, 5)}
    asq["asq_4"] = None
    found = possible_total(DEFINITIONS["asq"], asq, AGE)
    assert found == PossibleTotal(0, 1, "negative", "positive")


def yes_no(code: str) -> Item:
    return Item(
        code=code,
        kind="single_choice",
        options=(Option(code="no", value=0), Option(code="yes", value=1)),
    )


def test_hidden_or_skipped_items_add_nothing_and_unknown_ranges_give_none() -> None:
    rule = ScoreRule(method="sum", items=("a", "b", "c"))
    known = {code: yes_no(code) for code in ("a", "b", "c")}
    # "b" answered, "a" missing, "c" neither (hidden): only "a" is still open.
    assert possible_totals(rule, known, {"b": 1}, ["a"]) == (1, 2)
    free = {**known, "a": Item(code="a", kind="text")}
    assert possible_totals(rule, free, {"b": 1}, ["a"]) is None


def test_an_unknown_range_counts_as_able_to_change_the_band() -> None:
    assert PossibleTotal(None, None, None, None).band_may_change
