"""Names and small helpers every FHIR module shares (no database, no FHIR library)."""

from __future__ import annotations

import html
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
LOINC = "http://loinc.org"

#: FHIR item type of each item kind.
TYPES = {
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
#: The answer value key of each non-choice FHIR item type.
VALUE_KEYS = {
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "time": "valueTime",
    "text": "valueString",
    "string": "valueString",
}


def ext(base: str, name: str) -> str:
    """The URL of one of HikiScreen's own extensions."""
    return f"{base}/StructureDefinition/{name}"


def questionnaire_url(code: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}/Questionnaire/{code}"


def option_system(instrument: str, item: str, base: str = DEFAULT_BASE) -> str:
    """The code system of one item's option codes (codes are unique per item)."""
    return f"{base}/CodeSystem/{instrument}/{item}"


def resource_id(text: str) -> str:
    """A valid FHIR id (``[A-Za-z0-9\\-.]{1,64}``) from a code."""
    return text.replace("_", "-")[:64]


def stable_uuid(base: str, name: str) -> str:
    """A UUID (v5) from a stable key: the same thing exported twice keeps its id,
    and no database key can be read from it."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/{name}"))


def typed(key: str, value: Any) -> Any:
    """``value`` as the JSON type of FHIR element ``key`` (times as HH:MM:SS)."""
    if key in ("answerTime", "valueTime"):
        return f"{value}:00" if isinstance(value, str) and len(value) == 5 else value
    if key in ("answerInteger", "valueInteger"):
        return int(value)
    if key in ("answerString", "valueString"):
        return str(value)
    return int(value) if isinstance(value, float) and value.is_integer() else value


def text_element(key: str, text: Mapping[str, str]) -> dict[str, Any]:
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


def placeholder(key: str, label: str, base: str) -> dict[str, Any]:
    """``key`` holding a neutral stand-in for licensed text, marked as such with
    the ``placeholder`` extension on the primitive (``_key``)."""
    return {
        key: label,
        f"_{key}": {
            "extension": [{"url": ext(base, "placeholder"), "valueBoolean": True}]
        },
    }


def is_placeholder(element: Mapping[str, Any], key: str, base: str) -> bool:
    meta = element.get(f"_{key}")
    if not isinstance(meta, Mapping):
        return False
    return any(
        isinstance(e, Mapping) and e.get("url") == ext(base, "placeholder")
        for e in as_list(meta.get("extension"))
    )


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty list (input from elsewhere)."""
    return value if isinstance(value, list) else []


def extensions_of(element: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(element, Mapping):
        return {}
    return {
        e["url"]: e
        for e in as_list(element.get("extension"))
        if isinstance(e, dict) and isinstance(e.get("url"), str)
    }


def extension_value(extensions: Mapping[str, Mapping[str, Any]], url: str) -> Any:
    entry = extensions.get(url)
    if entry is None:
        return None
    return next((v for k, v in entry.items() if k.startswith("value")), None)


def read_text(element: Mapping[str, Any], key: str) -> dict[str, str]:
    text = element.get(key)
    if not text or not isinstance(text, str | int | float):
        return {}
    out = {"en": str(text)}
    meta = element.get(f"_{key}")
    for translation in as_list(
        meta.get("extension") if isinstance(meta, Mapping) else None
    ):
        if (
            not isinstance(translation, Mapping)
            or translation.get("url") != TRANSLATION
        ):
            continue
        parts = {
            e["url"]: e
            for e in as_list(translation.get("extension"))
            if isinstance(e, Mapping) and isinstance(e.get("url"), str)
        }
        lang = parts.get("lang", {}).get("valueCode")
        content = parts.get("content", {}).get("valueString")
        if isinstance(lang, str) and isinstance(content, str) and content:
            out[lang] = content
    return out


def narrative(lines: Sequence[str]) -> dict[str, Any]:
    """A generated narrative (``text``, dom-6): the lines as escaped XHTML."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>',
    }


@dataclass(frozen=True)
class TranslationUsed:
    """The translation of an instrument version a respondent was shown, and where it
    comes from (``selectors.translation_used``): a clinic's entered, validated
    translation or the project's own working one."""

    language: str
    source: str
    citation: str = ""
    licence: str = ""
    population: str = ""
    validated: bool = False


def translation_extension(translation: TranslationUsed, base: str) -> dict[str, Any]:
    """The ``translation-used`` extension: the language and provenance of the text
    the respondent read (empty parts left out: FHIR has no empty strings)."""
    parts: list[dict[str, Any]] = [
        {"url": "language", "valueCode": translation.language},
        {"url": "source", "valueString": translation.source},
    ]
    parts += [
        {"url": name, "valueString": value.strip()}
        for name, value in (
            ("citation", translation.citation),
            ("licence", translation.licence),
            ("population", translation.population),
        )
        if value.strip()
    ]
    parts.append({"url": "validated", "valueBoolean": translation.validated})
    return {"url": ext(base, "translation-used"), "extension": parts}
