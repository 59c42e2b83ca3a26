"""Instrument scoring rules of INSTRUMENTS.md §5 (V, H, P, G, S, A, Q, R, L, F, U, M)
and the generic methods and conditions of docs/instrument-schema.md."""

from __future__ import annotations

import pytest

from questionnaires.bank import dump, parse
from questionnaires.scoring import InvalidInput, score
from questionnaires.scoring.definitions import (
    AllOf,
    AnyOf,
    Comparison,
    MissingRule,
    ScoreRule,
)
from questionnaires.scoring.rules import (
    Facts,
    compute_score,
    evaluate,
    natural,
    sleep_midpoint,
)
from tests.scoring.support import DEFINITIONS, flag_codes, items, run

HQ25_REVERSE = (4, 7, 10, 15, 21, 25)


def hq25(raw: dict[int, int] | None = None, default: int = 0) -> dict[str, int]:
    answers = items("hq25", default, 25)
    for n, value in (raw or {}).items():
        answers[f"hq25_{n}"] = value
    return answers


def hq25_with_total(total: int) -> dict[str, int]:
    """HQ-25 answers whose total is exactly ``total`` (from the all-zero base of 24)."""
    answers = hq25()
    remaining = total - 24
    for n in range(1, 26):
        if remaining == 0:
            break
        if n in HQ25_REVERSE:
            continue
        step = min(4, remaining)
        answers[f"hq25_{n}"] = step
        remaining -= step
    assert remaining == 0
    return answers


# -- V: input validation


@pytest.mark.parametrize("age", [9, 101, 19.5, "19", None, True])
def test_age_outside_10_to_100_or_not_an_integer_is_an_error(age: object) -> None:
    with pytest.raises(InvalidInput) as exc:
        run({}, age=age)  # type: ignore[arg-type]
    assert exc.value.codes == ("age",)


@pytest.mark.parametrize("age", [10, 100])
def test_age_boundaries_10_and_100_are_accepted(age: int) -> None:
    assert run({}, age=age).age == age


def test_every_input_error_is_reported_together_naming_its_code() -> None:
    with pytest.raises(InvalidInput) as exc:
        run(
            {
                "phq9": {"phq9_1": 4, "phq9_2": "2", "phq9_99": 1},
                "nope": {"x": 1},
                "withdrawal": {"sleep_time": "25:00", "months_withdrawn": 6.55},
            },
            age=9,
        )
    assert set(exc.value.codes) == {
        "age",
        "phq9_1",
        "phq9_2",
        "phq9_99",
        "nope",
        "sleep_time",
        "months_withdrawn",
    }


@pytest.mark.parametrize(
    ("module", "item", "value"),
    [
        ("withdrawal", "months_withdrawn", 600.1),
        ("withdrawal", "months_withdrawn", -1),
        ("withdrawal", "days_out_per_week", 8),
        ("withdrawal", "days_out_per_week", 2.5),
        ("withdrawal", "online_hours", 24.5),
        ("withdrawal", "rarely_leaves_room", 2),
        ("withdrawal", "distressed", True),
        ("withdrawal", "impair_home", 11),
        ("withdrawal", "wake_time", "7:00"),
        ("sofas", "sofas_1", 101),
    ],
)
def test_out_of_range_or_wrong_type_is_an_error_not_clamped(
    module: str, item: str, value: object
) -> None:
    with pytest.raises(InvalidInput) as exc:
        run({module: {item: value}})
    assert exc.value.codes == (item,)


@pytest.mark.parametrize(
    ("item", "value"),
    [("months_withdrawn", 600), ("months_withdrawn", 6.5), ("days_out_per_week", 7)],
)
def test_values_at_the_range_limits_are_accepted(item: str, value: object) -> None:
    run({"withdrawal": {item: value}})


# -- V1a: null, integer and decimal forms, times


def test_a_null_answer_is_the_same_as_no_answer() -> None:
    with_null = run({"phq9": items("phq9", 1, 8) | {"phq9_9": None}})
    without = run({"phq9": items("phq9", 1, 8)})
    assert with_null.as_json() == without.as_json()
    assert with_null.instruments["phq9"].missing == ("phq9_9",)


@pytest.mark.parametrize(
    ("module", "item", "value", "ok"),
    [
        ("phq9", "phq9_1", 3, True),
        ("phq9", "phq9_1", 3.0, False),
        ("withdrawal", "days_out_per_week", 2, True),
        ("withdrawal", "days_out_per_week", 2.0, False),
        ("withdrawal", "onset_age", 15.0, False),
        ("withdrawal", "months_withdrawn", 5.9, True),
        ("withdrawal", "months_withdrawn", 5.95, False),
        ("withdrawal", "online_hours", 6.5, True),
        ("withdrawal", "online_hours", 6.25, False),
        ("withdrawal", "sleep_time", "00:00", True),
        ("withdrawal", "sleep_time", "23:59", True),
        ("withdrawal", "sleep_time", "24:00", False),
        ("withdrawal", "sleep_time", "12:60", False),
        ("withdrawal", "sleep_time", "\uff10\uff17:\uff10\uff10", False),  # full-width
        ("withdrawal", "sleep_time", "\u0660\u0667:00", False),  # Arabic-Indic digits
        ("withdrawal", "sleep_time", "07:00 ", False),
        ("withdrawal", "sleep_time", "07:00\n", False),
        ("withdrawal", "sleep_time", "7:00", False),
    ],
)
def test_integer_decimal_and_time_forms(
    module: str, item: str, value: object, ok: bool
) -> None:
    if ok:
        run({module: {item: value}}, age=19)
    else:
        with pytest.raises(InvalidInput) as exc:
            run({module: {item: value}}, age=19)
        assert exc.value.codes == (item,)


@pytest.mark.parametrize(
    ("sleep", "wake", "reversal"),
    [("04:00", "14:00", True), ("09:00", "09:00", False), ("13:00", "13:00", False)],
)
def test_equal_sleep_and_wake_times_give_no_sleep_reversal(
    sleep: str, wake: str, reversal: bool
) -> None:
    result = run({"withdrawal": {"sleep_time": sleep, "wake_time": wake}})
    assert ("sleep_reversal" in flag_codes(result)) is reversal


@pytest.mark.parametrize(("onset", "ok"), [(19, True), (20, False)])
def test_onset_age_above_the_age_is_an_error_naming_onset_age(
    onset: int, ok: bool
) -> None:
    answers = {"withdrawal": {"onset_age": onset}}
    if ok:
        run(answers, age=19)
    else:
        with pytest.raises(InvalidInput) as exc:
            run(answers, age=19)
        assert exc.value.codes == ("onset_age",)


def test_hidden_answer_is_not_scored() -> None:
    # phq9_10 is shown only when a problem was reported; all zero hides it.
    result = run({"phq9": items("phq9", 0, 9) | {"phq9_10": 3}})
    assert result.instruments["phq9"].ignored == ("phq9_10",)


def test_hidden_positive_safety_answer_still_counts() -> None:
    result = run({"asq": items("asq", 0, 4) | {"asq_5": 1}})
    assert result.flags[0].code == "suicide_risk"
    assert result.flags[0].because == ("asq.asq_5=1",)
    assert result.instruments["asq"].band == "acute_positive"


def test_hidden_negative_safety_answer_is_ignored() -> None:
    result = run({"asq": items("asq", 0, 4) | {"asq_5": 0}})
    assert result.flags == ()
    assert result.instruments["asq"].ignored == ("asq_5",)


# -- HQ-25


def test_hq25_items_accept_only_0_to_4() -> None:
    with pytest.raises(InvalidInput):
        run({"hq25": hq25({1: 5})})
    with pytest.raises(InvalidInput):
        run({"hq25": hq25({1: -1})})


def test_hq25_all_raw_0_totals_24_and_all_raw_4_totals_76() -> None:
    assert run({"hq25": hq25(default=0)}).instruments["hq25"].total == 24
    assert run({"hq25": hq25(default=4)}).instruments["hq25"].total == 76


@pytest.mark.parametrize("n", HQ25_REVERSE)
def test_hq25_reverse_item_contributes_4_minus_x(n: int) -> None:
    assert run({"hq25": hq25({n: 4})}).instruments["hq25"].total == 20


@pytest.mark.parametrize(
    ("total", "band"), [(41, "below_cutoff"), (42, "above_cutoff")]
)
def test_hq25_cutoff_42(total: int, band: str) -> None:
    result = run({"hq25": hq25_with_total(total)}).instruments["hq25"]
    assert (result.total, result.band) == (total, band)


def test_hq25_any_missing_item_makes_it_incomplete() -> None:
    answers = hq25(default=2)
    del answers["hq25_13"]
    result = run({"hq25": answers}).instruments["hq25"]
    assert (result.complete, result.total, result.band) == (False, None, None)


def test_hq25_has_no_subscale_scores_until_the_key_is_confirmed() -> None:
    assert run({"hq25": hq25()}).instruments["hq25"].subscales == {}


# -- PHQ-9


def phq9(total: int, item9: int = 0) -> dict[str, int]:
    answers = items("phq9", 0, 9)
    answers["phq9_9"] = item9
    remaining = total - item9
    for n in range(1, 9):
        step = min(3, remaining)
        answers[f"phq9_{n}"] = step
        remaining -= step
    assert remaining == 0
    return answers


def test_phq9_total_ignores_the_difficulty_item() -> None:
    result = run({"phq9": phq9(6) | {"phq9_10": 3}}).instruments["phq9"]
    assert result.total == 6


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands(total: int, band: str) -> None:
    answers = phq9(total, item9=max(0, total - 24))
    assert run({"phq9": answers}).instruments["phq9"].band == band


@pytest.mark.parametrize(
    ("age", "total", "flagged"),
    [(18, 9, False), (18, 10, True), (16, 10, False), (16, 11, True), (17, 10, False)],
)
def test_phq9_depression_cutoff_is_10_for_adults_and_11_under_18(
    age: int, total: int, flagged: bool
) -> None:
    result = run({"phq9": phq9(total)}, age=age)
    assert ("depression" in flag_codes(result)) is flagged
    if flagged:
        assert result.flag("depression").because == (f"phq9.total={total}",)  # type: ignore[union-attr]


@pytest.mark.parametrize(("item9", "flagged"), [(0, False), (1, True), (3, True)])
def test_phq9_item_9_above_0_raises_suicide_risk_whatever_the_total(
    item9: int, flagged: bool
) -> None:
    result = run({"phq9": phq9(item9, item9=item9)})
    assert ("suicide_risk" in flag_codes(result)) is flagged


def test_phq9_missing_item_is_incomplete_but_item_9_still_flags() -> None:
    answers = phq9(12, item9=2)
    del answers["phq9_1"]
    result = run({"phq9": answers})
    assert result.instruments["phq9"].total is None
    assert not result.instruments["phq9"].complete
    assert result.flags[0].because == ("phq9.phq9_9=2",)


# -- GAD-7, Mini-SPIN, AQ-10, PQ-16, SAPAS, LSNS-6, UCLA-3, SOFAS


def answers_with_total(code: str, n: int, total: int, top: int) -> dict[str, int]:
    answers = items(code, 0, n)
    remaining = total
    for i in range(1, n + 1):
        step = min(top, remaining)
        answers[f"{code}_{i}"] = step
        remaining -= step
    assert remaining == 0
    return answers


@pytest.mark.parametrize(
    ("total", "band", "flagged"),
    [
        (4, "minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "severe", True),
        (21, "severe", True),
    ],
)
def test_gad7_bands_and_anxiety_flag_at_10(
    total: int, band: str, flagged: bool
) -> None:
    result = run({"gad7": answers_with_total("gad7", 7, total, 3)})
    assert result.instruments["gad7"].band == band
    assert ("anxiety" in flag_codes(result)) is flagged


@pytest.mark.parametrize(("total", "flagged"), [(5, False), (6, True)])
def test_minispin_social_anxiety_flag_at_6(total: int, flagged: bool) -> None:
    result = run({"minispin": answers_with_total("minispin", 3, total, 4)})
    assert ("social_anxiety" in flag_codes(result)) is flagged


AQ_AGREE_ITEMS = {
    "aq10_adult": (1, 7, 8, 10),
    "aq10_adolescent": (1, 5, 8, 10),
    "aq10_child": (1, 5, 7, 10),
}


def aq10_scoring(code: str, scoring_items: int) -> dict[str, int]:
    """AQ-10 answers where exactly the first ``scoring_items`` items score 1."""
    agree = AQ_AGREE_ITEMS[code]
    answers = {}
    for n in range(1, 11):
        scores = n <= scoring_items
        # Agree (0/1) scores for agree items, disagree (2/3) for the others.
        answers[f"{code}_{n}"] = (
            (0 if scores else 3) if n in agree else (3 if scores else 0)
        )
    return answers


@pytest.mark.parametrize("code", sorted(AQ_AGREE_ITEMS))
@pytest.mark.parametrize("n", range(1, 11))
def test_aq10_each_item_scores_1_for_its_keyed_direction(code: str, n: int) -> None:
    agree = n in AQ_AGREE_ITEMS[code]
    for value, expected in ((0, agree), (1, agree), (2, not agree), (3, not agree)):
        answers = aq10_scoring(code, 0)
        answers[f"{code}_{n}"] = value
        assert run({code: answers}).instruments[code].total == int(expected)


@pytest.mark.parametrize("code", sorted(AQ_AGREE_ITEMS))
@pytest.mark.parametrize(("total", "flagged"), [(5, False), (6, True)])
def test_aq10_autism_traits_flag_at_6(code: str, total: int, flagged: bool) -> None:
    result = run({code: aq10_scoring(code, total)})
    assert result.instruments[code].total == total
    assert ("autism_traits" in flag_codes(result)) is flagged


@pytest.mark.parametrize(("count", "flagged"), [(5, False), (6, True)])
def test_pq16_counts_true_items_and_flags_psychosis_risk_at_6(
    count: int, flagged: bool
) -> None:
    answers = items("pq16", 0, 16)
    for n in range(1, count + 1):
        answers[f"pq16_{n}"] = 4
    result = run({"pq16": answers})
    assert result.instruments["pq16"].total == count
    assert result.instruments["pq16"].subscales == {"distress": 3 * count}
    assert ("psychosis_risk" in flag_codes(result)) is flagged


def test_pq16_true_without_distress_counts_but_adds_no_distress() -> None:
    result = run({"pq16": items("pq16", 1, 16)}).instruments["pq16"]
    assert (result.total, result.subscales["distress"]) == (16, 0)


@pytest.mark.parametrize(("total", "flagged"), [(2, False), (3, True)])
def test_sapas_avoidant_traits_flag_at_3(total: int, flagged: bool) -> None:
    result = run({"sapas": answers_with_total("sapas", 8, total, 1)})
    assert ("avoidant_traits" in flag_codes(result)) is flagged


@pytest.mark.parametrize(
    ("total", "band", "flagged"),
    [(11, "isolated", True), (12, "not_isolated", False)],
)
def test_lsns6_social_isolation_below_12(total: int, band: str, flagged: bool) -> None:
    result = run({"lsns6": answers_with_total("lsns6", 6, total, 5)})
    assert result.instruments["lsns6"].band == band
    assert ("social_isolation" in flag_codes(result)) is flagged


@pytest.mark.parametrize(("extra", "band"), [(2, "not_lonely"), (3, "lonely")])
def test_ucla3_band_only_never_a_flag(extra: int, band: str) -> None:
    answers = items("ucla3", 1, 3)
    answers["ucla3_1"] += min(2, extra)
    answers["ucla3_2"] += extra - min(2, extra)
    result = run({"ucla3": answers})
    assert result.instruments["ucla3"].band == band
    assert result.flags == ()


@pytest.mark.parametrize("value", [0, 30, 100])
def test_sofas_is_reported_and_never_flagged(value: int) -> None:
    result = run({"sofas": {"sofas_1": value}})
    assert result.instruments["sofas"].total == value
    assert result.instruments["sofas"].band is None
    assert result.flags == ()


# -- ASQ


@pytest.mark.parametrize("n", range(1, 5))
def test_asq_any_yes_in_1_to_4_is_positive_and_raises_suicide_risk(n: int) -> None:
    answers = items("asq", 0, 4)
    answers[f"asq_{n}"] = 1
    answers["asq_5"] = 0
    result = run({"asq": answers})
    assert result.instruments["asq"].band == "positive"
    assert result.flags[0].code == "suicide_risk"
    assert result.flags[0].because == (f"asq.asq_{n}=1",)


def test_asq_all_no_is_negative() -> None:
    result = run({"asq": items("asq", 0, 4)})
    assert result.instruments["asq"].band == "negative"
    assert result.flags == ()


def test_asq_5_yes_is_acute_positive_and_in_because() -> None:
    result = run({"asq": {"asq_1": 1, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 1}})
    assert result.instruments["asq"].band == "acute_positive"
    assert result.flags[0].because == ("asq.asq_1=1", "asq.asq_5=1")


def test_asq_yes_with_a_missing_item_is_still_positive() -> None:
    result = run({"asq": {"asq_1": 1, "asq_5": 0}})
    assert result.instruments["asq"].band == "positive"
    assert not result.instruments["asq"].complete


@pytest.mark.parametrize("asq_5", [None, "absent"])
def test_asq_with_a_yes_and_the_shown_asq_5_unanswered_has_a_null_total(
    asq_5: object,
) -> None:
    answers: dict[str, object] = {"asq_1": 1, "asq_2": 0, "asq_3": 0, "asq_4": 0}
    if asq_5 is None:
        answers["asq_5"] = None
    result = run({"asq": answers})
    asq = result.instruments["asq"]
    assert (asq.complete, asq.total, asq.missing) == (False, None, ("asq_5",))
    assert asq.band == "positive"  # the band and the flag still stand (U1)
    assert flag_codes(result)[0] == "suicide_risk"


def test_asq_all_no_needs_no_asq_5_and_has_a_total() -> None:
    asq = run({"asq": items("asq", 0, 4)}).instruments["asq"]
    assert (asq.complete, asq.total, asq.band) == (True, 0, "negative")


# -- M1 and generic methods


def test_incomplete_instrument_has_null_total_and_others_still_score() -> None:
    result = run({"gad7": {"gad7_1": 3}, "minispin": items("minispin", 2, 3)})
    assert result.instruments["gad7"].complete is False
    assert result.instruments["gad7"].total is None
    assert result.instruments["minispin"].total == 6


RULE = ScoreRule(method="sum", items=("a", "b", "c"), reverse=("c",), reverse_base=4)


@pytest.mark.parametrize(
    ("answers", "missing", "expected"),
    [
        ({"a": 1, "b": 2, "c": 4}, MissingRule(), 3),
        ({"a": 1, "b": 2}, MissingRule(), None),
        ({"a": 1, "b": 2}, MissingRule("prorate", 2), 5),
        ({"a": 1}, MissingRule("prorate", 2), None),
    ],
)
def test_sum_reverse_and_missing_rules(
    answers: dict[str, int], missing: MissingRule, expected: int | None
) -> None:
    absent = [c for c in RULE.items if c not in answers]
    assert compute_score(RULE, answers, absent, missing) == expected


def test_prorate_rounds_half_up() -> None:
    rule = ScoreRule(method="sum", items=("a", "b", "c", "d", "e"))
    # mean 0.5 x 5 items = 2.5: half up gives 3 (banker's rounding would give 2).
    assert compute_score(rule, {"a": 1, "b": 0}, "cde", MissingRule("prorate", 2)) == 3
    # mean 1.5 x 5 = 7.5 -> 8
    assert compute_score(rule, {"a": 1, "b": 2}, "cde", MissingRule("prorate", 2)) == 8


def test_optional_missing_item_contributes_nothing() -> None:
    assert compute_score(RULE, {"a": 1, "b": 2}, [], MissingRule()) == 3


@pytest.mark.parametrize(
    ("method", "expected"),
    [("count", 2), ("sum_over", 3), ("keyed", 2)],
)
def test_count_sum_over_and_keyed(method: str, expected: int) -> None:
    rule = ScoreRule(
        method=method,
        items=("a", "b", "c"),
        threshold=1 if method != "keyed" else None,
        key={"a": (0,), "b": (0,), "c": (3, 4)} if method == "keyed" else {},
    )
    assert compute_score(rule, {"a": 0, "b": 2, "c": 3}, [], MissingRule()) == expected


def facts(**answers: int | float | str) -> Facts:
    return Facts("w", answers, 14, {"distress": 3}, 19)


@pytest.mark.parametrize(
    ("op", "value", "holds"),
    [
        ("eq", 6, True),
        ("ne", 6, False),
        ("gt", 6, False),
        ("ge", 6, True),
        ("lt", 7, True),
        ("le", 5, False),
        ("in", (5, 6), True),
        ("between", (6, 7), True),
        ("between", (5, 6), False),
    ],
)
def test_comparison_operators(op: str, value: object, holds: bool) -> None:
    condition = Comparison("item:x", op, value)  # type: ignore[arg-type]
    assert evaluate(condition, facts(x=6))[0] is holds


def test_comparison_on_a_missing_answer_is_false_except_answered() -> None:
    assert evaluate(Comparison("item:x", "ne", 1), facts())[0] is False
    assert evaluate(Comparison("item:x", "answered"), facts())[0] is False
    assert evaluate(Comparison("item:x", "answered"), facts(x=0))[0] is True


def test_any_lists_every_branch_that_holds_and_all_every_part() -> None:
    both = (Comparison("item:a", "eq", 1), Comparison("item:b", "ge", 6.5))
    holds, because = evaluate(AnyOf(both), facts(a=1, b=6.5))
    assert holds and because == ("w.a=1", "w.b=6.5")
    assert evaluate(AllOf(both), facts(a=1, b=6))[0] is False


def test_age_is_never_listed_in_because() -> None:
    cond = AllOf((Comparison("total", "ge", 10), Comparison("age", "ge", 18)))
    assert evaluate(cond, facts()) == (True, ("w.total=14",))


@pytest.mark.parametrize(
    ("value", "text"), [(14, "14"), (14.0, "14"), (6.5, "6.5"), ("03:00", "03:00")]
)
def test_because_values_use_the_natural_form(value: object, text: str) -> None:
    assert natural(value) == text


@pytest.mark.parametrize(
    ("sleep", "wake", "midpoint"),
    [
        ("03:00", "15:00", 540),
        ("23:00", "07:00", 180),
        ("22:00", "06:00", 120),
        ("07:00", "07:00", 420),
        ("23:59", "00:00", 1439.5),
    ],
)
def test_sleep_midpoint_crosses_midnight(
    sleep: str, wake: str, midpoint: float
) -> None:
    assert sleep_midpoint(sleep, wake) == midpoint


def test_the_error_names_each_bad_value_beside_its_code() -> None:
    with pytest.raises(InvalidInput) as exc:
        run({"gad7": {"gad7_1": 7}, "withdrawal": {"days_out_per_week": "two"}})
    by_code = {error.code: str(error) for error in exc.value.errors}
    assert "7" in by_code["gad7_1"]
    assert "'two'" in by_code["days_out_per_week"]
    assert "gad7_1" in str(exc.value) and "days_out_per_week" in str(exc.value)


def test_a_new_version_changes_a_cutoff_without_code() -> None:
    document = dump(DEFINITIONS["phq9"])
    document["version"] = 2
    for rule in document["scoring"]["flags"]:
        for condition in rule["when"].get("all", []):
            if condition["ref"] == "total":
                condition["value"] = 20
    stricter = dict(DEFINITIONS) | {"phq9": parse(document)}
    answers = {"phq9": phq9(14)}

    assert "depression" in flag_codes(run(answers))
    result = score(stricter, answers, age=19)
    assert "depression" not in flag_codes(result)
    assert result.instruments["phq9"].total == 14
