"""Publishing checks that read like a colleague: each on both sides of its boundary.

The demo instrument's total is demo_1 + demo_2, each 0-3, so it runs 0-6; its bands
are low 0-2 and high 3-6 and its flag fires at total ≥ 5.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from questionnaires.bank import review
from questionnaires.models import InstrumentVersion, Item, ItemOption
from questionnaires.services.bank import (
    PublishRefused,
    instrument_version_publish,
)
from tests.bank.factories import demo_version

pytestmark = pytest.mark.django_db


def _draft(**scoring_changes: object) -> InstrumentVersion:
    draft = demo_version(publish=False)
    draft.scoring = {**draft.scoring, **scoring_changes}
    draft.save()
    return draft


def _problems(version: InstrumentVersion) -> list[review.Problem]:
    return review.review(version).problems


def _bands(*bands: tuple[str, float, float]) -> list[dict[str, object]]:
    return [
        {"code": code, "min": low, "max": high, "label": {"en": code}}
        for code, low, high in bands
    ]


def test_bands_covering_exactly_the_possible_range_pass() -> None:
    assert _problems(_draft(bands=_bands(("low", 0, 2), ("high", 3, 6)))) == []


def test_a_band_reaching_past_the_highest_total_is_refused_in_words() -> None:
    problems = _problems(_draft(bands=_bands(("low", 0, 2), ("high", 3, 7))))

    assert [(p.field, p.message) for p in problems] == [
        ("scoring", "Band high runs 3–7, but the total can only be 0–6.")
    ]


def test_a_band_starting_below_the_lowest_total_is_refused() -> None:
    problems = _problems(_draft(bands=_bands(("low", -1, 2), ("high", 3, 6))))

    assert [p.message for p in problems] == [
        "Band low runs -1–2, but the total can only be 0–6."
    ]


def test_a_gap_between_bands_is_refused() -> None:
    gap = _problems(_draft(bands=_bands(("low", 0, 2), ("high", 4, 6))))

    assert [p.message for p in gap] == [
        "Totals 3–3 fall in no band (between low and high)."
    ]


def test_bands_meeting_at_another_total_pass() -> None:
    assert _problems(_draft(bands=_bands(("low", 0, 3), ("high", 4, 6)))) == []


def test_overlapping_bands_are_refused() -> None:
    problems = _problems(_draft(bands=_bands(("low", 0, 3), ("high", 3, 6))))

    assert [p.message for p in problems] == [
        "Totals 3–3 are in two bands, low and high."
    ]


def test_a_top_band_stopping_short_is_refused() -> None:
    problems = _problems(_draft(bands=_bands(("low", 0, 2), ("high", 3, 5))))

    assert [p.message for p in problems] == ["Totals 6–6 fall in no band."]


def _flag_at(value: float) -> list[dict[str, object]]:
    return [
        {
            "code": "social_anxiety",
            "severity": "moderate",
            "when": {"ref": "total", "op": "ge", "value": value},
        }
    ]


@pytest.mark.parametrize("value", [0, 6])
def test_a_cut_off_at_either_end_of_the_range_passes(value: int) -> None:
    assert _problems(_draft(flags=_flag_at(value))) == []


@pytest.mark.parametrize("value", [-1, 7])
def test_a_cut_off_just_outside_the_range_is_refused(value: int) -> None:
    problems = _problems(_draft(flags=_flag_at(value)))

    assert [(p.field, p.message) for p in problems] == [
        (
            "scoring",
            f"The cut-off of flag social_anxiety (total ≥ {value}) is outside the "
            "possible range 0–6.",
        )
    ]


def test_a_flag_on_a_subscale_that_does_not_exist_is_refused() -> None:
    flags = [
        {
            "code": "social_anxiety",
            "severity": "moderate",
            "when": {"ref": "subscale:avoidance", "op": "ge", "value": 1},
        }
    ]

    problems = _problems(_draft(flags=flags))

    assert [(p.field, p.message) for p in problems] == [
        (
            "scoring",
            "Flag rule 1 refers to something this version does not score: unknown "
            "subscale avoidance",
        )
    ]


def test_a_flag_on_the_total_that_exists_passes() -> None:
    assert _problems(_draft(flags=_flag_at(5))) == []


def test_branching_on_an_earlier_item_passes_and_on_a_later_one_is_refused() -> None:
    earlier = demo_version(publish=False)
    later = demo_version(publish=False, code="demo_b")
    Item.objects.filter(version=later, code="demo_3").update(
        show_if={"ref": "item:demo_4", "op": "ge", "value": 1}
    )

    assert _problems(earlier) == []
    (problem,) = _problems(later)
    assert (problem.item, problem.field) == (3, "show_if")
    assert problem.message == (
        "Item 3 (demo_3) is shown depending on demo_4, which is not an earlier item: "
        "branching may only refer to items before it."
    )


def test_branching_on_the_item_itself_is_refused() -> None:
    draft = demo_version(publish=False)
    Item.objects.filter(version=draft, code="demo_3").update(
        show_if={"ref": "item:demo_3", "op": "eq", "value": 1}
    )

    assert [p.item for p in _problems(draft)] == [3]


def _claiming_japanese() -> InstrumentVersion:
    """A draft listing Japanese as complete with every Japanese text filled in."""
    draft = demo_version(publish=False, languages=["en", "ja"])
    draft.instructions_ja = "すべての質問に答えてください。"
    draft.save()
    for item in draft.items.all():
        item.text_ja = f"{item.code} の質問"
        item.section_ja = "毎日の生活" if item.section_en else ""
        item.save()
    ItemOption.objects.filter(item__version=draft).update(label_ja="ラベル")
    return draft


def test_a_claimed_language_with_every_text_passes() -> None:
    assert _problems(_claiming_japanese()) == []


def test_a_claimed_language_missing_one_item_text_is_refused_with_its_number() -> None:
    draft = _claiming_japanese()
    Item.objects.filter(version=draft, code="demo_2").update(text_ja="")

    (problem,) = _problems(draft)
    assert (problem.item, problem.field) == (2, "text_ja")
    assert problem.message == (
        "Item 2 (demo_2) has no Japanese text, but Japanese is listed as complete."
    )


def test_a_claimed_language_missing_an_option_label_is_refused() -> None:
    draft = _claiming_japanese()
    ItemOption.objects.filter(item__version=draft, item__code="demo_1", value=3).update(
        label_ja=""
    )

    assert [p.message for p in _problems(draft)] == [
        "Item 1 (demo_1): the answer 3 has no Japanese label."
    ]


def test_a_claimed_language_missing_instructions_or_a_section_is_refused() -> None:
    draft = _claiming_japanese()
    draft.instructions_ja = ""
    draft.save()
    Item.objects.filter(version=draft, code="demo_1").update(section_ja="")

    assert [(p.field, p.item) for p in _problems(draft)] == [
        ("instructions_ja", None),
        ("section_ja", 1),
    ]


def test_help_in_english_needs_help_in_every_claimed_language() -> None:
    draft = _claiming_japanese()
    Item.objects.filter(version=draft, code="demo_4").update(help_en="Whole hours.")

    assert [(p.field, p.item) for p in _problems(draft)] == [("help_ja", 4)]
    Item.objects.filter(version=draft, code="demo_4").update(help_ja="時間単位で。")
    assert _problems(draft) == []


def test_a_language_not_claimed_may_be_incomplete() -> None:
    draft = demo_version(publish=False)  # English only; demo_1 has Japanese text

    assert _problems(draft) == []


def test_publish_refusal_carries_every_problem_with_its_place(admin_user: User) -> None:
    draft = _claiming_japanese()
    Item.objects.filter(version=draft, code="demo_2").update(text_ja="")
    draft.scoring = {**draft.scoring, "bands": _bands(("low", 0, 2), ("high", 3, 30))}
    draft.save()

    with pytest.raises(PublishRefused) as refused:
        instrument_version_publish(version=draft, by=admin_user)

    assert {(p.field, p.item) for p in refused.value.details} == {
        ("text_ja", 2),
        ("scoring", None),
    }
    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.DRAFT


def test_importing_a_published_document_with_a_band_past_the_range_is_refused() -> None:
    from questionnaires.services.bank import BankError, bank_import
    from tests.bank.factories import demo_document

    document = demo_document()
    document["scoring"]["bands"][1]["max"] = 30

    with pytest.raises(BankError) as refused:
        bank_import(document=document, actor_label="tests")

    assert refused.value.problems == (
        "Band high runs 3–30, but the total can only be 0–6.",
    )
