"""The QuestionnaireResponse-vs-Questionnaire rules of the HL7 validator, for tests.

Written from the FHIR R4 Questionnaire/QuestionnaireResponse rules (and the HL7
validator's messages they correspond to), reading only the two resources, never
HikiScreen's definitions:

- every answered linkId is in the Questionnaire (``QUESTIONNAIRE_QR_ITEM_NOTFOUND``);
- an answered item is enabled: its ``enableWhen`` holds against the answers, combined
  by ``enableBehavior`` (``QUESTIONNAIRE_QR_ITEM_NOTENABLED2``);
- a required enabled item is answered (``QUESTIONNAIRE_QR_ITEM_MISSING``);
- at most one answer unless the item repeats (``QUESTIONNAIRE_QR_ITEM_ONLYONEA``);
- the answer's type is the item's (``QUESTIONNAIRE_QR_ITEM_WRONGTYPE``): choice ->
  valueCoding, integer -> valueInteger, decimal -> valueDecimal, time -> valueTime,
  string/text -> valueString;
- a choice answer is one of the ``answerOption`` codings, same system and code
  (``QUESTIONNAIRE_QR_ITEM_NOOPTIONS_CODING``);
- ``questionnaire`` is the Questionnaire's ``url|version``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_VALUE_KEY = {
    "choice": "valueCoding",
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "time": "valueTime",
    "string": "valueString",
    "text": "valueString",
    "boolean": "valueBoolean",
}
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\Z")


def problems(
    questionnaire: Mapping[str, Any], response: Mapping[str, Any]
) -> list[str]:
    """Every rule the response breaks, each naming its linkId."""
    found: list[str] = []
    expected = f"{questionnaire['url']}|{questionnaire['version']}"
    if response.get("questionnaire") != expected:
        found.append(f"questionnaire: {response.get('questionnaire')} != {expected}")
    items = {i["linkId"]: i for i in _items(questionnaire.get("item", []))}
    answers: dict[str, list[dict[str, Any]]] = {}
    for entry in response.get("item", []):
        link_id = entry["linkId"]
        if link_id not in items:
            found.append(f"{link_id}: not in the Questionnaire")
            continue
        answers[link_id] = list(entry.get("answer", []))
    for link_id, given in answers.items():
        item = items[link_id]
        if not _enabled(item, answers):
            found.append(f"{link_id}: answered but not enabled")
        if len(given) > 1 and not item.get("repeats"):
            found.append(f"{link_id}: more than one answer")
        for answer in given:
            found += _answer_problems(link_id, item, answer)
    for link_id, item in items.items():
        if (
            item.get("required")
            and _enabled(item, answers)
            and not answers.get(link_id)
        ):
            found.append(f"{link_id}: required and enabled, not answered")
    return found


def _items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        out.append(item)
        out += _items(item.get("item", []))
    return out


def _answer_problems(
    link_id: str, item: Mapping[str, Any], answer: Mapping[str, Any]
) -> list[str]:
    key = _VALUE_KEY.get(item["type"])
    present = [k for k in answer if k.startswith("value")]
    if key is None or present != [key]:
        return [f"{link_id}: answer {present} for an item of type {item['type']}"]
    value = answer[key]
    if key == "valueCoding":
        options = [
            (o["valueCoding"].get("system"), o["valueCoding"]["code"])
            for o in item.get("answerOption", [])
        ]
        if (value.get("system"), value.get("code")) not in options:
            return [f"{link_id}: coding {value.get('code')!r} is not an answerOption"]
    elif key == "valueInteger" and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        return [f"{link_id}: {value!r} is not an integer"]
    elif key == "valueDecimal" and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        return [f"{link_id}: {value!r} is not a decimal"]
    elif key == "valueTime" and not (isinstance(value, str) and _TIME.match(value)):
        return [f"{link_id}: {value!r} is not a time"]
    elif key == "valueString" and not isinstance(value, str):
        return [f"{link_id}: {value!r} is not a string"]
    return []


def _enabled(
    item: Mapping[str, Any], answers: Mapping[str, list[dict[str, Any]]]
) -> bool:
    conditions = item.get("enableWhen")
    if not conditions:
        return True
    results = [_holds(c, answers) for c in conditions]
    if len(results) > 1 and item.get("enableBehavior") not in ("any", "all"):
        raise AssertionError(
            f"{item['linkId']}: several enableWhen need enableBehavior"
        )
    return any(results) if item.get("enableBehavior") == "any" else all(results)


def _holds(
    condition: Mapping[str, Any], answers: Mapping[str, list[dict[str, Any]]]
) -> bool:
    given = answers.get(condition["question"], [])
    operator = condition["operator"]
    key = next(k for k in condition if k.startswith("answer"))
    expected = condition[key]
    if operator == "exists":
        return bool(given) == expected
    for answer in given:
        value = next(v for k, v in answer.items() if k.startswith("value"))
        if key == "answerCoding":
            same = (value.get("system"), value.get("code")) == (
                expected.get("system"),
                expected.get("code"),
            )
            if (operator == "=" and same) or (operator == "!=" and not same):
                return True
            continue
        if {
            "=": value == expected,
            "!=": value != expected,
            ">": value > expected,
            ">=": value >= expected,
            "<": value < expected,
            "<=": value <= expected,
        }[operator]:
            return True
    return operator == "!=" and not given
