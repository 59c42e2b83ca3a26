"""The respondent flow as pure functions: pages, branching and answer values.

No database and no request here, so the rules a respondent meets (one section per
page, which items are shown, which saved answers count) are tested without either.
A *part* is a protocol: an ordered list of instrument definitions. Its pages run
through every instrument; a page is one section, and a section runs from an item
with a ``section`` heading (or the instrument's first item) to the next such item
(docs/instrument-schema.md, Items).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from questionnaires.scoring.definitions import InstrumentDefinition, Item, Text
from questionnaires.scoring.rules import Facts, Value, evaluate

#: Saved answers of one part: instrument code -> item code -> value.
PartAnswers = Mapping[str, Mapping[str, Value]]


@dataclass(frozen=True)
class Page:
    """One page of a part: one section of one instrument."""

    number: int  # 1-based, as in the URL
    instrument: InstrumentDefinition
    items: tuple[Item, ...]
    heading: Text
    first_of_instrument: bool


def text_in(text: Text, lang: str) -> str:
    """``text`` in ``lang``, falling back to English, then to any language."""
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


def build_pages(definitions: Sequence[InstrumentDefinition]) -> tuple[Page, ...]:
    """Split a part's instruments into pages, one section each."""
    pages: list[Page] = []
    for definition in definitions:
        current: list[Item] = []
        heading: Text = definition.name
        first = True
        for item in definition.items:
            if item.section and current:
                pages.append(
                    Page(len(pages) + 1, definition, tuple(current), heading, first)
                )
                first = False
                current = []
            if item.section:
                heading = item.section
            current.append(item)
        if current:
            pages.append(
                Page(len(pages) + 1, definition, tuple(current), heading, first)
            )
    return tuple(pages)


def shown_items(
    definition: InstrumentDefinition, answers: Mapping[str, Value], age: int
) -> frozenset[str]:
    """Codes of the items whose ``show_if`` holds for these answers.

    The same reading as the scoring engine: a condition sees only the answers to
    items that are themselves shown, so hiding an item also hides what depends on it.
    """
    counted: dict[str, Value] = {}
    facts = Facts(definition.code, counted, None, {}, age)
    shown: set[str] = set()
    for item in definition.items:
        if item.show_if is None or evaluate(item.show_if, facts)[0]:
            shown.add(item.code)
            value = answers.get(item.code)
            if value is not None:
                counted[item.code] = value
    return frozenset(shown)


def missing_required(
    definitions: Sequence[InstrumentDefinition], answers: PartAnswers, age: int
) -> dict[str, list[Item]]:
    """Required items that are shown but unanswered, by instrument code."""
    missing: dict[str, list[Item]] = {}
    for definition in definitions:
        given = answers.get(definition.code, {})
        shown = shown_items(definition, given, age)
        codes = [
            item
            for item in definition.items
            if item.required and item.code in shown and given.get(item.code) is None
        ]
        if codes:
            missing[definition.code] = codes
    return missing


def page_of_item(pages: Sequence[Page], instrument: str, item: str) -> int:
    """The page number showing ``item`` of ``instrument`` (1 if not found)."""
    for page in pages:
        if page.instrument.code == instrument and any(
            i.code == item for i in page.items
        ):
            return page.number
    return 1


def option_code(item: Item, value: Value) -> str:
    """The stable code of the option whose value is ``value`` ("" if none)."""
    return next((o.code for o in item.options if o.value == value), "")


def safety_triggers(
    definition: InstrumentDefinition, codes: Sequence[str]
) -> dict[str, list[Value]]:
    """The option values of items in ``codes`` that alone raise an urgent flag.

    Used to show crisis help the moment such an option is chosen (issue 17); each
    value is checked with the scoring engine's own condition evaluation, the item's
    answer being the only fact.
    """
    triggers: dict[str, list[Value]] = {}
    urgent = [f for f in definition.scoring.flags if f.severity == "urgent"]
    for item in definition.items:
        if item.code not in codes or not item.options:
            continue
        for option in item.options:
            facts = Facts(definition.code, {item.code: option.value}, None, {}, 0)
            if any(evaluate(flag.when, facts)[0] for flag in urgent):
                triggers.setdefault(item.code, []).append(option.value)
    return triggers
