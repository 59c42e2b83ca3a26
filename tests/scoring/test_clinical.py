"""Criteria C0-C7, flags of INSTRUMENTS.md §4 and their order (U2), wording §6."""

from __future__ import annotations

import json

import pytest

from questionnaires.scoring import Category, DurationBand, GoingOut, Severity
from questionnaires.scoring.clinical import (
    duration_band,
    going_out_band,
    merge_flags,
    onset_before_30,
)
from questionnaires.scoring.wording import (
    LANGUAGES,
    all_phrases,
    find_forbidden,
    phrase,
    recommendation,
    suicide_text,
)
from tests.scoring.support import WITHDRAWN, flag_codes, items, run

# -- C1-C4 on their own


@pytest.mark.parametrize(
    ("months", "band"),
    [
        (2.9, DurationBand.BELOW),
        (3.0, DurationBand.AT_RISK),
        (5.9, DurationBand.AT_RISK),
        (6.0, DurationBand.MEETS),
        (None, DurationBand.UNKNOWN),
    ],
)
def test_duration_band_boundaries(months: float | None, band: DurationBand) -> None:
    assert duration_band(months) is band


@pytest.mark.parametrize(
    ("days", "room", "band"),
    [
        (0, 0, GoingOut.MODERATE),
        (1, 0, GoingOut.MODERATE),
        (2, 0, GoingOut.MILD),
        (3, None, GoingOut.MILD),
        (4, 0, GoingOut.NOT_MARKED),
        (7, 0, GoingOut.NOT_MARKED),
        (7, 1, GoingOut.SEVERE),
        (None, 1, GoingOut.SEVERE),
        (None, 0, GoingOut.UNKNOWN),
    ],
)
def test_going_out_band_boundaries(
    days: int | None, room: int | None, band: GoingOut
) -> None:
    assert going_out_band(days, room) is band


@pytest.mark.parametrize(("age", "before"), [(29, True), (30, False), (None, None)])
def test_onset_before_30_boundary(age: int | None, before: bool | None) -> None:
    assert onset_before_30(age) is before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"impair_school_work": 4, "impair_home": 4, "impair_relationships": 4}, False),
        ({"impair_school_work": 4, "impair_home": 5, "impair_relationships": 4}, True),
        ({"impair_school_work": 0, "impair_home": 0, "distressed": 1}, True),
        (
            {"impair_school_work": 0, "impair_home": 0, "impair_relationships": None},
            None,
        ),
        ({"impair_school_work": 0, "distressed": None}, None),
    ],
)
def test_impairment_or_distress_from_self_report(
    changes: dict[str, int | None], expected: bool | None
) -> None:
    merged: dict[str, int | None] = {**WITHDRAWN, "impair_school_work": 0}
    merged |= {"impair_home": 0, "impair_relationships": 0, "distressed": 0}
    merged |= changes
    answers = {k: v for k, v in merged.items() if v is not None}
    result = run({"withdrawal": answers})
    assert result.criteria.impairment_or_distress is expected


@pytest.mark.parametrize(
    ("impairment", "distressed", "expected"),
    [(1, 0, True), (0, 1, True), (0, 0, False), (None, 0, None), (0, None, None)],
)
def test_impairment_or_distress_from_the_clinician(
    impairment: int | None, distressed: int | None, expected: bool | None
) -> None:
    answers = {"impairment_significant": impairment, "distressed": distressed}
    answers = {k: v for k, v in answers.items() if v is not None}
    result = run({"criteria": answers})
    assert result.criteria.impairment_or_distress is expected


# -- C0: combining sources


def test_clinician_decides_over_self_and_family() -> None:
    result = run(
        {
            "withdrawal": {"months_withdrawn": 12},
            "withdrawal_family": {"months_withdrawn": 12},
            "criteria": {"months_withdrawn": 2},
        }
    )
    assert result.criteria.duration is DurationBand.BELOW
    assert result.criteria.decided_by["duration"] == "clinician"


def test_clinician_without_an_answer_leaves_self_and_family_to_decide() -> None:
    result = run(
        {"withdrawal": {"days_out_per_week": 5}, "criteria": {"concern_autism": 0}}
    )
    assert result.criteria.going_out is GoingOut.NOT_MARKED
    assert result.criteria.decided_by["going_out"] == "self"


NO_IMPAIRMENT = dict.fromkeys(
    ("impair_school_work", "impair_home", "impair_relationships", "distressed"), 0
)


@pytest.mark.parametrize(
    ("criterion", "self_", "family", "expected"),
    [
        ("duration", {"months_withdrawn": 2}, {"months_withdrawn": 7}, "meets"),
        ("duration", {"months_withdrawn": 4}, {"months_withdrawn": 1}, "at_risk"),
        ("going_out", {"days_out_per_week": 5}, {"rarely_leaves_room": 1}, "severe"),
        ("going_out", {"days_out_per_week": 2}, {"days_out_per_week": 0}, "moderate"),
        ("onset_before_30", {"onset_age": 35}, {"onset_age": 18}, True),
        ("impairment_or_distress", NO_IMPAIRMENT, {"distressed": 1}, True),
    ],
)
def test_self_and_family_combine_towards_meeting_the_criterion(
    criterion: str, self_: dict[str, int], family: dict[str, int], expected: object
) -> None:
    for a, b in ((self_, family), (family, self_)):
        result = run({"withdrawal": a, "withdrawal_family": b}, age=40)
        assert result.criteria.as_json()[criterion] == expected


def test_disagreements_list_self_and_family_values() -> None:
    result = run(
        {
            "withdrawal": {"months_withdrawn": 2, "days_out_per_week": 3},
            "withdrawal_family": {"months_withdrawn": 7, "days_out_per_week": 3},
        }
    )
    assert [d.as_json() for d in result.disagreements] == [
        {"criterion": "duration", "self": "below", "family": "meets"}
    ]


def test_an_unknown_source_does_not_disagree() -> None:
    result = run(
        {"withdrawal": {"months_withdrawn": 2}, "withdrawal_family": {"onset_age": 12}}
    )
    assert result.disagreements == ()


def test_criterion_is_unknown_only_when_no_source_decides() -> None:
    result = run({"withdrawal": {}, "withdrawal_family": {}, "criteria": {}})
    assert result.criteria.as_json() == {
        "duration": "unknown",
        "going_out": "unknown",
        "impairment_or_distress": None,
        "onset_before_30": None,
    }


# -- C5-C7: the outcome


def test_all_four_criteria_give_screen_positive() -> None:
    result = run({"withdrawal": WITHDRAWN})
    assert result.outcome.category is Category.SCREEN_POSITIVE
    assert result.outcome.missing == ()


@pytest.mark.parametrize(
    ("change", "category"),
    [
        ({"months_withdrawn": 5.9}, Category.AT_RISK),
        ({"months_withdrawn": 2.9}, Category.SCREEN_NEGATIVE),
        ({"days_out_per_week": 4}, Category.SCREEN_NEGATIVE),
        ({"days_out_per_week": 3}, Category.SCREEN_POSITIVE),
        ({"onset_age": 30}, Category.AT_RISK),
        ({"onset_age": 29}, Category.SCREEN_POSITIVE),
        ({"impair_school_work": 4}, Category.AT_RISK),
        ({"impair_school_work": 5}, Category.SCREEN_POSITIVE),
    ],
)
def test_outcome_boundaries(change: dict[str, float], category: Category) -> None:
    result = run({"withdrawal": WITHDRAWN | change}, age=40)
    assert result.outcome.category is category


def test_at_risk_explanation_names_each_unmet_or_unknown_criterion() -> None:
    answers = dict(WITHDRAWN, onset_age=30)
    del answers["distressed"]
    answers["impair_school_work"] = 1
    result = run({"withdrawal": answers}, age=40)
    assert result.outcome.category is Category.AT_RISK
    assert result.outcome.unmet == ("impairment_or_distress", "onset_before_30")
    explanation = result.as_json()["outcome"]["explanation"]
    assert "difficulties in daily life or distress" in explanation
    assert "began before age 30" in explanation


@pytest.mark.parametrize(
    ("total", "category"), [(41, "screen_negative"), (42, "at_risk")]
)
def test_hq25_at_or_above_cutoff_makes_at_risk(total: int, category: str) -> None:
    hq25 = items("hq25", 0, 25)
    remaining = total - 24
    for n in (1, 2, 3, 5, 6):
        step = min(4, remaining)
        hq25[f"hq25_{n}"] = step
        remaining -= step
    answers = {"withdrawal": {"months_withdrawn": 1, "days_out_per_week": 5}}
    result = run(answers | {"hq25": hq25})
    assert result.instruments["hq25"].total == total
    assert result.outcome.category == category


def _unfinished_hq25(partial: int) -> dict[str, int]:
    """An HQ-25 without ``hq25_1`` whose answered contributions sum to ``partial``."""
    hq25 = items("hq25", 0, 25)  # raw 0 everywhere: reverse items give 4 each = 24
    del hq25["hq25_1"]
    remaining = partial - 24
    for n in (2, 3, 5, 6, 8, 9):
        step = min(4, remaining)
        hq25[f"hq25_{n}"] = step
        remaining -= step
    return hq25


@pytest.mark.parametrize(
    ("partial", "lower_bound", "category"),
    [(41, None, Category.SCREEN_NEGATIVE), (42, 42, Category.AT_RISK)],
)
def test_unfinished_hq25_reaching_the_cutoff_has_a_lower_bound_and_is_at_risk(
    partial: int, lower_bound: int | None, category: Category
) -> None:
    answers = {"withdrawal": {"months_withdrawn": 1, "days_out_per_week": 5}}
    result = run(answers | {"hq25": _unfinished_hq25(partial)})
    hq25 = result.instruments["hq25"]
    assert (hq25.complete, hq25.total, hq25.band) == (False, None, None)
    assert hq25.lower_bound == lower_bound
    assert ("lower_bound" in hq25.as_json()) is (lower_bound is not None)
    assert result.outcome.category is category


def test_unfinished_hq25_below_the_cutoff_does_not_make_at_risk() -> None:
    hq25 = items("hq25", 0, 25)
    del hq25["hq25_1"]
    answers = {"withdrawal": {"months_withdrawn": 1, "days_out_per_week": 5}}
    result = run(answers | {"hq25": hq25})
    assert result.instruments["hq25"].lower_bound is None
    assert result.outcome.category is Category.SCREEN_NEGATIVE


def test_missing_duration_or_going_out_is_incomplete_naming_the_answers() -> None:
    result = run({"withdrawal": {"onset_age": 15}, "withdrawal_family": {}})
    assert result.outcome.category is Category.INCOMPLETE
    assert result.outcome.missing == (
        "withdrawal.months_withdrawn",
        "withdrawal.days_out_per_week",
        "withdrawal_family.months_withdrawn",
        "withdrawal_family.days_out_per_week",
    )
    assert "how many months" in result.as_json()["outcome"]["recommendation"]


def test_no_withdrawal_module_at_all_is_incomplete() -> None:
    result = run({"gad7": items("gad7", 0, 7)})
    assert result.outcome.category is Category.INCOMPLETE
    assert result.outcome.missing == (
        "withdrawal.months_withdrawn",
        "withdrawal.days_out_per_week",
    )


@pytest.mark.parametrize(
    ("change", "category", "unmet"),
    [
        ({"onset_age": None}, Category.AT_RISK, ("onset_before_30",)),
        (
            {"months_withdrawn": 4, "days_out_per_week": 4},
            Category.SCREEN_NEGATIVE,
            (),
        ),
        ({"months_withdrawn": 3, "days_out_per_week": 3}, Category.AT_RISK, ()),
        (
            {"days_out_per_week": 6, "rarely_leaves_room": 1},
            Category.SCREEN_POSITIVE,
            (),
        ),
    ],
)
def test_outcome_needs_every_criterion_and_withdrawal_for_at_risk(
    change: dict[str, float | None], category: Category, unmet: tuple[str, ...]
) -> None:
    answers = {k: v for k, v in (WITHDRAWN | change).items() if v is not None}
    result = run({"withdrawal": answers}, age=40)
    assert result.outcome.category is category
    if unmet:
        assert result.outcome.unmet == unmet


@pytest.mark.parametrize(
    ("drop", "missing"),
    [
        ("months_withdrawn", ("withdrawal.months_withdrawn",)),
        ("days_out_per_week", ("withdrawal.days_out_per_week",)),
    ],
)
def test_either_duration_or_going_out_missing_is_incomplete_naming_it(
    drop: str, missing: tuple[str, ...]
) -> None:
    answers = {k: v for k, v in WITHDRAWN.items() if k != drop}
    result = run({"withdrawal": answers})
    assert result.outcome.category is Category.INCOMPLETE
    assert result.outcome.missing == missing


def test_rarely_leaving_the_room_decides_going_out_without_the_days() -> None:
    answers = {k: v for k, v in WITHDRAWN.items() if k != "days_out_per_week"}
    result = run({"withdrawal": answers | {"rarely_leaves_room": 1}})
    assert result.criteria.going_out is GoingOut.SEVERE
    assert result.outcome.category is Category.SCREEN_POSITIVE


def test_leaving_home_4_days_never_gives_screen_positive() -> None:
    result = run({"withdrawal": WITHDRAWN | {"days_out_per_week": 4}})
    assert result.outcome.category is not Category.SCREEN_POSITIVE


# -- §4 flags declared in the modules


@pytest.mark.parametrize(
    ("hours", "costs", "flagged"),
    [(5.9, 1, False), (6, 1, True), (6, 0, False), (24, 1, True)],
)
def test_internet_overuse_needs_6_hours_and_costs(
    hours: float, costs: int, flagged: bool
) -> None:
    result = run({"withdrawal": {"online_hours": hours, "online_costs": costs}})
    assert ("internet_overuse" in flag_codes(result)) is flagged


@pytest.mark.parametrize(
    ("sleep", "wake", "flagged"),
    [
        ("02:58", "15:00", False),  # midpoint 08:59
        ("03:00", "15:00", True),  # 09:00
        ("15:00", "02:58", True),  # 20:59
        ("15:00", "03:00", False),  # 21:00
        ("23:00", "07:00", False),  # 03:00
    ],
)
def test_sleep_reversal_midpoint_from_09_00_until_before_21_00(
    sleep: str, wake: str, flagged: bool
) -> None:
    result = run({"withdrawal_family": {"sleep_time": sleep, "wake_time": wake}})
    assert ("sleep_reversal" in flag_codes(result)) is flagged
    if flagged:
        assert result.flag("sleep_reversal").because == (  # type: ignore[union-attr]
            f"withdrawal_family.sleep_time={sleep}",
            f"withdrawal_family.wake_time={wake}",
        )


@pytest.mark.parametrize(
    ("now", "conflict", "severity"),
    [
        (1, 0, Severity.URGENT),
        (0, 1, Severity.HIGH),
        (1, 1, Severity.URGENT),
        (0, 0, None),
    ],
)
def test_family_safety_urgent_if_danger_now_else_high_if_conflict(
    now: int, conflict: int, severity: Severity | None
) -> None:
    result = run(
        {"withdrawal_family": {"fam_safety_now": now, "fam_conflict": conflict}}
    )
    flag = result.flag("family_safety")
    assert (flag.severity if flag else None) == severity


def test_family_self_harm_talk_raises_suicide_risk() -> None:
    result = run({"withdrawal_family": {"fam_self_harm_talk": 1}})
    assert result.flags[0].because == ("withdrawal_family.fam_self_harm_talk=1",)


@pytest.mark.parametrize(
    ("item", "flag"),
    [
        ("concern_depression", "depression"),
        ("concern_psychosis", "psychosis_risk"),
        ("concern_social_anxiety", "social_anxiety"),
        ("concern_autism", "autism_traits"),
        ("concern_personality", "avoidant_traits"),
    ],
)
def test_clinician_concerns_raise_their_flags(item: str, flag: str) -> None:
    assert flag_codes(run({"criteria": {item: 1}})) == [flag]
    assert flag_codes(run({"criteria": {item: 0}})) == []


def test_a_flag_from_several_sources_is_reported_once_with_every_reason() -> None:
    result = run(
        {
            "phq9": items("phq9", 2, 9) | {"phq9_9": 1, "phq9_10": 1},
            "criteria": {"concern_depression": 1},
        }
    )
    assert result.flag("depression").because == (  # type: ignore[union-attr]
        "phq9.total=17",
        "criteria.concern_depression=1",
    )
    assert flag_codes(result).count("depression") == 1


def test_flags_are_ordered_by_severity_then_table_order_suicide_first() -> None:
    result = run(
        {
            "withdrawal": {"online_hours": 8, "online_costs": 1},
            "gad7": items("gad7", 3, 7),
            "lsns6": items("lsns6", 0, 6),
            "criteria": {"concern_psychosis": 1, "concern_autism": 1},
            "withdrawal_family": {"fam_conflict": 1, "fam_self_harm_talk": 1},
            "phq9": items("phq9", 3, 9) | {"phq9_10": 0},
        }
    )
    assert flag_codes(result) == [
        "suicide_risk",
        "family_safety",
        "depression",
        "psychosis_risk",
        "anxiety",
        "autism_traits",
        "social_isolation",
        "internet_overuse",
    ]


def test_merge_puts_suicide_risk_first_even_if_declared_less_severe() -> None:
    flags = merge_flags(
        [("family_safety", "urgent", ()), ("suicide_risk", "high", ("x=1",))]
    )
    assert [f.code for f in flags] == ["suicide_risk", "family_safety"]


def test_merge_keeps_the_highest_severity() -> None:
    flags = merge_flags(
        [("family_safety", "high", ("a=1",)), ("family_safety", "urgent", ("b=1",))]
    )
    assert flags[0].severity is Severity.URGENT
    assert flags[0].because == ("a=1", "b=1")


def test_suicide_risk_is_first_whatever_the_outcome_including_incomplete() -> None:
    result = run({"asq": {"asq_1": 1, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 0}})
    assert result.outcome.category is Category.INCOMPLETE
    assert result.as_json()["flags"][0]["code"] == "suicide_risk"


# -- wording §6


def test_comorbidity_note_accompanies_withdrawal_outcomes_only() -> None:
    concern = {"criteria": {"concern_depression": 1}}
    positive = run({"withdrawal": WITHDRAWN} | concern).as_json()["outcome"]
    negative = run(
        {"withdrawal": WITHDRAWN | {"months_withdrawn": 1}} | concern
    ).as_json()["outcome"]
    note = phrase("comorbidity")
    assert note in positive["recommendation"]
    assert note not in negative["recommendation"]


def test_anxiety_alone_adds_no_comorbidity_note() -> None:
    result = run({"withdrawal": WITHDRAWN, "gad7": items("gad7", 3, 7)})
    assert not result.outcome.comorbidity_note


@pytest.mark.parametrize("category", ["screen_positive", "at_risk", "screen_negative"])
def test_outcome_wording(category: str) -> None:
    text = recommendation(category)
    expected = {
        "screen_positive": "comprehensive assessment by a mental-health professional",
        "at_risk": "1 to 3 months",
        "screen_negative": "If things change",
    }[category]
    assert expected in text


def test_suicide_texts_follow_the_asq_pathway() -> None:
    assert "please talk to someone now" in suicide_text("respondent")
    assert "brief suicide safety assessment" in suicide_text(
        "clinician", asq_band="positive"
    )
    assert "full safety evaluation is needed before the person leaves" in suicide_text(
        "clinician", asq_band="acute_positive"
    )
    assert "safety assessment is needed today" in suicide_text("clinician")


def test_result_json_carries_suicide_texts_when_flagged() -> None:
    data = run({"phq9": items("phq9", 0, 8) | {"phq9_9": 1}}).as_json("ja")
    assert data["suicide_risk"]["respondent"] == suicide_text("respondent", "ja")


def test_every_phrase_exists_in_every_language_and_none_is_forbidden() -> None:
    phrases = list(all_phrases())
    keys = {key for key, _, _ in phrases}
    for key in keys:
        texts = {lang: text for k, lang, text in phrases if k == key}
        assert set(texts) == set(LANGUAGES)
        assert texts["ja"] != texts["en"] and texts["it"] != texts["en"], key
    for key, lang, text in phrases:
        assert find_forbidden(text) == [], (key, lang)


@pytest.mark.parametrize(
    "text",
    [
        "You have depression.",
        "The diagnosis is clear.",
        "He was diagnosed last year.",
        "She suffers from anxiety.",
        "He is a hikikomori.",
        "Has hikikomori",
        "Disorder detected",
        "primary hikikomori",
        "Secondary hikikomori",
        "診断",
        "二次性ひきこもり",
        "Diagnosi confermata",
        "soffre di ansia",
        "Hai la depressione",
    ],
)
def test_find_forbidden_catches_diagnostic_wording(text: str) -> None:
    assert find_forbidden(text)


@pytest.mark.parametrize(
    "text",
    [
        "This is a screening summary, not a diagnosis.",
        "これはスクリーニングの結果のまとめであり、診断ではありません。",
        "Questo è un riepilogo di screening: non è una diagnosi.",
        "The withdrawal may be related to another condition.",
    ],
)
def test_find_forbidden_allows_not_a_diagnosis(text: str) -> None:
    assert find_forbidden(text) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_whole_result_json_has_no_forbidden_wording(lang: str) -> None:
    result = run(
        {
            "withdrawal": WITHDRAWN,
            "asq": {"asq_1": 1, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 1},
            "criteria": {"concern_depression": 1, "concern_psychosis": 1},
        }
    )
    text = json.dumps(result.as_json(lang), ensure_ascii=False)
    assert find_forbidden(text) == []
    assert phrase("not_a_diagnosis", lang) in text


def test_every_sources_own_value_is_reported_beside_the_decided_one() -> None:
    result = run(
        {
            "withdrawal": {"months_withdrawn": 12, "days_out_per_week": 0},
            "withdrawal_family": {"months_withdrawn": 2, "days_out_per_week": 5},
            "criteria": {"months_withdrawn": 4},
        }
    )
    by_source = result.as_json()["criteria_by_source"]
    assert by_source["duration"] == {
        "clinician": "at_risk",
        "self": "meets",
        "family": "below",
    }
    assert by_source["going_out"] == {"self": "moderate", "family": "not_marked"}
    assert result.criteria.decided_by["duration"] == "clinician"
