"""A FHIR R4 Questionnaire read back as a ``hikiscreen.instrument/1`` document.

Reads what ``questionnaire.py`` writes (HikiScreen's extensions make that lossless for
everything but scoring) and, where it maps, a Questionnaire from elsewhere: flat or
grouped items of type choice, integer, decimal, time, string, text and boolean,
inline answer options, and ``enableWhen``. Input from elsewhere is untrusted: every
element of the wrong JSON type, every item or option over the limits, is a problem
naming its path (``item[2].answerOption[1].valueCoding.code``); all problems are
raised together (:class:`UnmappableQuestionnaire`), never an exception of another
kind. The document still goes through the loader, which validates it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from questionnaires.bank import loader
from questionnaires.exports.fhir.common import (
    DEFAULT_BASE,
    MAX_DECIMALS,
    MAX_VALUE,
    MIN_VALUE,
    ORDINAL_VALUE,
    ext,
    extension_value,
    extensions_of,
    is_placeholder,
    read_text,
)
from questionnaires.exports.fhir.questionnaire import OPERATORS
from questionnaires.scoring.definitions import (
    CHOICE_KINDS,
    KINDS,
    SCHEMA,
    InstrumentDefinition,
)

#: Limits on a Questionnaire from elsewhere (the upload's size is limited before).
MAX_ITEMS = 500
MAX_OPTIONS = 100
MAX_DEPTH = 5
MAX_ENABLE_WHEN = 50
#: Kinds for items of another system's Questionnaire (no item-kind extension).
_KINDS = {
    "choice": "single_choice",
    "integer": "integer",
    "decimal": "number",
    "time": "time_of_day",
    "string": "free_text",
    "text": "free_text",
    "boolean": "yes_no",
}
_OPS = {fhir: op for op, fhir in OPERATORS.items()}


@dataclass(frozen=True)
class QuestionnaireImport:
    """An instrument document read from a Questionnaire, and what could not map."""

    document: dict[str, Any]
    notes: tuple[str, ...] = ()


class UnmappableQuestionnaire(ValueError):
    """The Questionnaire uses something an instrument definition cannot hold."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def questionnaire_to_document(
    resource: Any, *, base: str = DEFAULT_BASE
) -> QuestionnaireImport:
    """A ``hikiscreen.instrument/1`` document from a FHIR R4 Questionnaire.

    Scoring is never in a Questionnaire: the document has none, and an admin adds it
    to the draft before publishing.
    """
    if (
        not isinstance(resource, Mapping)
        or resource.get("resourceType") != "Questionnaire"
    ):
        raise UnmappableQuestionnaire(["resourceType: must be Questionnaire"])
    problems: list[str] = []
    notes: list[str] = []
    extensions = extensions_of(resource)
    code = _instrument_code(resource, base)
    version_text = str(resource.get("version", "1"))
    version = (
        int(version_text)
        if version_text.isdigit() and 0 < int(version_text) < 100_000
        else 1
    )
    if str(version) != version_text:
        notes.append(f"version {version_text!r} is not a whole number: imported as 1")
    licence = extensions.get(ext(base, "licence"), {})
    licence_parts = extensions_of(licence)
    raw_items = resource.get("item", [])
    if not isinstance(raw_items, list):
        problems.append("item: must be a list")
        raw_items = []
    flat = list(_flatten(raw_items, "item", {}, problems, notes, 1, base))
    if len(flat) > MAX_ITEMS:
        raise UnmappableQuestionnaire(
            [f"item: {len(flat)} questions, at most {MAX_ITEMS} are imported"]
        )
    has_text = any(
        i.get("text") and not is_placeholder(i, "text", base) for i, _, _ in flat
    )
    ship_value = extension_value(licence_parts, "textMayShip")
    text_may_ship = ship_value if isinstance(ship_value, bool) else has_text
    items = [
        _definition_item(item, path, section, problems, notes, base)
        for item, path, section in flat
    ]
    codes = [i["code"] for i in items]
    for duplicate in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"item (linkId {duplicate}): linkId used more than once")
    if problems:
        raise UnmappableQuestionnaire(problems)
    attribution = _string(extension_value(licence_parts, "attribution"))
    if not attribution and "textMayShip" not in licence_parts:
        attribution = _string(resource.get("copyright"))
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "code": code,
        "version": version,
        "name": read_text(resource, "title")
        or {"en": _string(resource.get("name")) or code},
        "short_name": _string(
            extension_value(extensions, ext(base, "instrument-short-name"))
        )
        or _string(resource.get("title"))
        or code,
        "audience": _string(
            extension_value(extensions, ext(base, "instrument-audience"))
        )
        or "self",
        "age_min": _integer(
            extension_value(extensions, ext(base, "instrument-age-min"))
        ),
        "age_max": _integer(
            extension_value(extensions, ext(base, "instrument-age-max"))
        ),
        "languages": [
            e["valueCode"]
            for e in _list(resource.get("extension"))
            if isinstance(e, Mapping)
            and e.get("url") == ext(base, "instrument-language")
            and isinstance(e.get("valueCode"), str)
        ]
        or ["en"],
        "citation": _string(
            extension_value(extensions, ext(base, "instrument-citation"))
        ),
        "licence": {
            "text_may_ship": bool(text_may_ship),
            "note": _string(extension_value(licence_parts, "note")),
            "attribution": attribution,
        },
        "changelog": (
            f"Imported from FHIR Questionnaire {_string(resource.get('url'))}"
            f"|{version_text}".strip()
        ),
        "instructions": read_text(resource, "description"),
        "option_sets": {},
        "items": items,
        "scoring": {"total": {"method": "none"}, "bands": [], "flags": []},
    }
    resolve_option_codes(document)
    notes.append("scoring: not part of a Questionnaire; add it to the draft")
    return QuestionnaireImport(document=document, notes=tuple(notes))


def questionnaire_to_definition(
    resource: Any, *, base: str = DEFAULT_BASE
) -> InstrumentDefinition:
    """The definition of a Questionnaire (validated by the loader; no scoring)."""
    return loader.parse(questionnaire_to_document(resource, base=base).document)


def _instrument_code(resource: Mapping[str, Any], base: str) -> str:
    for identifier in _list(resource.get("identifier")):
        if (
            isinstance(identifier, Mapping)
            and identifier.get("system") == f"{base}/instrument"
            and isinstance(identifier.get("value"), str)
            and identifier["value"]
        ):
            return str(identifier["value"])
    url = _string(resource.get("url"))
    if url.startswith(f"{base}/Questionnaire/"):
        return url.rsplit("/", 1)[-1]
    raw = _string(resource.get("name")) or _string(resource.get("id")) or "imported"
    snake = "".join(
        f"_{c.lower()}" if c.isupper() else (c if c.isalnum() else "_") for c in raw
    ).strip("_")[:60]
    return snake if snake[:1].isalpha() else f"q_{snake}"


def _flatten(
    items: Iterable[Any],
    path: str,
    section: dict[str, str],
    problems: list[str],
    notes: list[str],
    depth: int,
    base: str,
) -> Iterable[tuple[Mapping[str, Any], str, dict[str, str]]]:
    """Items in order with their path; a group's text becomes the section of its
    first item."""
    pending = section
    for n, item in enumerate(items):
        here = f"{path}[{n}]"
        if not isinstance(item, Mapping):
            problems.append(f"{here}: must be an object")
            continue
        link_id = item.get("linkId")
        if not isinstance(link_id, str) or not link_id:
            problems.append(f"{here}: linkId must be a non-empty string")
            continue
        here = f"{here} (linkId {link_id})"
        children = item.get("item", [])
        if not isinstance(children, list):
            problems.append(f"{here}.item: must be a list")
            children = []
        if item.get("type") == "group":
            if depth >= MAX_DEPTH:
                problems.append(f"{here}: groups nested deeper than {MAX_DEPTH}")
                continue
            heading = (
                {} if is_placeholder(item, "text", base) else read_text(item, "text")
            )
            yield from _flatten(
                children, f"{here}.item", heading, problems, notes, depth + 1, base
            )
            continue
        if item.get("type") == "display":
            notes.append(f"item {link_id}: display items are not imported")
            continue
        yield item, here, pending
        pending = {}
        if children:
            problems.append(f"{here}: nested items are not supported")


def _definition_item(
    item: Mapping[str, Any],
    path: str,
    section: dict[str, str],
    problems: list[str],
    notes: list[str],
    base: str,
) -> dict[str, Any]:
    link_id = str(item["linkId"])
    extensions = extensions_of(item)
    kind = extension_value(extensions, ext(base, "item-kind"))
    if not isinstance(kind, str) or kind not in KINDS:
        fhir_type = item.get("type")
        kind = _KINDS.get(fhir_type) if isinstance(fhir_type, str) else None
    if kind is None:
        problems.append(f"{path}: type {item.get('type')!r} has no kind")
        kind = "free_text"
    out: dict[str, Any] = {
        "code": link_id,
        "kind": kind,
        "text": {} if is_placeholder(item, "text", base) else read_text(item, "text"),
    }
    for key in ("help", "section"):
        entry = extensions.get(ext(base, f"item-{key}"))
        text = (
            {
                e["url"]: e["valueString"]
                for e in _list(entry.get("extension"))
                if isinstance(e, Mapping)
                and isinstance(e.get("url"), str)
                and isinstance(e.get("valueString"), str)
            }
            if entry
            else (section if key == "section" else {})
        )
        if text:
            out[key] = text
    out["required"] = item.get("required") is True
    if kind in CHOICE_KINDS:
        if "answerValueSet" in item:
            problems.append(
                f"{path}: answerValueSet is not supported, only answerOption"
            )
        out["options"] = _options(item, path, problems, base)
    for key, url in (("min", MIN_VALUE), ("max", MAX_VALUE)):
        entry = extensions.get(url)
        if entry is not None:
            value = entry.get("valueInteger", entry.get("valueDecimal"))
            if _number(value) is None:
                problems.append(f"{path}.extension({url}): must be a number")
            else:
                out[key] = value
    if MAX_DECIMALS in extensions:
        decimals = extensions[MAX_DECIMALS].get("valueInteger")
        if _integer(decimals) is None:
            problems.append(f"{path}.extension({MAX_DECIMALS}): must be an integer")
        else:
            out["decimals"] = decimals
    show_if = extension_value(extensions, ext(base, "item-show-if"))
    enable_when = item.get("enableWhen")
    if isinstance(show_if, str) and show_if:
        try:
            out["show_if"] = json.loads(show_if)
        except ValueError:
            problems.append(f"{path}.extension(item-show-if): not valid JSON")
    elif enable_when:
        out["show_if"] = _condition_from(item, path, problems, notes)
    else:
        out["show_if"] = None
    out["safety"] = extension_value(extensions, ext(base, "item-safety")) is True
    return out


def _options(
    item: Mapping[str, Any], path: str, problems: list[str], base: str
) -> list[dict[str, Any]]:
    entries = item.get("answerOption", [])
    if not isinstance(entries, list):
        problems.append(f"{path}.answerOption: must be a list")
        return []
    if len(entries) > MAX_OPTIONS:
        problems.append(
            f"{path}.answerOption: {len(entries)} options, at most {MAX_OPTIONS}"
        )
        return []
    options = []
    for n, entry in enumerate(entries):
        here = f"{path}.answerOption[{n}]"
        coding_ = entry.get("valueCoding") if isinstance(entry, Mapping) else None
        if not isinstance(coding_, Mapping):
            problems.append(f"{here}: is not a valueCoding")
            continue
        code = coding_.get("code")
        if not isinstance(code, str) or not code:
            problems.append(f"{here}.valueCoding.code: must be a non-empty string")
            continue
        ordinal = extension_value(extensions_of(entry), ORDINAL_VALUE)
        if ordinal is None:
            ordinal = extension_value(extensions_of(coding_), ORDINAL_VALUE)
        if ordinal is None:
            ordinal = int(code) if code.lstrip("-").isdigit() and len(code) < 10 else n
        number = _number(ordinal)
        if number is None or number != int(number):
            problems.append(f"{here}: ordinalValue must be a whole number")
            continue
        options.append(
            {
                "code": code,
                "value": int(number),
                "label": {}
                if is_placeholder(coding_, "display", base)
                else read_text(coding_, "display"),
            }
        )
    if item.get("type") == "boolean" and not options:
        return [
            {"code": "no", "value": 0, "label": {"en": "No"}},
            {"code": "yes", "value": 1, "label": {"en": "Yes"}},
        ]
    return options


def _condition_from(
    item: Mapping[str, Any], path: str, problems: list[str], notes: list[str]
) -> dict[str, Any] | None:
    """The show_if of an item's enableWhen (for Questionnaires from elsewhere)."""
    entries = item["enableWhen"]
    if not isinstance(entries, list) or len(entries) > MAX_ENABLE_WHEN:
        problems.append(
            f"{path}.enableWhen: must be a list of at most {MAX_ENABLE_WHEN}"
        )
        return None
    comparisons: list[dict[str, Any]] = []
    for n, entry in enumerate(entries):
        here = f"{path}.enableWhen[{n}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{here}: must be an object")
            continue
        question = entry.get("question")
        operator = entry.get("operator")
        answer_key = next(
            (k for k in entry if isinstance(k, str) and k.startswith("answer")), None
        )
        if answer_key is None or not isinstance(question, str) or not question:
            problems.append(f"{here}: enableWhen without a question or an answer")
            continue
        if operator != "exists" and operator not in _OPS:
            problems.append(f"{here}.operator: {operator!r} is not supported")
            continue
        answer = entry[answer_key]
        ref = f"item:{question}"
        if operator == "exists":
            if answer is True:
                comparisons.append({"ref": ref, "op": "answered"})
            else:
                notes.append(f"item {item.get('linkId')}: 'exists false' dropped")
            continue
        op = _OPS[operator]
        if answer_key == "answerCoding":
            code = answer.get("code") if isinstance(answer, Mapping) else None
            if not isinstance(code, str):
                problems.append(f"{here}.answerCoding.code: must be a string")
                continue
            comparisons.append({"ref": ref, "op": op, "value": code})
            continue
        if answer_key == "answerBoolean" and isinstance(answer, bool):
            answer = int(answer)
        elif answer_key == "answerTime" and isinstance(answer, str):
            answer = answer[:5]
        elif answer_key in ("answerInteger", "answerDecimal"):
            if _number(answer) is None:
                problems.append(f"{here}.{answer_key}: must be a number")
                continue
        elif answer_key != "answerString" or not isinstance(answer, str):
            problems.append(f"{here}.{answer_key}: not supported")
            continue
        comparisons.append({"ref": ref, "op": op, "value": answer})
    if not comparisons:
        return None
    if len(comparisons) == 1:
        return comparisons[0]
    return {"all" if item.get("enableBehavior") == "all" else "any": comparisons}


def resolve_option_codes(document: dict[str, Any]) -> None:
    """Replace the option codes that enableWhen compared with their values, in place.

    A Coding answer names an option by code; a condition compares values.
    """
    options = {
        i["code"]: {o["code"]: o["value"] for o in i.get("options", [])}
        for i in document["items"]
    }

    def walk(condition: Any) -> None:
        if not isinstance(condition, dict):
            return
        for key in ("any", "all"):
            parts = condition.get(key, [])
            for part in parts if isinstance(parts, list) else []:
                walk(part)
        ref = condition.get("ref", "")
        codes = (
            options.get(ref[5:])
            if isinstance(ref, str) and ref.startswith("item:")
            else None
        )
        if codes and isinstance(condition.get("value"), str):
            condition["value"] = codes.get(condition["value"], condition["value"])

    for item in document["items"]:
        if item.get("show_if"):
            walk(item["show_if"])


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
