"""FHIR R4 (4.0.1) resources from instrument definitions, answers and result snapshots.

Pure functions from the frozen definitions of ``scoring/definitions.py`` and plain
dicts to JSON-ready dicts, and back (:func:`questionnaire_to_document`). Nothing here
touches the database.

The mapping (docs/exports.md has the full table):

- An instrument version is a ``Questionnaire``: ``url`` and ``identifier`` from the
  instrument code, ``version`` its number, one item per instrument item with
  ``linkId`` = item code. Choice items list ``answerOption.valueCoding`` with the option
  code and the scored value as an ``ordinalValue`` extension on the coding.
- Branching (``show_if``) becomes ``enableWhen`` where it maps exactly: comparisons on
  an earlier item, alone, under ``any`` (``enableBehavior`` any) or under ``all``
  (all). A comparison on a choice item becomes ``=`` on each option code whose value
  satisfies it, so the missing-answer rule (false) holds. What does not map (``age``,
  scores, ``derived:*``, nested ``any``/``all``) has no ``enableWhen``; every
  ``show_if`` is also kept verbatim in the ``item-show-if`` extension.
- Item text and option labels are exported only when the licence lets the text ship;
  text an admin entered under the organisation's own licence never leaves.
- A submitted part's answers to one instrument are a ``QuestionnaireResponse``; each
  score of the result snapshot, the outcome and each raised flag an ``Observation``;
  a screening is a ``Bundle`` of type ``collection``.
- Scoring rules (totals, bands, flag rules) have no standard Questionnaire element and
  are not exported: an imported Questionnaire becomes a draft without scoring.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from questionnaires.bank import loader
from questionnaires.scoring.definitions import (
    CHOICE_KINDS,
    SCHEMA,
    AnyOf,
    Comparison,
    Condition,
    InstrumentDefinition,
    Item,
    Option,
)

FHIR_VERSION = "4.0.1"
#: Canonical base of HikiScreen's URLs and code systems: an identifier, not an
#: address that has to resolve (override with the FHIR_CANONICAL_BASE setting).
DEFAULT_BASE = "http://hikiscreen.org/fhir"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MAX_DECIMALS = "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

_TYPES = {
    "likert": "choice",
    "single_choice": "choice",
    "yes_no": "choice",
    "integer": "integer",
    "age": "integer",
    "number": "decimal",
    "months": "decimal",
    "time_of_day": "time",
    "free_text": "text",
}
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
_OPERATORS = {"eq": "=", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
_OPS = {fhir: op for op, fhir in _OPERATORS.items()}
_STATUSES = {"draft": "draft", "published": "active", "retired": "retired"}
_ROLE_NAMES = {
    "self": "Patient (self-report)",
    "informant": "Family member (informant)",
    "clinician": "Clinician",
}


def ext(base: str, name: str) -> str:
    """The URL of one of HikiScreen's own extensions."""
    return f"{base}/StructureDefinition/{name}"


def questionnaire_url(code: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}/Questionnaire/{code}"


def canonical(definition: InstrumentDefinition, base: str = DEFAULT_BASE) -> str:
    """The versioned canonical reference ``url|version`` of a Questionnaire."""
    return f"{questionnaire_url(definition.code, base)}|{definition.version}"


def option_system(instrument: str, item: str, base: str = DEFAULT_BASE) -> str:
    """The code system of one item's option codes (codes are unique per item)."""
    return f"{base}/CodeSystem/{instrument}/{item}"


def resource_id(text: str) -> str:
    """A valid FHIR id (``[A-Za-z0-9\\-.]{1,64}``) from a code."""
    return text.replace("_", "-")[:64]


# -- Questionnaire ----------------------------------------------------------------


def questionnaire(
    definition: InstrumentDefinition,
    *,
    status: str = "published",
    date: str | None = None,
    base: str = DEFAULT_BASE,
) -> dict[str, Any]:
    """An instrument version as a FHIR R4 Questionnaire (``status``: bank status)."""
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
    ]
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": resource_id(f"{definition.code}-v{definition.version}"),
        "extension": extensions,
        "url": questionnaire_url(definition.code, base),
        "identifier": [{"system": f"{base}/instrument", "value": definition.code}],
        "version": str(definition.version),
        "name": "".join(p.capitalize() for p in definition.code.split("_")),
        **_text("title", definition.name),
        "status": _STATUSES.get(status, "draft"),
        "subjectType": ["Patient"],
    }
    if date:
        resource["date"] = date
    resource.update(_text("description", definition.instructions))
    copyright_ = "\n\n".join(t for t in (licence.attribution, licence.note) if t)
    if copyright_:
        resource["copyright"] = copyright_
    by_code = {item.code: item for item in definition.items}
    resource["item"] = [
        _questionnaire_item(definition, item, by_code, ship=ship, base=base)
        for item in definition.items
    ]
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
    number = "valueInteger" if _TYPES[item.kind] == "integer" else "valueDecimal"
    for url, value in ((MIN_VALUE, item.min), (MAX_VALUE, item.max)):
        if value is not None:
            extensions.append({"url": url, number: _typed(number, value)})
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
    if ship:
        out.update(_text("text", item.text))
    out["type"] = _TYPES[item.kind]
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
            {"valueCoding": coding(definition.code, item, o, ship=ship, base=base)}
            for o in item.options
        ]
    return out


def coding(
    instrument: str, item: Item, option: Option, *, ship: bool, base: str
) -> dict[str, Any]:
    """An option as a Coding, its scored value as the ``ordinalValue`` extension."""
    out: dict[str, Any] = {
        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.value}],
        "system": option_system(instrument, item.code, base),
        "code": option.code,
    }
    if ship and option.label:
        out.update(_text("display", option.label))
    return out


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
    key = _ANSWER_KEYS[_TYPES[item.kind]]
    value = comparison.value
    if comparison.op == "in" and isinstance(value, tuple):
        return [
            {"question": question, "operator": "=", key: _typed(key, v)} for v in value
        ], "any"
    if comparison.op == "between" and isinstance(value, tuple):
        low, high = value
        return [
            {"question": question, "operator": ">=", key: _typed(key, low)},
            {"question": question, "operator": "<", key: _typed(key, high)},
        ], "all"
    if comparison.op in _OPERATORS and value is not None:
        entry = {
            "question": question,
            "operator": _OPERATORS[comparison.op],
            key: _typed(key, value),
        }
        return [entry], "any"
    return None


_ANSWER_KEYS = {
    "integer": "answerInteger",
    "decimal": "answerDecimal",
    "time": "answerTime",
    "text": "answerString",
}


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


def _typed(key: str, value: Any) -> Any:
    if key in ("answerTime", "valueTime"):
        return f"{value}:00" if isinstance(value, str) and len(value) == 5 else value
    if key in ("answerInteger", "valueInteger"):
        return int(value)
    if key in ("answerString", "valueString"):
        return str(value)
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _text(key: str, text: Mapping[str, str]) -> dict[str, Any]:
    """``key`` in English plus ``_key`` with the translation extension."""
    if not text.get("en"):
        return {}
    out: dict[str, Any] = {key: text["en"]}
    others = [(lang, value) for lang, value in text.items() if lang != "en" and value]
    if others:
        out[f"_{key}"] = {
            "extension": [
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": lang},
                        {"url": "content", "valueString": value},
                    ],
                }
                for lang, value in others
            ]
        }
    return out


# -- QuestionnaireResponse, Observation, Bundle -----------------------------------


@dataclass(frozen=True)
class PartAnswers:
    """One submitted part: who answered, when, and the answers per instrument."""

    role: str
    submitted_at: str  # ISO 8601 with time zone
    definitions: Sequence[InstrumentDefinition]
    answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def questionnaire_response(
    definition: InstrumentDefinition,
    answers: Mapping[str, Any],
    *,
    resource_id: str,
    authored: str,
    subject: Mapping[str, Any] | None = None,
    source: Mapping[str, Any] | None = None,
    base: str = DEFAULT_BASE,
) -> dict[str, Any]:
    """The answers to one instrument version as a completed QuestionnaireResponse."""
    ship = definition.licence.text_may_ship
    items = []
    for item in definition.items:
        value = answers.get(item.code)
        if value is None:
            continue
        items.append(
            {
                "linkId": item.code,
                "answer": [_answer(definition, item, value, ship, base)],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": resource_id,
        "questionnaire": canonical(definition, base),
        "status": "completed",
    }
    if subject is not None:
        resource["subject"] = dict(subject)
    resource["authored"] = authored
    if source is not None:
        resource["source"] = dict(source)
    resource["item"] = items
    return resource


def _answer(
    definition: InstrumentDefinition, item: Item, value: Any, ship: bool, base: str
) -> dict[str, Any]:
    if item.kind in CHOICE_KINDS:
        option = next((o for o in item.options if o.value == value), None)
        if option is not None:
            return {
                "valueCoding": coding(
                    definition.code, item, option, ship=ship, base=base
                )
            }
        return {"valueInteger": int(value)}
    key = {
        "integer": "valueInteger",
        "decimal": "valueDecimal",
        "time": "valueTime",
        "text": "valueString",
    }[_TYPES[item.kind]]
    return {key: _typed(key, value)}


def score_observations(
    definition: InstrumentDefinition,
    scores: Mapping[str, Any],
    *,
    id_prefix: str,
    effective: str,
    subject: Mapping[str, Any] | None = None,
    derived_from: str | None = None,
    base: str = DEFAULT_BASE,
) -> list[dict[str, Any]]:
    """One Observation per score of one instrument (total with its band, subscales).

    ``scores`` is the instrument's entry of the result snapshot (DESIGN.md §3). A
    score that is null (incomplete answers) has no Observation.
    """
    code = definition.code
    name = definition.short_name or definition.name.get("en", code)
    observations = []
    total = scores.get("total")
    if total is not None:
        observation = _observation(
            f"{id_prefix}-total",
            f"{code}.total",
            f"{name} total score",
            _number_value(total),
            effective=effective,
            subject=subject,
            derived_from=derived_from,
            base=base,
        )
        band = scores.get("band")
        if band:
            labels = {
                b.code: b.label.get("en", b.code) for b in definition.scoring.bands
            }
            observation["interpretation"] = [
                {
                    "coding": [
                        {
                            "system": f"{base}/CodeSystem/{code}/bands",
                            "code": band,
                            "display": labels.get(band, band),
                        }
                    ],
                    "text": labels.get(band, band),
                }
            ]
        observations.append(observation)
    labels = {s.code: s.label.get("en", s.code) for s in definition.scoring.subscales}
    for sub_code, value in (scores.get("subscales") or {}).items():
        if value is None:
            continue
        observations.append(
            _observation(
                f"{id_prefix}-{resource_id(sub_code)}",
                f"{code}.subscale.{sub_code}",
                f"{name} subscale: {labels.get(sub_code, sub_code)}",
                _number_value(value),
                effective=effective,
                subject=subject,
                derived_from=derived_from,
                base=base,
            )
        )
    return observations


def _number_value(value: Any) -> dict[str, Any]:
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return {"valueInteger": int(value)}
    return {"valueDecimal": value}


def _observation(
    key: str,
    code: str,
    display: str,
    value: Mapping[str, Any],
    *,
    effective: str,
    subject: Mapping[str, Any] | None,
    derived_from: str | Sequence[str] | None,
    base: str,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": key,
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {
            "coding": [
                {
                    "system": f"{base}/CodeSystem/scores",
                    "code": code,
                    "display": display,
                }
            ],
            "text": display,
        },
    }
    if subject is not None:
        resource["subject"] = dict(subject)
    resource["effectiveDateTime"] = effective
    resource.update(value)
    if derived_from:
        sources = [derived_from] if isinstance(derived_from, str) else derived_from
        resource["derivedFrom"] = [{"reference": s} for s in sources]
    return resource


def screening_bundle(
    *,
    screening_id: int,
    parts: Sequence[PartAnswers],
    result: Mapping[str, Any] | None,
    timestamp: str,
    subject: Mapping[str, Any] | None = None,
    base: str = DEFAULT_BASE,
) -> dict[str, Any]:
    """A screening as a collection Bundle: a QuestionnaireResponse per instrument of
    each submitted part, an Observation per score, the outcome and each raised flag."""
    entries: list[dict[str, Any]] = []
    responses: list[str] = []
    instruments = (result or {}).get("instruments", {})
    for part in parts:
        source = (
            dict(subject)
            if part.role == "self" and subject is not None
            else {"display": _ROLE_NAMES.get(part.role, part.role)}
        )
        for definition in part.definitions:
            key = _uuid(base, f"screening/{screening_id}/{part.role}/{definition.code}")
            full_url = f"urn:uuid:{key}"
            responses.append(full_url)
            entries.append(
                {
                    "fullUrl": full_url,
                    "resource": questionnaire_response(
                        definition,
                        part.answers.get(definition.code, {}),
                        resource_id=key,
                        authored=part.submitted_at,
                        subject=subject,
                        source=source,
                        base=base,
                    ),
                }
            )
            scores = instruments.get(definition.code)
            if scores:
                entries += _entries(
                    score_observations(
                        definition,
                        scores,
                        id_prefix=f"s{screening_id}-{resource_id(definition.code)}",
                        effective=part.submitted_at,
                        subject=subject,
                        derived_from=full_url,
                        base=base,
                    ),
                    base,
                )
    if result and parts:
        effective = max(p.submitted_at for p in parts)
        entries += _entries(
            _result_observations(
                screening_id, result, effective, subject, responses, base
            ),
            base,
        )
    return {
        "resourceType": "Bundle",
        "id": _uuid(base, f"screening/{screening_id}/bundle"),
        "type": "collection",
        "timestamp": timestamp,
        "entry": entries,
    }


def _result_observations(
    screening_id: int,
    result: Mapping[str, Any],
    effective: str,
    subject: Mapping[str, Any] | None,
    responses: Sequence[str],
    base: str,
) -> list[dict[str, Any]]:
    observations = []
    outcome = result.get("outcome") or {}
    category = outcome.get("category")
    if category:
        observation = _observation(
            f"s{screening_id}-outcome",
            "screening.outcome",
            "Screening outcome (not a diagnosis)",
            {
                "valueCodeableConcept": {
                    "coding": [
                        {"system": f"{base}/CodeSystem/outcome", "code": category}
                    ],
                    "text": category.replace("_", " "),
                }
            },
            effective=effective,
            subject=subject,
            derived_from=responses,
            base=base,
        )
        if outcome.get("recommendation"):
            observation["note"] = [{"text": outcome["recommendation"]}]
        observations.append(observation)
    for flag in result.get("flags", []):
        observations.append(
            _observation(
                f"s{screening_id}-flag-{resource_id(flag['code'])}",
                f"flag.{flag['code']}",
                f"Flag: {flag['code'].replace('_', ' ')}",
                {
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": f"{base}/CodeSystem/flag-severity",
                                "code": flag["severity"],
                            }
                        ],
                        "text": flag["severity"],
                    }
                },
                effective=effective,
                subject=subject,
                derived_from=responses,
                base=base,
            )
        )
    return observations


def _entries(resources: Iterable[dict[str, Any]], base: str) -> list[dict[str, Any]]:
    return [
        {"fullUrl": f"urn:uuid:{_uuid(base, 'resource/' + r['id'])}", "resource": r}
        for r in resources
    ]


def _uuid(base: str, name: str) -> str:
    # Deterministic: the same screening exported twice gives the same ids.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/{name}"))


# -- import -----------------------------------------------------------------------


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
    resource: Mapping[str, Any], *, base: str = DEFAULT_BASE
) -> QuestionnaireImport:
    """A ``hikiscreen.instrument/1`` document from a FHIR R4 Questionnaire.

    Reads what this module writes (HikiScreen's extensions make that lossless for
    everything but scoring) and, where it maps, a Questionnaire from elsewhere: flat or
    grouped items of type choice, integer, decimal, time, string, text and boolean,
    inline answer options, and ``enableWhen``. The document still goes through the
    loader, which validates it. Scoring is never in a Questionnaire: the document has
    none, and an admin adds it to the draft before publishing.
    """
    if resource.get("resourceType") != "Questionnaire":
        raise UnmappableQuestionnaire(["resourceType: must be Questionnaire"])
    problems: list[str] = []
    notes: list[str] = []
    extensions = _extensions(resource)
    code = _instrument_code(resource, base)
    version_text = str(resource.get("version", "1"))
    version = (
        int(version_text) if version_text.isdigit() and int(version_text) > 0 else 1
    )
    if str(version) != version_text:
        notes.append(f"version {version_text!r} is not a whole number: imported as 1")
    licence = extensions.get(ext(base, "licence"), {})
    licence_parts = {e["url"]: e for e in licence.get("extension", [])}
    flat = list(_flatten(resource.get("item", []), {}, problems, notes))
    has_text = any(i.get("text") for i, _ in flat)
    text_may_ship = (
        licence_parts["textMayShip"]["valueBoolean"]
        if "textMayShip" in licence_parts
        else has_text
    )
    items = [
        _definition_item(code, item, section, problems, notes, base)
        for item, section in flat
    ]
    if problems:
        raise UnmappableQuestionnaire(problems)
    attribution = licence_parts.get("attribution", {}).get("valueString")
    if attribution is None and "textMayShip" not in licence_parts:
        attribution = resource.get("copyright", "")
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "code": code,
        "version": version,
        "name": _read_text(resource, "title") or {"en": resource.get("name") or code},
        "short_name": _value(extensions, ext(base, "instrument-short-name"))
        or resource.get("title")
        or code,
        "audience": _value(extensions, ext(base, "instrument-audience")) or "self",
        "age_min": _value(extensions, ext(base, "instrument-age-min")),
        "age_max": _value(extensions, ext(base, "instrument-age-max")),
        "languages": [
            e["valueCode"]
            for e in resource.get("extension", [])
            if e.get("url") == ext(base, "instrument-language")
        ]
        or ["en"],
        "citation": _value(extensions, ext(base, "instrument-citation")) or "",
        "licence": {
            "text_may_ship": bool(text_may_ship),
            "note": licence_parts.get("note", {}).get("valueString", ""),
            "attribution": attribution or "",
        },
        "changelog": (
            f"Imported from FHIR Questionnaire {resource.get('url', '')}"
            f"|{version_text}".strip()
        ),
        "instructions": _read_text(resource, "description"),
        "option_sets": {},
        "items": items,
        "scoring": {"total": {"method": "none"}, "bands": [], "flags": []},
    }
    resolve_option_codes(document)
    notes.append("scoring: not part of a Questionnaire; add it to the draft")
    return QuestionnaireImport(document=document, notes=tuple(notes))


def questionnaire_to_definition(
    resource: Mapping[str, Any], *, base: str = DEFAULT_BASE
) -> InstrumentDefinition:
    """The definition of a Questionnaire (validated by the loader; no scoring)."""
    return loader.parse(questionnaire_to_document(resource, base=base).document)


def _instrument_code(resource: Mapping[str, Any], base: str) -> str:
    for identifier in resource.get("identifier", []):
        if identifier.get("system") == f"{base}/instrument" and identifier.get("value"):
            return str(identifier["value"])
    url = str(resource.get("url", ""))
    if url.startswith(f"{base}/Questionnaire/"):
        return url.rsplit("/", 1)[-1]
    raw = str(resource.get("name") or resource.get("id") or "imported")
    snake = "".join(
        f"_{c.lower()}" if c.isupper() else (c if c.isalnum() else "_") for c in raw
    ).strip("_")
    return snake if snake[:1].isalpha() else f"q_{snake}"


def _flatten(
    items: Iterable[Mapping[str, Any]],
    section: dict[str, str],
    problems: list[str],
    notes: list[str],
) -> Iterable[tuple[Mapping[str, Any], dict[str, str]]]:
    """Items in order; a group's text becomes the section of its first item."""
    pending = section
    for item in items:
        if item.get("type") == "group":
            heading = _read_text(item, "text")
            yield from _flatten(item.get("item", []), heading, problems, notes)
            continue
        if item.get("type") == "display":
            notes.append(f"item {item.get('linkId')}: display items are not imported")
            continue
        yield item, pending
        pending = {}
        if item.get("item"):
            problems.append(
                f"item {item.get('linkId')}: nested items are not supported"
            )


def _definition_item(
    instrument: str,
    item: Mapping[str, Any],
    section: dict[str, str],
    problems: list[str],
    notes: list[str],
    base: str,
) -> dict[str, Any]:
    link_id = str(item.get("linkId", ""))
    extensions = _extensions(item)
    kind = _value(extensions, ext(base, "item-kind")) or _KINDS.get(
        item.get("type", "")
    )
    if kind is None:
        problems.append(f"item {link_id}: type {item.get('type')!r} has no kind")
        kind = "free_text"
    out: dict[str, Any] = {
        "code": link_id,
        "kind": kind,
        "text": _read_text(item, "text"),
    }
    for key in ("help", "section"):
        entry = extensions.get(ext(base, f"item-{key}"))
        text = (
            {e["url"]: e["valueString"] for e in entry.get("extension", [])}
            if entry
            else (section if key == "section" else {})
        )
        if text:
            out[key] = text
    out["required"] = bool(item.get("required", False))
    if kind in CHOICE_KINDS:
        if "answerValueSet" in item:
            problems.append(
                f"item {link_id}: answerValueSet is not supported, only answerOption"
            )
        out["options"] = _options(item, link_id, problems)
    for key, url in (("min", MIN_VALUE), ("max", MAX_VALUE)):
        entry = extensions.get(url)
        if entry is not None:
            out[key] = entry.get("valueInteger", entry.get("valueDecimal"))
    if MAX_DECIMALS in extensions:
        out["decimals"] = extensions[MAX_DECIMALS]["valueInteger"]
    show_if = _value(extensions, ext(base, "item-show-if"))
    if show_if:
        out["show_if"] = json.loads(show_if)
    elif item.get("enableWhen"):
        out["show_if"] = _condition_from(item, problems, notes)
    else:
        out["show_if"] = None
    out["safety"] = bool(_value(extensions, ext(base, "item-safety")))
    return out


def _options(
    item: Mapping[str, Any], link_id: str, problems: list[str]
) -> list[dict[str, Any]]:
    options = []
    for n, entry in enumerate(item.get("answerOption", [])):
        coding_ = entry.get("valueCoding")
        if coding_ is None:
            problems.append(f"item {link_id}: answerOption[{n}] is not a valueCoding")
            continue
        ordinal = _value(_extensions(coding_), ORDINAL_VALUE)
        if ordinal is None:
            ordinal = _value(_extensions(entry), ORDINAL_VALUE)
        code = str(coding_.get("code", ""))
        if ordinal is None:
            ordinal = int(code) if code.lstrip("-").isdigit() else n
        options.append(
            {
                "code": code,
                "value": int(ordinal),
                "label": _read_text(coding_, "display"),
            }
        )
    if item.get("type") == "boolean" and not options:
        return [
            {"code": "no", "value": 0, "label": {"en": "No"}},
            {"code": "yes", "value": 1, "label": {"en": "Yes"}},
        ]
    return options


def _condition_from(
    item: Mapping[str, Any], problems: list[str], notes: list[str]
) -> dict[str, Any] | None:
    """The show_if of an item's enableWhen (for Questionnaires from elsewhere)."""
    comparisons = []
    for entry in item["enableWhen"]:
        question = entry.get("question")
        operator = entry.get("operator")
        answer_key = next((k for k in entry if k.startswith("answer")), None)
        if answer_key is None or question is None:
            problems.append(f"item {item.get('linkId')}: enableWhen without an answer")
            continue
        answer = entry[answer_key]
        ref = f"item:{question}"
        if operator == "exists":
            if answer is True:
                comparisons.append({"ref": ref, "op": "answered"})
            else:
                notes.append(f"item {item.get('linkId')}: 'exists false' dropped")
            continue
        if answer_key == "answerCoding":
            comparisons.append(
                {
                    "ref": ref,
                    "op": _OPS.get(operator, "eq"),
                    "value": answer.get("code"),
                }
            )
            continue
        if answer_key == "answerTime" and isinstance(answer, str):
            answer = answer[:5]
        if answer_key == "answerBoolean":
            answer = int(bool(answer))
        comparisons.append(
            {"ref": ref, "op": _OPS.get(operator, "eq"), "value": answer}
        )
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

    def walk(condition: dict[str, Any]) -> None:
        for key in ("any", "all"):
            for part in condition.get(key, []):
                walk(part)
        ref = condition.get("ref", "")
        codes = options.get(ref[5:]) if ref.startswith("item:") else None
        if codes and isinstance(condition.get("value"), str):
            condition["value"] = codes.get(condition["value"], condition["value"])

    for item in document["items"]:
        if item.get("show_if"):
            walk(item["show_if"])


def _extensions(element: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["url"]: e for e in element.get("extension", []) if "url" in e}


def _value(extensions: Mapping[str, Mapping[str, Any]], url: str) -> Any:
    entry = extensions.get(url)
    if entry is None:
        return None
    return next((v for k, v in entry.items() if k.startswith("value")), None)


def _read_text(element: Mapping[str, Any], key: str) -> dict[str, str]:
    text = element.get(key)
    if not text:
        return {}
    out = {"en": str(text)}
    for translation in element.get(f"_{key}", {}).get("extension", []):
        if translation.get("url") != TRANSLATION:
            continue
        parts = {e["url"]: e for e in translation.get("extension", [])}
        lang = parts.get("lang", {}).get("valueCode")
        content = parts.get("content", {}).get("valueString")
        if lang and content:
            out[lang] = content
    return out


__all__ = [
    "DEFAULT_BASE",
    "FHIR_VERSION",
    "PartAnswers",
    "QuestionnaireImport",
    "UnmappableQuestionnaire",
    "coding",
    "enable_when",
    "option_system",
    "questionnaire",
    "questionnaire_response",
    "questionnaire_to_definition",
    "questionnaire_to_document",
    "questionnaire_url",
    "resolve_option_codes",
    "score_observations",
    "screening_bundle",
]
