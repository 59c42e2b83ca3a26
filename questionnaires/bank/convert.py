"""Between the question-bank rows and the ``hikiscreen.instrument/1`` document.

The one place that turns a version's rows into a document (to publish or export a
draft), a parsed definition into rows (to import), and a version into the frozen
:class:`InstrumentDefinition` the forms and the scoring engine read. A published
version's definition is parsed once per process and kept: it never changes, so a
questionnaire page never parses JSON.

Item text of an instrument whose licence forbids shipping it lives only in the rows,
never in a document, so an export can never redistribute it; the definition overlays
it (see :func:`version_definition`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from questionnaires.bank import loader
from questionnaires.caches import ProcessCache, process_cache
from questionnaires.models import (
    LANGUAGE_CODES,
    InstrumentVersion,
    Item,
    ItemOption,
    text_map,
)
from questionnaires.scoring.definitions import SCHEMA, InstrumentDefinition
from questionnaires.scoring.definitions import Item as ItemDefinition

# Keyed by what identifies one frozen version's content: a published version never
# changes, and licensed text entered later gets its own timestamp.
_definitions: ProcessCache[
    tuple[int, datetime | None, datetime | None], InstrumentDefinition
] = process_cache("published_definitions", maxsize=256)


def version_definition(version: InstrumentVersion) -> InstrumentDefinition:
    """The version as a frozen definition; cached for published versions."""
    if version.document is None:
        definition = loader.parse(draft_document(version))
        return _with_licensed_text(version, definition)
    document = version.document
    return _definitions.get_or_set(
        (version.pk, version.published_at, version.text_entered_at),
        lambda: _with_licensed_text(version, loader.parse(document)),
    )


def version_document(version: InstrumentVersion) -> dict[str, Any]:
    """The JSON document of a version: the frozen one once published."""
    if version.document is not None:
        return canonical(loader.parse(version.document))
    return draft_document(version)


def canonical(definition: InstrumentDefinition) -> dict[str, Any]:
    """The document as the bank stores it: what the rows can hold, nothing more.

    Option sets no item uses are dropped, empty translations omitted and whole-number
    item bounds written as integers, so a file and its loaded rows compare equal.
    """
    document = loader.dump(definition)
    if not definition.licence.text_may_ship:
        _strip_licensed_text(document)
    used = {
        i["options"] for i in document["items"] if isinstance(i.get("options"), str)
    }
    document["option_sets"] = {
        name: [_clean_option(o) for o in options]
        for name, options in document["option_sets"].items()
        if name in used
    }
    for key in ("name", "instructions"):
        document[key] = _clean_text(document[key])
    for item in document["items"]:
        for key in ("text", "help", "section"):
            if key in item:
                item[key] = _clean_text(item[key])
        for key in ("help", "section"):
            if key in item and not item[key]:
                del item[key]
        if isinstance(item.get("options"), list):
            item["options"] = [_clean_option(o) for o in item["options"]]
        for key in ("min", "max"):
            if key in item:
                item[key] = _number(item[key])
    return document


def language_issues(definition: InstrumentDefinition) -> list[loader.Issue]:
    """Respondent text in a language the bank has no column for (it would be lost)."""
    document = loader.dump(definition)
    texts: list[tuple[str, Mapping[str, str]]] = [
        ("name", document["name"]),
        ("instructions", document["instructions"]),
    ]
    for name, options in document["option_sets"].items():
        texts += [
            (f"option_sets.{name}[{n}].label", o["label"])
            for n, o in enumerate(options)
        ]
    for n, item in enumerate(document["items"]):
        texts += [
            (f"items[{n}].{k}", item[k])
            for k in ("text", "help", "section")
            if k in item
        ]
        if isinstance(item.get("options"), list):
            texts += [
                (f"items[{n}].options[{m}].label", o["label"])
                for m, o in enumerate(item["options"])
            ]
    return [
        loader.Issue(
            f"{path}.{lang}",
            f"language {lang} is not one of {', '.join(LANGUAGE_CODES)}",
        )
        for path, text in texts
        for lang in text
        if lang not in LANGUAGE_CODES
    ]


def draft_document(version: InstrumentVersion) -> dict[str, Any]:
    """Build the document from a version's rows and its instrument's catalogue data."""
    instrument = version.instrument
    ship = instrument.text_may_ship
    items = list(version.items.prefetch_related("options").order_by("order", "id"))
    option_sets: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        if item.option_set and item.option_set not in option_sets:
            option_sets[item.option_set] = _options_json(item.options.all(), ship)
    return {
        "schema": SCHEMA,
        "code": instrument.code,
        "version": version.number,
        "name": text_map(instrument, "name"),
        "short_name": instrument.short_name,
        "audience": instrument.audience,
        "age_min": instrument.age_min,
        "age_max": instrument.age_max,
        "languages": list(version.languages or ["en"]),
        "citation": instrument.citation,
        "licence": {
            "text_may_ship": ship,
            "note": instrument.licence_note,
            "attribution": instrument.licence_attribution,
        },
        "changelog": version.changelog,
        "instructions": text_map(version, "instructions"),
        "option_sets": option_sets,
        "items": [_item_json(item, ship, option_sets) for item in items],
        "scoring": version.scoring or {},
    }


def build_rows(version: InstrumentVersion, definition: InstrumentDefinition) -> None:
    """Create the items and options of a fresh draft from a definition."""
    items = Item.objects.bulk_create(
        [_item_row(version, n, item) for n, item in enumerate(definition.items)]
    )
    ItemOption.objects.bulk_create(
        [
            ItemOption(
                item=row,
                order=m,
                code=option.code,
                value=option.value,
                **_columns("label", option.label),
            )
            for row, item in zip(items, definition.items, strict=True)
            for m, option in enumerate(item.options)
        ]
    )


def copy_rows(source: InstrumentVersion, target: InstrumentVersion) -> None:
    """Copy every item and option of ``source`` into the draft ``target``."""
    items = list(source.items.prefetch_related("options").order_by("order", "id"))
    copies = Item.objects.bulk_create(
        [_copy_row(item, version=target) for item in items]
    )
    ItemOption.objects.bulk_create(
        [
            _copy_row(option, item=copy)
            for item, copy in zip(items, copies, strict=True)
            for option in item.options.all()
        ]
    )


def _copy_row(row: Any, **changes: Any) -> Any:
    values = {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if not f.primary_key
    }
    for name, value in changes.items():
        values.pop(f"{name}_id", None)
        values[name] = value
    return type(row)(**values)


def _with_licensed_text(
    version: InstrumentVersion, definition: InstrumentDefinition
) -> InstrumentDefinition:
    if definition.licence.text_may_ship or version.text_entered_at is None:
        return definition
    rows = {
        item.code: item
        for item in version.items.prefetch_related("options").order_by("order", "id")
    }
    items: list[ItemDefinition] = []
    for item in definition.items:
        row = rows.get(item.code)
        if row is None:
            items.append(item)
            continue
        labels = {o.code: text_map(o, "label") for o in row.options.all()}
        items.append(
            dataclasses.replace(
                item,
                text=text_map(row, "text"),
                options=tuple(
                    dataclasses.replace(o, label=labels.get(o.code) or o.label)
                    for o in item.options
                ),
            )
        )
    return dataclasses.replace(definition, items=tuple(items))


def _item_row(version: InstrumentVersion, order: int, item: ItemDefinition) -> Item:
    return Item(
        version=version,
        order=order,
        code=item.code,
        kind=item.kind,
        required=item.required,
        option_set=item.options_ref or "",
        min=item.min,
        max=item.max,
        decimals=item.decimals,
        show_if=None if item.show_if is None else loader.dump_condition(item.show_if),
        safety=item.safety,
        **_columns("text", item.text),
        **_columns("help", item.help),
        **_columns("section", item.section),
    )


def _columns(field: str, text: Mapping[str, str]) -> dict[str, str]:
    return {f"{field}_{lang}": text.get(lang, "") for lang in LANGUAGE_CODES}


def _item_json(
    item: Item, ship: bool, option_sets: Mapping[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": item.code,
        "kind": item.kind,
        "text": text_map(item, "text") if ship else {},
    }
    for key in ("help", "section"):
        if text := text_map(item, key):
            out[key] = text
    out["required"] = item.required
    options = _options_json(item.options.all(), ship)
    if item.option_set and option_sets.get(item.option_set) == options:
        out["options"] = item.option_set
    elif options:
        out["options"] = options
    for key in ("min", "max"):
        if (value := getattr(item, key)) is not None:
            out[key] = _number(value)
    if item.decimals is not None:
        out["decimals"] = item.decimals
    out["show_if"] = item.show_if
    out["safety"] = item.safety
    return out


def _options_json(options: Iterable[ItemOption], ship: bool) -> list[dict[str, Any]]:
    return [
        {
            "code": o.code,
            "value": o.value,
            "label": text_map(o, "label") if ship else {},
        }
        for o in options
    ]


def _strip_licensed_text(document: dict[str, Any]) -> None:
    # Licensed text is kept in the rows only, so no document can redistribute it.
    for options in document["option_sets"].values():
        for option in options:
            option["label"] = {}
    for item in document["items"]:
        item["text"] = {}
        for option in item["options"] if isinstance(item.get("options"), list) else []:
            option["label"] = {}


def _clean_text(text: Mapping[str, str]) -> dict[str, str]:
    return {lang: value for lang, value in text.items() if value}


def _clean_option(option: dict[str, Any]) -> dict[str, Any]:
    return {**option, "label": _clean_text(option["label"])}


def _number(value: float) -> float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


__all__ = [
    "build_rows",
    "canonical",
    "copy_rows",
    "draft_document",
    "language_issues",
    "version_definition",
    "version_document",
]
