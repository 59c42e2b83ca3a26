"""The structure of an instrument document, as a JSON Schema, and its size limits.

:func:`structural_issues` checks a decoded document against :data:`DOCUMENT_SCHEMA`
(jsonschema, Draft 2020-12) and returns every problem at once, each at its JSON path
in the loader's words (``items[3].kind: must be one of …``). What a schema cannot say
(duplicate codes, references between parts, bands covering the score range, what a
kind allows) stays hand-written in loader.py.

The limits are far above any real screening instrument (the largest bundled one has
25 items of at most 6 options, 26 KB) and far below what hurts the server: an
import of the largest allowed document stays a few MB of memory and a few thousand
rows. String lengths are those of the database columns the text is stored in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

from questionnaires.scoring.definitions import (
    AUDIENCES,
    FLAG_CODES,
    KINDS,
    MISSING_RULES,
    OPS,
    SCHEMA,
    SCORE_METHODS,
    SEVERITIES,
)

# --- Limits (docs/operations.md, "Imports") ------------------------------------------
#: Bytes of an uploaded or bundled document (the largest bundled file is 26 KB).
MAX_DOCUMENT_BYTES = 1024 * 1024
#: Items of one instrument (bundled: at most 25).
MAX_ITEMS = 500
#: Options of one list (bundled: at most 6; a 0-10 scale has 11).
MAX_OPTIONS = 50
#: Option sets of one instrument.
MAX_OPTION_SETS = 50
#: Option rows once shared sets are expanded onto their items (items x options).
MAX_OPTION_ROWS = 5000
#: Subscales, bands, flags and the conditions of one all/any list.
MAX_RULES = 100
#: Languages of a text map.
MAX_LANGUAGES = 10
#: A version number, an age, an option value and any other number.
MAX_VERSION = 1_000_000
MAX_AGE = 120
MAX_OPTION_VALUE = 1_000_000
MAX_NUMBER = 1_000_000_000
MAX_DECIMALS = 6
#: Characters, by the column the text is stored in.
CODE_LENGTH = 40
NAME_LENGTH = 200
SHORT_NAME_LENGTH = 60
LABEL_LENGTH = 300
LONG_TEXT_LENGTH = 4000

CODE_PATTERN = r"^[a-z][a-z0-9_]*$"

# --- Schema --------------------------------------------------------------------------


def _text(length: int) -> dict[str, Any]:
    """A language map such as ``{"en": "…", "ja": "…"}``."""
    return {
        "type": "object",
        "maxProperties": MAX_LANGUAGES,
        "propertyNames": {"maxLength": 10},
        "additionalProperties": {"type": "string", "maxLength": length},
        "x-message": {"type": 'must be a language map such as {"en": "…"}'},
    }


def _string(length: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": length}


def _number() -> dict[str, Any]:
    return {"type": "number", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def _null_or(schema: Mapping[str, Any]) -> dict[str, Any]:
    """null, or ``schema`` (errors reported by ``schema``'s own keywords)."""
    return {"if": {"type": "null"}, "else": schema}


_CODE = {
    "type": "string",
    "maxLength": CODE_LENGTH,
    "pattern": CODE_PATTERN,
    "x-message": {"pattern": "{instance!r} is not a valid code ([a-z][a-z0-9_]*)"},
}
_CODE_LIST = {
    "type": "array",
    "maxItems": MAX_ITEMS,
    "items": _string(CODE_LENGTH + 10),
    "x-message": {"type": "must be a list of codes"},
}
_OPTION = {
    "type": "object",
    "required": ["code", "value"],
    "additionalProperties": False,
    "properties": {
        "code": _string(CODE_LENGTH),
        "value": {
            "type": "integer",
            "minimum": -MAX_OPTION_VALUE,
            "maximum": MAX_OPTION_VALUE,
        },
        "label": _text(LABEL_LENGTH),
    },
}
_OPTIONS = {
    "type": "array",
    "minItems": 1,
    "maxItems": MAX_OPTIONS,
    "items": _OPTION,
    "x-message": {
        "type": "must be a non-empty list of options",
        "minItems": "must be a non-empty list of options",
    },
}
_SCALAR = {
    "type": ["number", "string"],
    "maximum": MAX_NUMBER,
    "minimum": -MAX_NUMBER,
    "maxLength": LABEL_LENGTH,
}
_COMPARISON = {
    "type": "object",
    "additionalProperties": False,
    "required": ["ref", "op"],
    "properties": {
        "ref": _string(NAME_LENGTH),
        "op": {"enum": list(OPS)},
        "value": {
            "anyOf": [
                _SCALAR,
                {"type": "array", "maxItems": MAX_OPTIONS, "items": _SCALAR},
            ],
            "x-message": {"anyOf": "must be a number, a string or a list of them"},
        },
    },
}


def _junction(key: str) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            key: {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_RULES,
                "items": {"$ref": "#/$defs/condition"},
                "x-message": {
                    "type": "must be a non-empty list of conditions",
                    "minItems": "must be a non-empty list of conditions",
                },
            }
        },
    }


_CONDITION = {
    "type": "object",
    "x-message": {"type": "must be an object"},
    "if": {"required": ["all"]},
    "then": _junction("all"),
    "else": {
        "if": {"required": ["any"]},
        "then": _junction("any"),
        "else": _COMPARISON,
    },
}
_SCORE_PROPERTIES = {
    "method": {"enum": list(SCORE_METHODS)},
    "items": _CODE_LIST,
    "reverse": _CODE_LIST,
    "reverse_base": _nullable(_number()),
    "threshold": _nullable(_number()),
    "key": {
        "type": "object",
        "maxProperties": MAX_ITEMS,
        "additionalProperties": {
            "type": "array",
            "maxItems": MAX_OPTIONS,
            "items": {
                "type": "integer",
                "minimum": -MAX_OPTION_VALUE,
                "maximum": MAX_OPTION_VALUE,
            },
            "x-message": {"type": "must be a list of option values"},
        },
    },
}
_SCORE = {
    "type": "object",
    "required": ["method"],
    "additionalProperties": False,
    "properties": _SCORE_PROPERTIES,
}
_SUBSCALE = {
    "type": "object",
    "required": ["code", "method"],
    "additionalProperties": False,
    "properties": {
        **_SCORE_PROPERTIES,
        "code": _CODE,
        "label": _text(LABEL_LENGTH),
    },
}
_BAND = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "min", "max"],
    "properties": {
        "code": _CODE,
        "min": _number(),
        "max": _number(),
        "label": _text(LABEL_LENGTH),
        "source": _nullable(_string(LONG_TEXT_LENGTH)),
    },
}
_FLAG = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "severity", "when"],
    "properties": {
        "code": {
            "enum": list(FLAG_CODES),
            "x-message": {"enum": "unknown flag code {instance}"},
        },
        "severity": {"enum": list(SEVERITIES)},
        "when": {"$ref": "#/$defs/condition"},
        "source": _nullable(_string(LONG_TEXT_LENGTH)),
    },
}


def _list(items: Mapping[str, Any], limit: int) -> dict[str, Any]:
    return {"type": ["array", "null"], "maxItems": limit, "items": items}


_ITEM = {
    "type": "object",
    "required": ["code", "kind"],
    "additionalProperties": False,
    "properties": {
        "code": _CODE,
        "kind": {"enum": list(KINDS)},
        "text": _nullable(_text(LONG_TEXT_LENGTH)),
        "help": _nullable(_text(LONG_TEXT_LENGTH)),
        "section": _nullable(_text(NAME_LENGTH)),
        "required": {"type": ["boolean", "null"]},
        # The name of an option set, or the options themselves.
        "options": {
            "if": {"type": ["string", "null"]},
            "then": _nullable(_string(CODE_LENGTH)),
            "else": _OPTIONS,
        },
        "min": _nullable(_number()),
        "max": _nullable(_number()),
        "decimals": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": MAX_DECIMALS,
        },
        "show_if": _null_or({"$ref": "#/$defs/condition"}),
        "safety": {"type": ["boolean", "null"]},
    },
}
DOCUMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://hikiscreen.example/schemas/instrument-1.json",
    "title": SCHEMA,
    "type": "object",
    "x-message": {"type": "must be an object"},
    "additionalProperties": False,
    "required": [
        "schema",
        "code",
        "version",
        "name",
        "audience",
        "licence",
        "items",
        "scoring",
    ],
    "$defs": {"condition": _CONDITION},
    "properties": {
        "schema": {"const": SCHEMA},
        "code": _CODE,
        "version": {"type": "integer", "minimum": 1, "maximum": MAX_VERSION},
        "name": _text(NAME_LENGTH),
        "short_name": _string(SHORT_NAME_LENGTH),
        "audience": {"enum": list(AUDIENCES)},
        "age_min": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_AGE},
        "age_max": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_AGE},
        "languages": {
            "type": "array",
            "maxItems": MAX_LANGUAGES,
            "items": _string(10),
            "uniqueItems": True,
            "x-message": {
                "type": "must be a list of language codes",
                "uniqueItems": "has a duplicate language",
            },
        },
        "citation": _string(LONG_TEXT_LENGTH),
        "licence": {
            "type": "object",
            "additionalProperties": False,
            "required": ["text_may_ship"],
            "properties": {
                "text_may_ship": {"type": "boolean"},
                "note": _string(LONG_TEXT_LENGTH),
                "attribution": _string(LONG_TEXT_LENGTH),
            },
        },
        "changelog": _string(LONG_TEXT_LENGTH),
        "instructions": _nullable(_text(LONG_TEXT_LENGTH)),
        "option_sets": {
            "type": ["object", "null"],
            "maxProperties": MAX_OPTION_SETS,
            "propertyNames": {"maxLength": CODE_LENGTH},
            "additionalProperties": _OPTIONS,
        },
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_ITEMS,
            "items": _ITEM,
            "x-message": {
                "type": "must be a non-empty list",
                "minItems": "must be a non-empty list",
            },
        },
        "scoring": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "total": _null_or(_SCORE),
                "subscales": _list(_SUBSCALE, MAX_RULES),
                "bands": _list(_BAND, MAX_RULES),
                "band_source": _nullable(_string(LONG_TEXT_LENGTH)),
                "missing": {
                    "type": ["object", "null"],
                    "additionalProperties": False,
                    "properties": {
                        "rule": {"enum": list(MISSING_RULES)},
                        "min_answered": {
                            "type": ["integer", "null"],
                            "minimum": 1,
                            "maximum": MAX_ITEMS,
                        },
                    },
                },
                "flags": _list(_FLAG, MAX_RULES),
            },
        },
    },
}


def _is_integer(checker: Any, instance: object) -> bool:
    # JSON Schema counts 1.0 as an integer; a version or an option value must be 1.
    return isinstance(instance, int) and not isinstance(instance, bool)


_Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)
_VALIDATOR = _Validator(DOCUMENT_SCHEMA)

# --- Errors in the loader's words ----------------------------------------------------

_TYPE_WORDS = {
    "object": "must be an object",
    "array": "must be a list",
    "string": "must be a string",
    "integer": "must be an integer",
    "number": "must be a number",
    "boolean": "must be true or false",
}


def json_path(parts: Iterable[str | int]) -> str:
    """``items[3].options[1].value`` from ``["items", 3, "options", 1, "value"]``."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def _type_words(expected: str | Sequence[str]) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    names = [n for n in names if n != "null"]
    if len(names) == 1:
        return _TYPE_WORDS.get(names[0], f"must be of type {names[0]}")
    return "must be " + " or ".join(_TYPE_WORDS[n][8:] for n in names)


def _number_words(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _messages(error: ValidationError) -> Iterable[tuple[list[str | int], str]]:
    """(path, message) pairs for one jsonschema error."""
    path: list[str | int] = list(error.absolute_path)
    kind = str(error.validator)
    instance = error.instance
    custom = error.schema.get("x-message", {}) if isinstance(error.schema, dict) else {}
    if kind in custom:
        yield path, custom[kind].format(instance=_short(instance))
        return
    value = error.validator_value
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        for key in instance:
            if key not in known:
                yield [*path, key], "unknown key"
    elif kind == "required" and isinstance(instance, dict):
        for key in value:
            if key not in instance:
                yield [*path, key], "is required"
    elif kind == "type":
        yield path, _type_words(value)
    elif kind == "enum":
        yield path, f"must be one of {', '.join(str(v) for v in value)}"
    elif kind == "const":
        yield path, f"must be {value!r}"
    elif kind == "minimum":
        yield path, f"must be at least {_number_words(value)}"
    elif kind == "maximum":
        yield path, f"must be at most {_number_words(value)}"
    elif kind == "maxLength":
        yield path, f"is longer than {value} characters"
    elif kind in ("maxItems", "maxProperties"):
        yield path, f"has more than {value} entries"
    elif kind == "minItems":
        yield path, "must not be empty"
    else:
        yield path, error.message


def _short(value: object) -> object:
    """``value`` itself when short, else the start of its text (for messages)."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= 60:
        return value
    return f"{text[:60]}…"


def structural_issues(document: object) -> list[tuple[list[str | int], str]]:
    """Every structural problem of ``document``: (path parts, message), in order."""
    found: list[tuple[list[str | int], str]] = []
    for error in _VALIDATOR.iter_errors(document):
        found.extend(_errors_of(error))
    return found


def _errors_of(error: ValidationError) -> Iterable[tuple[list[str | int], str]]:
    # if/then/else report inside the branch taken; anyOf reports only itself.
    if error.validator in ("if", "then", "else") and error.context:
        for sub in error.context:
            yield from _errors_of(sub)
        return
    yield from _messages(error)
