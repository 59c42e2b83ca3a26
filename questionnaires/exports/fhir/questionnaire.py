"""An instrument version as a FHIR R4 Questionnaire (docs/fhir-conformance.md).

- ``url`` and ``identifier`` from the instrument code, ``version`` its number, one item
  per instrument item with ``linkId`` = item code. Choice items list
  ``answerOption.valueCoding`` with the option code; the scored value is the
  ``ordinalValue`` extension on the answerOption (where renderers such as LHC-Forms
  read it) and on the coding.
- Branching (``show_if``) becomes ``enableWhen`` where it maps exactly: comparisons on
  an earlier item, alone, under ``any`` (``enableBehavior`` any) or under ``all``
  (all). A comparison on a choice item becomes ``=`` on each option code whose value
  satisfies it, so the missing-answer rule (false) holds. What does not map (``age``,
  scores, ``derived:*``, nested ``any``/``all``) has no ``enableWhen``; every
  ``show_if`` is also kept verbatim in the ``item-show-if`` extension.
- Item text and option labels are exported only when the licence lets the text ship;
  text an admin entered under the organisation's own licence never leaves. In their
  place stand neutral labels ("HQ-25 item 1", option "0", "1", ...) marked with the
  ``placeholder`` extension, so any renderer can show the form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from questionnaires.bank import loader
from questionnaires.exports.fhir import codes
from questionnaires.exports.fhir.common import (
    DEFAULT_BASE,
    LOINC,
    MAX_DECIMALS,
    MAX_VALUE,
    MIN_VALUE,
    ORDINAL_VALUE,
    TYPES,
    TranslationUsed,
    ext,
    narrative,
    option_system,
    placeholder,
    questionnaire_url,
    resource_id,
    text_element,
    translation_extension,
    typed,
)
from questionnaires.scoring.definitions import (
    CHOICE_KINDS,
    AnyOf,
    Comparison,
    Condition,
    InstrumentDefinition,
    Item,
    Option,
)

OPERATORS = {"eq": "=", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
_STATUSES = {"draft": "draft", "published": "active", "retired": "retired"}


def canonical(definition: InstrumentDefinition, base: str = DEFAULT_BASE) -> str:
    """The versioned canonical reference ``url|version`` of a Questionnaire."""
    return f"{questionnaire_url(definition.code, base)}|{definition.version}"


# -- Questionnaire ----------------------------------------------------------------


def questionnaire(
    definition: InstrumentDefinition,
    *,
    status: str = "published",
    date: str | None = None,
    base: str = DEFAULT_BASE,
    translations: Sequence[TranslationUsed] = (),
) -> dict[str, Any]:
    """An instrument version as a FHIR R4 Questionnaire (``status``: bank status).

    ``translations`` name where the text in each of its other languages comes from
    (a ``translation-used`` extension each, for languages the version holds).
    """
    ship = definition.licence.text_may_ship
    licence = definition.licence
    extensions = [
        {"url": ext(base, "instrument-audience"), "valueCode": definition.audience},
        {
            "url": ext(base, "instrument-short-name"),
            "valueString": definition.short_name,
        },
        *(
            [{"url": ext(base, "instrument-citation"), "valueString": c}]
            if (c := definition.citation)
            else []
        ),
        *(
            {"url": ext(base, f"instrument-{key}"), "valueInteger": value}
            for key, value in (
                ("age-min", definition.age_min),
                ("age-max", definition.age_max),
            )
            if value is not None
        ),
        *(
            {"url": ext(base, "instrument-language"), "valueCode": lang}
            for lang in definition.languages
        ),
        {
            "url": ext(base, "licence"),
            "extension": [
                {"url": "textMayShip", "valueBoolean": licence.text_may_ship},
                *(
                    [{"url": "note", "valueString": licence.note}]
                    if licence.note
                    else []
                ),
                *(
                    [{"url": "attribution", "valueString": licence.attribution}]
                    if licence.attribution
                    else []
                ),
            ],
        },
        *(
            translation_extension(t, base)
            for t in translations
            if t.language in definition.languages
        ),
    ]
    short = definition.short_name or definition.code
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": resource_id(f"{definition.code}-v{definition.version}"),
        "text": narrative(
            [
                f"{short} version {definition.version}: "
                f"{len(definition.items)} question(s).",
                ""
                if ship
                else "The wording is licensed and not included: items and options "
                "show neutral placeholders.",
            ]
        ),
        "extension": extensions,
        "url": questionnaire_url(definition.code, base),
        "identifier": [{"system": f"{base}/instrument", "value": definition.code}],
        "version": str(definition.version),
        "name": "".join(p.capitalize() for p in definition.code.split("_")),
        **text_element("title", definition.name),
        "status": _STATUSES.get(status, "draft"),
        "subjectType": ["Patient"],
    }
    if definition.code in codes.PANELS:
        panel, display = codes.PANELS[definition.code]
        resource["code"] = [{"system": LOINC, "code": panel, "display": display}]
    if date:
        resource["date"] = date
    resource.update(text_element("description", definition.instructions))
    copyright_ = "\n\n".join(t for t in (licence.attribution, licence.note) if t)
    if copyright_:
        resource["copyright"] = copyright_
    by_code = {item.code: item for item in definition.items}
    resource["item"] = [
        _questionnaire_item(definition, item, by_code, ship=ship, base=base)
        for item in definition.items
    ]
    if not ship:
        resource["extension"].append(
            {"url": ext(base, "placeholder-text"), "valueBoolean": True}
        )
    return resource


def _questionnaire_item(
    definition: InstrumentDefinition,
    item: Item,
    by_code: Mapping[str, Item],
    *,
    ship: bool,
    base: str,
) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = [
        {"url": ext(base, "item-kind"), "valueCode": item.kind}
    ]
    if item.safety:
        extensions.append({"url": ext(base, "item-safety"), "valueBoolean": True})
    for key in ("section", "help"):
        text: Mapping[str, str] = getattr(item, key)
        if text:
            extensions.append(
                {
                    "url": ext(base, f"item-{key}"),
                    "extension": [
                        {"url": lang, "valueString": value}
                        for lang, value in text.items()
                    ],
                }
            )
    number = "valueInteger" if TYPES[item.kind] == "integer" else "valueDecimal"
    for url, value in ((MIN_VALUE, item.min), (MAX_VALUE, item.max)):
        if value is not None:
            extensions.append({"url": url, number: typed(number, value)})
    if item.decimals is not None:
        extensions.append({"url": MAX_DECIMALS, "valueInteger": item.decimals})
    if item.show_if is not None:
        extensions.append(
            {
                "url": ext(base, "item-show-if"),
                "valueString": json.dumps(loader.dump_condition(item.show_if)),
            }
        )
    out: dict[str, Any] = {"extension": extensions, "linkId": item.code}
    loinc = codes.ITEMS.get((definition.code, item.code))
    if loinc is not None:
        out["code"] = [{"system": LOINC, "code": loinc}]
    if ship and item.text.get("en"):
        out.update(text_element("text", item.text))
    elif not ship:
        out.update(placeholder("text", item_placeholder(definition, item), base))
    out["type"] = TYPES[item.kind]
    out["required"] = item.required
    if item.show_if is not None:
        mapped = enable_when(item.show_if, by_code, definition.code, base=base)
        if mapped is not None:
            entries, behaviour = mapped
            out["enableWhen"] = entries
            if behaviour is not None:
                out["enableBehavior"] = behaviour
    if item.kind in CHOICE_KINDS:
        out["answerOption"] = [
            {
                "extension": [{"url": ORDINAL_VALUE, "valueDecimal": o.value}],
                "valueCoding": coding(definition.code, item, o, ship=ship, base=base),
            }
            for o in item.options
        ]
    return out


def coding(
    instrument: str, item: Item, option: Option, *, ship: bool, base: str
) -> dict[str, Any]:
    """An option as a Coding, its scored value as the ``ordinalValue`` extension.

    Where the label may not ship, the display is the option's value ("0", "1", ...)
    marked as a placeholder.
    """
    out: dict[str, Any] = {
        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.value}],
        "system": option_system(instrument, item.code, base),
        "code": option.code,
    }
    if ship and option.label.get("en"):
        out.update(text_element("display", option.label))
    elif not ship:
        out.update(placeholder("display", str(option.value), base))
    return out


def item_placeholder(definition: InstrumentDefinition, item: Item) -> str:
    """The neutral label standing for an item's licensed text: "HQ-25 item 1"."""
    name = definition.short_name or definition.code
    number = next(n for n, i in enumerate(definition.items, 1) if i.code == item.code)
    return f"{name} item {number}"


def enable_when(
    condition: Condition,
    items: Mapping[str, Item],
    instrument: str,
    *,
    base: str = DEFAULT_BASE,
) -> tuple[list[dict[str, Any]], str | None] | None:
    """``(enableWhen, enableBehavior)`` equivalent to ``condition``, or None.

    None when FHIR's flat list cannot say the same thing: a reference to the age, a
    score or a derived value, or ``any``/``all`` nested so that one level of
    ``enableBehavior`` cannot hold it.
    """
    if isinstance(condition, Comparison):
        expanded = _expand(condition, items, instrument, base)
        if expanded is None:
            return None
        entries, behaviour = expanded
        return entries, behaviour if len(entries) > 1 else None
    wanted = "any" if isinstance(condition, AnyOf) else "all"
    collected: list[dict[str, Any]] = []
    for part in condition.conditions:
        if not isinstance(part, Comparison):
            return None
        expanded = _expand(part, items, instrument, base)
        if expanded is None:
            return None
        entries, behaviour = expanded
        if len(entries) > 1 and behaviour != wanted:
            return None
        collected += entries
    return collected, wanted if len(collected) > 1 else None


def _expand(
    comparison: Comparison, items: Mapping[str, Item], instrument: str, base: str
) -> tuple[list[dict[str, Any]], str] | None:
    """One comparison as enableWhen entries and how they combine."""
    if not comparison.ref.startswith("item:"):
        return None
    item = items.get(comparison.ref[5:])
    if item is None:
        return None
    question = item.code
    if comparison.op == "answered":
        return [
            {"question": question, "operator": "exists", "answerBoolean": True}
        ], "any"
    if item.kind in CHOICE_KINDS:
        chosen = [o for o in item.options if _holds(comparison, o.value)]
        if not chosen:
            return None  # never true: FHIR has no "never"
        return [
            {
                "question": question,
                "operator": "=",
                "answerCoding": {
                    "system": option_system(instrument, question, base),
                    "code": o.code,
                },
            }
            for o in chosen
        ], "any"
    key = ANSWER_KEYS[TYPES[item.kind]]
    value = comparison.value
    if comparison.op == "in" and isinstance(value, tuple):
        return [
            {"question": question, "operator": "=", key: typed(key, v)} for v in value
        ], "any"
    if comparison.op == "between" and isinstance(value, tuple):
        low, high = value
        return [
            {"question": question, "operator": ">=", key: typed(key, low)},
            {"question": question, "operator": "<", key: typed(key, high)},
        ], "all"
    if comparison.op in OPERATORS and value is not None:
        entry = {
            "question": question,
            "operator": OPERATORS[comparison.op],
            key: typed(key, value),
        }
        return [entry], "any"
    return None


def _holds(comparison: Comparison, value: int) -> bool:
    right = comparison.value
    op = comparison.op
    if op == "in":
        return isinstance(right, tuple) and value in right
    if op == "between":
        return (
            isinstance(right, tuple)
            and not isinstance(right[0], str)
            and not isinstance(right[1], str)
            and right[0] <= value < right[1]
        )
    if isinstance(right, str) or right is None or isinstance(right, tuple):
        return op == "ne"  # a number never equals a string
    return {
        "eq": value == right,
        "ne": value != right,
        "gt": value > right,
        "ge": value >= right,
        "lt": value < right,
        "le": value <= right,
    }[op]


ANSWER_KEYS = {
    "integer": "answerInteger",
    "decimal": "answerDecimal",
    "time": "answerTime",
    "text": "answerString",
}
