"""A definition with an entered translation laid over it (pure: no database).

The text of a translation record (``TranslationRecord.text``) is
``{"instructions": str, "items": {item code: text},
"options": {item code: {option code: label}}}``; laying it over a definition adds
that language to every text it has and to the definition's complete languages.
Scoring never changes: it works on codes and values.

``working_translations.json`` holds the project's own translations of safety
questions (ASQ), used only where no translation was entered for that language.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from questionnaires.scoring.definitions import InstrumentDefinition, Item, Option


def with_translation(
    definition: InstrumentDefinition, lang: str, text: Mapping[str, Any]
) -> InstrumentDefinition:
    items = tuple(
        _item(item, lang, text.get("items", {}), text.get("options", {}))
        for item in definition.items
    )
    instructions = dict(definition.instructions)
    if text.get("instructions"):
        instructions[lang] = text["instructions"]
    languages = tuple(definition.languages)
    if lang not in languages:
        languages = (*languages, lang)
    return dataclasses.replace(
        definition, items=items, instructions=instructions, languages=languages
    )


def _item(
    item: Item,
    lang: str,
    texts: Mapping[str, str],
    options: Mapping[str, Mapping[str, str]],
) -> Item:
    labels = options.get(item.code, {})
    return dataclasses.replace(
        item,
        text={**item.text, lang: texts[item.code]}
        if texts.get(item.code)
        else item.text,
        options=tuple(_option(o, lang, labels.get(o.code, "")) for o in item.options),
    )


def _option(option: Option, lang: str, label: str) -> Option:
    if not label:
        return option
    return dataclasses.replace(option, label={**option.label, lang: label})


@dataclass(frozen=True)
class WorkingTranslation:
    """The project's own (not validated) translation of one version's text."""

    code: str
    version: int
    language: str
    text: Mapping[str, Any]
    source: str
    licence: str


WORKING_FILE = Path(__file__).with_name("working_translations.json")


@cache
def working_translations() -> dict[tuple[str, int, str], WorkingTranslation]:
    """The bundled working translations, by (instrument code, version, language)."""
    data = json.loads(WORKING_FILE.read_text(encoding="utf-8"))
    return {
        (entry["code"], entry["version"], lang): WorkingTranslation(
            code=entry["code"],
            version=entry["version"],
            language=lang,
            text=text,
            source=data["source"],
            licence=data["licence"],
        )
        for entry in data["translations"]
        for lang, text in entry["languages"].items()
    }
