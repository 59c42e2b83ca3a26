"""Licensed text in one step: HQ-25 from a pasted list, and the protocols that wait."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from questionnaires import selectors
from questionnaires.models import InstrumentVersion, Protocol
from questionnaires.services.bank import (
    BankError,
    licensed_text_parse,
    licensed_text_publish,
    protocols_waiting_for_text,
)
from tests.factories import load_protocols

pytestmark = pytest.mark.django_db

#: Placeholder text of the right shape: 25 numbered lines, 5 answer labels.
ITEMS = "\n".join(f"{n}. Placeholder HQ-25 statement number {n}." for n in range(1, 26))
LABELS = "\n".join(f"Placeholder answer {v}" for v in range(5))
NOTE = "Kyushu University hikikomori lab: free use, unmodified, with citation."


@pytest.fixture
def hq25(db: None) -> InstrumentVersion:
    load_protocols("self_report_brief", "self_report_screen")
    return InstrumentVersion.objects.get(instrument__code="hq25", number=1)


def test_hq25_protocols_wait_for_its_text_after_a_fresh_load(
    hq25: InstrumentVersion,
) -> None:
    waiting = protocols_waiting_for_text()

    assert [p.code for p in waiting[hq25]] == ["self_report_screen"]
    assert [p.code for p in selectors.protocol_list("self")] == ["self_report_brief"]


def test_a_pasted_list_lines_up_with_the_item_codes(hq25: InstrumentVersion) -> None:
    parsed = licensed_text_parse(hq25, items_text=ITEMS, options_text=LABELS)

    assert parsed.problems == ()
    assert parsed.item_texts["hq25_1"] == {
        "en": "Placeholder HQ-25 statement number 1."
    }
    assert parsed.item_texts["hq25_25"]["en"].endswith("number 25.")
    assert parsed.option_labels[("hq25_4", "4")] == {"en": "Placeholder answer 4"}


def test_a_list_one_line_short_is_refused_in_words(hq25: InstrumentVersion) -> None:
    short = "\n".join(ITEMS.splitlines()[:24])

    parsed = licensed_text_parse(hq25, items_text=short, options_text=LABELS)

    assert parsed.problems == (
        "24 lines were pasted, but this version has 25 items: paste one item per "
        "line, in order.",
    )


def test_labels_of_the_wrong_count_are_refused(hq25: InstrumentVersion) -> None:
    parsed = licensed_text_parse(hq25, items_text=ITEMS, options_text="Yes\nNo")

    assert parsed.problems == (
        "2 answer labels were pasted for the answers 0, 1, 2, 3, 4; one per line, "
        "in that order.",
    )


def test_a_csv_gives_the_same_text_and_may_carry_japanese(
    hq25: InstrumentVersion,
) -> None:
    rows = ["code,en,ja"]
    rows += [f"hq25_{n},Placeholder statement {n},仮の文 {n}" for n in range(1, 26)]
    rows += [f"option:{v},Placeholder answer {v},仮の答え {v}" for v in range(5)]

    parsed = licensed_text_parse(hq25, csv_text="\n".join(rows))

    assert parsed.problems == ()
    assert parsed.item_texts["hq25_7"] == {
        "en": "Placeholder statement 7",
        "ja": "仮の文 7",
        "it": "",
    }
    assert parsed.option_labels[("hq25_1", "0")]["ja"] == "仮の答え 0"


def test_a_csv_with_an_unknown_code_is_refused(hq25: InstrumentVersion) -> None:
    parsed = licensed_text_parse(hq25, csv_text="code,en\nhq25_26,Extra\n")

    assert parsed.problems == ("Line 2: hq25_26 is not an item code of this version.",)


def test_hq25_published_from_a_pasted_list_publishes_the_waiting_protocol(
    hq25: InstrumentVersion, admin_user: User
) -> None:
    parsed = licensed_text_parse(hq25, items_text=ITEMS, options_text=LABELS)

    version, protocols = licensed_text_publish(
        version=hq25,
        item_texts=parsed.item_texts,
        option_labels=parsed.option_labels,
        licence_note=NOTE,
        citation_confirmed=True,
        by=admin_user,
    )

    assert version.text_entered_by == admin_user
    assert not version.needs_licensed_text
    assert [(p.code, p.status) for p in protocols] == [
        ("self_report_screen", Protocol.Status.PUBLISHED)
    ]
    assert protocols_waiting_for_text() == {}
    assert {p.code for p in selectors.protocol_list("self")} == {
        "self_report_brief",
        "self_report_screen",
    }


def test_nothing_is_entered_without_confirming_the_citation(
    hq25: InstrumentVersion, admin_user: User
) -> None:
    parsed = licensed_text_parse(hq25, items_text=ITEMS, options_text=LABELS)

    with pytest.raises(BankError, match="citation"):
        licensed_text_publish(
            version=hq25,
            item_texts=parsed.item_texts,
            option_labels=parsed.option_labels,
            licence_note=NOTE,
            citation_confirmed=False,
            by=admin_user,
        )
    hq25.refresh_from_db()
    assert hq25.needs_licensed_text
