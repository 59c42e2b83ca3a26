"""Question-bank test data: a small instrument document and factories for its rows."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import factory
from django.contrib.auth.models import User

from questionnaires.models import Instrument, InstrumentVersion, Item, ItemOption
from questionnaires.services.bank import bank_import, instrument_version_enter_text

FREQ4 = [
    {"code": str(n), "value": n, "label": {"en": label}}
    for n, label in enumerate(["Never", "Sometimes", "Often", "Always"])
]
DEMO: dict[str, Any] = {
    "schema": "hikiscreen.instrument/1",
    "code": "demo",
    "version": 1,
    "name": {"en": "Demo scale", "ja": "デモ尺度"},
    "short_name": "Demo",
    "audience": "self",
    "age_min": 12,
    "age_max": None,
    "languages": ["en"],
    "citation": "Nobody 2024.",
    "licence": {"text_may_ship": True, "note": "Ours.", "attribution": ""},
    "changelog": "First.",
    "instructions": {"en": "Answer every question."},
    "option_sets": {"freq4": FREQ4},
    "items": [
        {
            "code": "demo_1",
            "kind": "likert",
            "text": {"en": "I stay in my room.", "ja": "部屋にいる。"},
            "section": {"en": "Daily life"},
            "options": "freq4",
        },
        {
            "code": "demo_2",
            "kind": "likert",
            "text": {"en": "I avoid people."},
            "options": "freq4",
        },
        {
            "code": "demo_3",
            "kind": "yes_no",
            "text": {"en": "Is it hard right now?"},
            "show_if": {"ref": "item:demo_1", "op": "ge", "value": 1},
            "safety": True,
        },
        {
            "code": "demo_4",
            "kind": "number",
            "text": {"en": "Hours online a day"},
            "min": 0,
            "max": 24,
            "decimals": 1,
            "required": False,
        },
        {
            "code": "demo_5",
            "kind": "time_of_day",
            "text": {"en": "Bedtime"},
            "required": False,
        },
        {
            "code": "demo_6",
            "kind": "free_text",
            "text": {"en": "Anything else?"},
            "required": False,
        },
    ],
    "scoring": {
        "total": {"method": "sum", "items": ["demo_1", "demo_2"]},
        "bands": [
            {"code": "low", "min": 0, "max": 2, "label": {"en": "Low"}},
            {"code": "high", "min": 3, "max": 6, "label": {"en": "High"}},
        ],
        "missing": {"rule": "incomplete"},
        "flags": [
            {
                "code": "social_anxiety",
                "severity": "moderate",
                "when": {"ref": "total", "op": "ge", "value": 5},
            }
        ],
    },
}


def demo_document(**changes: Any) -> dict[str, Any]:
    """A deep copy of the demo document with top-level keys changed."""
    document = copy.deepcopy(DEMO)
    document.update(changes)
    return document


def demo_version(*, publish: bool = True, **changes: Any) -> InstrumentVersion:
    """The demo instrument imported through the service (published by default)."""
    return bank_import(
        document=demo_document(**changes), actor_label="tests", publish=publish
    ).version


def licensed_demo_version(*, attribution: str = "") -> InstrumentVersion:
    """The demo instrument with a licence that keeps its text out of the bundle:
    every item text and option label is left for an admin to enter."""
    document = demo_document(
        licence={
            "text_may_ship": False,
            "note": "Publisher's.",
            "attribution": attribution,
        }
    )
    for item in document["items"]:
        item["text"] = {}
    document["option_sets"]["freq4"] = [
        {**option, "label": {}} for option in document["option_sets"]["freq4"]
    ]
    return demo_version(**document)


def enter_every_text(
    version: InstrumentVersion,
    *,
    item_text: Callable[[str], str],
    option_label: Callable[[ItemOption], str],
    licence_note: str,
    by: User,
) -> None:
    """Enter English text for every item (``item_text(code)``) and option
    (``option_label(option)``) of a licensed version, through the service."""
    items = {i.code: i for i in version.items.prefetch_related("options")}
    instrument_version_enter_text(
        version=version,
        item_texts={code: {"en": item_text(code)} for code in items},
        option_labels={
            (code, o.code): {"en": option_label(o)}
            for code, item in items.items()
            for o in item.options.all()
        },
        licence_note=licence_note,
        by=by,
    )


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    code = factory.Sequence(lambda n: f"inst{n}")
    name_en = factory.LazyAttribute(lambda o: f"Instrument {o.code}")
    text_may_ship = True


class InstrumentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstrumentVersion

    instrument = factory.SubFactory(InstrumentFactory)
    number = 1
    languages = factory.LazyFunction(lambda: ["en"])


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    version = factory.SubFactory(InstrumentVersionFactory)
    code = factory.Sequence(lambda n: f"item_{n}")
    kind = Item.Kind.LIKERT
    text_en = factory.LazyAttribute(lambda o: f"Question {o.code}")


class ItemOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemOption

    item = factory.SubFactory(ItemFactory)
    code = factory.Sequence(str)
    value = factory.Sequence(int)
    label_en = factory.LazyAttribute(lambda o: f"Option {o.code}")
