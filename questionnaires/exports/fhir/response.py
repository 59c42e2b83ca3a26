"""The answers to one instrument version as a FHIR R4 QuestionnaireResponse.

Only answers to items shown (enabled) are written, read as the respondent's flow
and the scoring engine read them (``flow.shown_items``): the HL7 validator rejects an
answer to an item whose ``enableWhen`` is false. An answer kept for a hidden item
that raised a flag (a positive safety answer, V3) travels in the flag's Observation
instead (``observations.py``). A stored choice value that matches no option is an
error here (:class:`UnexportableAnswer`), never a bare ``valueInteger``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from questionnaires.bank import flow
from questionnaires.exports.fhir.common import (
    DEFAULT_BASE,
    TYPES,
    VALUE_KEYS,
    TranslationUsed,
    narrative,
    translation_extension,
    typed,
)
from questionnaires.exports.fhir.questionnaire import canonical, coding
from questionnaires.scoring.definitions import CHOICE_KINDS, InstrumentDefinition, Item


@dataclass(frozen=True)
class PartAnswers:
    """One submitted part: who answered, when, the answers per instrument and, per
    instrument code, the translation the respondent was shown (none: English or text
    bundled with the instrument)."""

    role: str
    submitted_at: str  # ISO 8601 with time zone
    definitions: Sequence[InstrumentDefinition]
    answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    translations: Mapping[str, TranslationUsed] = field(default_factory=dict)


class UnexportableAnswer(ValueError):
    """A stored answer has no FHIR form (a choice value that matches no option)."""


def questionnaire_response(
    definition: InstrumentDefinition,
    answers: Mapping[str, Any],
    *,
    resource_id: str,
    authored: str,
    age: int,
    subject: Mapping[str, Any] | None = None,
    source: Mapping[str, Any] | None = None,
    base: str = DEFAULT_BASE,
    translation: TranslationUsed | None = None,
) -> dict[str, Any]:
    """The answers to items shown as a completed QuestionnaireResponse.

    ``age`` is the screening's age, which a ``show_if`` may read; ``translation``
    the translation shown, named in the ``translation-used`` extension.
    """
    ship = definition.licence.text_may_ship
    given = {code: value for code, value in answers.items() if value is not None}
    shown = flow.shown_items(definition, given, age)
    items = [
        {
            "linkId": item.code,
            "answer": [answer(definition, item, given[item.code], ship, base)],
        }
        for item in definition.items
        if item.code in given and item.code in shown
    ]
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": resource_id,
        "text": narrative(
            [
                f"Answers to {definition.short_name or definition.code} "
                f"v{definition.version}: {len(items)} item(s) answered."
            ]
        ),
    }
    if translation is not None:
        resource["extension"] = [translation_extension(translation, base)]
    resource["questionnaire"] = canonical(definition, base)
    resource["status"] = "completed"
    if subject is not None:
        resource["subject"] = dict(subject)
    resource["authored"] = authored
    if source is not None:
        resource["source"] = dict(source)
    resource["item"] = items
    return resource


def answer(
    definition: InstrumentDefinition, item: Item, value: Any, ship: bool, base: str
) -> dict[str, Any]:
    """One answer as a QuestionnaireResponse ``answer`` (``value[x]``)."""
    if item.kind in CHOICE_KINDS:
        option = next((o for o in item.options if o.value == value), None)
        if option is None:
            raise UnexportableAnswer(
                f"{definition.code} v{definition.version} {item.code}: "
                f"stored value {value!r} matches no option"
            )
        return {
            "valueCoding": coding(definition.code, item, option, ship=ship, base=base)
        }
    key = VALUE_KEYS[TYPES[item.kind]]
    return {key: typed(key, value)}
