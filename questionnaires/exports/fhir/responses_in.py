"""A FHIR R4 QuestionnaireResponse (or a Bundle of them) read as answers.

Each response names the Questionnaire version it answers (``questionnaire`` =
``url|version``, the canonical that ``questionnaire.py`` writes); the caller passes
the definitions it may answer. Every answer is checked as a typed answer would be
(``scoring.engine.check_value``): a choice by its option code (``valueCoding.code``;
``display`` and the item's ``text`` are ignored), integers as ``valueInteger``,
numbers as ``valueDecimal`` or ``valueInteger``, times as ``HH:MM`` or ``HH:MM:SS``
(seconds 00), text as ``valueString``. Answers to items not enabled, unknown
linkIds, repeated answers and required enabled items left unanswered are problems.
All problems are raised together (:class:`ResponseProblems`), each naming the
response and the linkId; nothing partial is returned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires.bank import flow
from questionnaires.exports.fhir.common import DEFAULT_BASE, option_system
from questionnaires.scoring.definitions import CHOICE_KINDS, InstrumentDefinition, Item
from questionnaires.scoring.engine import check_value

#: At most this many responses in one Bundle, and items in one response.
MAX_RESPONSES = 100
MAX_ITEMS = 1000
_TIME = re.compile(r"([0-9]{2}:[0-9]{2})(?::00)?\Z")
_STATUSES = ("completed", "amended")

#: Finds the definition a canonical names: (instrument code, version) -> definition.
Lookup = Callable[[str, int], InstrumentDefinition | None]


@dataclass(frozen=True)
class ImportedResponse:
    """One response's answers to one instrument version, checked."""

    definition: InstrumentDefinition
    answers: dict[str, Any]
    authored: str = ""
    source: dict[str, Any] = field(default_factory=dict)


class ResponseProblems(ValueError):
    """What is wrong with the responses: every problem, each with its linkId."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def read_responses(
    resource: Any, lookup: Lookup, *, age: int, base: str = DEFAULT_BASE
) -> list[ImportedResponse]:
    """The answers of a QuestionnaireResponse, or of every response in a Bundle.

    ``age`` is the screening's age (a ``show_if`` may read it). Two responses to
    the same instrument are a problem: one screening part answers it once.
    """
    problems: list[str] = []
    responses = _responses(resource, problems)
    out: list[ImportedResponse] = []
    seen: set[str] = set()
    for where, response in responses:
        imported = _read_one(where, response, lookup, age, base, problems)
        if imported is None:
            continue
        code = imported.definition.code
        if code in seen:
            problems.append(f"{where}: a second response to {code}")
        seen.add(code)
        out.append(imported)
    if problems:
        raise ResponseProblems(problems)
    return out


def _responses(
    resource: Any, problems: list[str]
) -> list[tuple[str, Mapping[str, Any]]]:
    if not isinstance(resource, Mapping):
        problems.append("resource: must be a JSON object")
        return []
    kind = resource.get("resourceType")
    if kind == "QuestionnaireResponse":
        return [("QuestionnaireResponse", resource)]
    if kind != "Bundle":
        problems.append("resourceType: must be QuestionnaireResponse or Bundle")
        return []
    entries = resource.get("entry")
    if not isinstance(entries, list):
        problems.append("Bundle.entry: must be a list")
        return []
    found: list[tuple[str, Mapping[str, Any]]] = []
    for n, entry in enumerate(entries):
        inner = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(inner, Mapping):
            problems.append(f"Bundle.entry[{n}]: no resource")
        elif inner.get("resourceType") == "QuestionnaireResponse":
            found.append((f"Bundle.entry[{n}]", inner))
    if not found:
        problems.append("Bundle: holds no QuestionnaireResponse")
    if len(found) > MAX_RESPONSES:
        problems.append(f"Bundle: {len(found)} responses, at most {MAX_RESPONSES}")
        return []
    return found


def _read_one(
    where: str,
    response: Mapping[str, Any],
    lookup: Lookup,
    age: int,
    base: str,
    problems: list[str],
) -> ImportedResponse | None:
    start = len(problems)
    status = response.get("status")
    if status not in _STATUSES:
        problems.append(f"{where}.status: {status!r}, must be completed or amended")
    definition = _definition(
        where, response.get("questionnaire"), lookup, base, problems
    )
    if definition is None:
        return None
    items = response.get("item", [])
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        problems.append(f"{where}.item: must be a list of at most {MAX_ITEMS}")
        return None
    known = definition.index.items
    answers: dict[str, Any] = {}
    for n, entry in enumerate(items):
        here = f"{where}.item[{n}]"
        link_id = entry.get("linkId") if isinstance(entry, Mapping) else None
        if not isinstance(link_id, str) or not link_id:
            problems.append(f"{here}: linkId must be a non-empty string")
            continue
        here = f"{where} linkId {link_id}"
        item = known.get(link_id)
        if item is None:
            problems.append(
                f"{here}: no such item in {definition.code} v{definition.version}"
            )
            continue
        if link_id in answers:
            problems.append(f"{here}: answered more than once")
            continue
        if entry.get("item"):
            problems.append(f"{here}: nested items are not supported")
            continue
        given = entry.get("answer", [])
        if not isinstance(given, list) or len(given) > 1:
            problems.append(f"{here}: at most one answer (the item does not repeat)")
            continue
        if not given:
            continue  # no answer: not answered
        value = _value(definition, item, given[0], base, here, problems)
        if value is not None:
            problem = check_value(item, value, age)
            if problem is not None:
                problems.append(f"{here}: {problem}")
            else:
                answers[link_id] = value
    shown = flow.shown_items(definition, answers, age)
    for code in answers:
        if code not in shown:
            problems.append(
                f"{where} linkId {code}: answered, but the item is not enabled"
            )
    already = " ".join(problems[start:])
    for item in definition.items:
        unanswered = item.code in shown and item.code not in answers
        if item.required and unanswered and f"linkId {item.code}:" not in already:
            problems.append(f"{where} linkId {item.code}: required, not answered")
    if len(problems) > start:
        return None
    source = response.get("source")
    authored = response.get("authored")
    return ImportedResponse(
        definition=definition,
        answers=answers,
        authored=authored if isinstance(authored, str) else "",
        source=dict(source) if isinstance(source, Mapping) else {},
    )


def _definition(
    where: str, canonical: Any, lookup: Lookup, base: str, problems: list[str]
) -> InstrumentDefinition | None:
    prefix = f"{base}/Questionnaire/"
    if not isinstance(canonical, str) or "|" not in canonical:
        problems.append(f"{where}.questionnaire: must be a canonical url|version")
        return None
    url, _, version = canonical.partition("|")
    code = url[len(prefix) :] if url.startswith(prefix) else ""
    if not code or not version.isdigit() or len(version) > 6:
        problems.append(
            f"{where}.questionnaire: {canonical!r} names no HikiScreen "
            f"Questionnaire version ({prefix}<code>|<version>)"
        )
        return None
    definition = lookup(code, int(version))
    if definition is None:
        problems.append(
            f"{where}.questionnaire: {code} v{version} is not an instrument "
            "version of this screening"
        )
    return definition


def _value(
    definition: InstrumentDefinition,
    item: Item,
    answer: Any,
    base: str,
    here: str,
    problems: list[str],
) -> Any:
    """The stored value of one answer, or None (with a problem)."""
    if not isinstance(answer, Mapping):
        problems.append(f"{here}: answer must be an object")
        return None
    keys = [k for k in answer if isinstance(k, str) and k.startswith("value")]
    if len(keys) != 1:
        problems.append(f"{here}: answer must hold exactly one value[x]")
        return None
    key, raw = keys[0], answer[keys[0]]
    kind = item.kind
    if kind in CHOICE_KINDS:
        if key != "valueCoding" or not isinstance(raw, Mapping):
            problems.append(f"{here}: expected valueCoding, got {key}")
            return None
        system, code = raw.get("system"), raw.get("code")
        if system is not None and system != option_system(
            definition.code, item.code, base
        ):
            problems.append(f"{here}: valueCoding.system {system!r} is not this item's")
            return None
        option = next((o for o in item.options if o.code == code), None)
        if option is None:
            codes = ", ".join(o.code for o in item.options)
            problems.append(f"{here}: option code {code!r} is not one of {codes}")
            return None
        return option.value
    expected = {
        "integer": ("valueInteger",),
        "age": ("valueInteger",),
        "number": ("valueDecimal", "valueInteger"),
        "months": ("valueDecimal", "valueInteger"),
        "time_of_day": ("valueTime",),
        "free_text": ("valueString",),
    }[kind]
    if key not in expected:
        problems.append(f"{here}: expected {' or '.join(expected)}, got {key}")
        return None
    if kind == "time_of_day":
        match = _TIME.match(raw) if isinstance(raw, str) else None
        if match is None:
            problems.append(f"{here}: expected a time HH:MM or HH:MM:00, got {raw!r}")
            return None
        return match.group(1)
    return raw
