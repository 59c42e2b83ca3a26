"""questionnaires.bank.convert: rows to definitions, cached once published."""

from __future__ import annotations

import pytest

from questionnaires.bank import convert, loader
from questionnaires.models import translated
from tests.bank.factories import demo_document, demo_version

pytestmark = pytest.mark.django_db


def test_a_published_definition_is_parsed_once_per_process(
    django_assert_num_queries: object,
) -> None:
    version = demo_version()
    first = convert.version_definition(version)

    with django_assert_num_queries(0):  # type: ignore[operator]
        again = convert.version_definition(version)

    assert again is first
    assert first == loader.parse(demo_document())


def test_a_draft_definition_follows_its_rows() -> None:
    draft = demo_version(publish=False)
    item = draft.items.get(code="demo_2")
    item.text_en = "I keep away from people."
    item.save()

    definition = convert.version_definition(draft)

    assert definition.items[1].text == {"en": "I keep away from people."}


def test_translations_fall_back_to_english() -> None:
    version = demo_version()
    first, second = version.items.order_by("order")[:2]

    assert translated(first, "text", "ja") == "部屋にいる。"
    assert translated(second, "text", "ja") == "I avoid people."
    assert translated(second, "text", "xx") == "I avoid people."
    assert version.instrument.name("it") == "Demo scale"
