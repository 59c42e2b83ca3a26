"""Parse and validate the bundled protocols document (``hikiscreen.protocols/1``).

Pure Python like the instrument loader, and like it every problem is collected with
its JSON path before one :class:`~questionnaires.bank.loader.DefinitionError` is
raised. Whether the named instrument versions exist is checked against the bundled
definitions passed in (docs/instrument-schema.md, Protocols).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from questionnaires.bank.loader import CODE_RE, DefinitionError, Issue
from questionnaires.scoring.definitions import AUDIENCES, InstrumentDefinition, Text

SCHEMA = "hikiscreen.protocols/1"
BUNDLED_PROTOCOLS = Path(__file__).resolve().parent / "protocols.json"
_KEYS = frozenset({"code", "name", "audience", "default", "description", "instruments"})


#: The time one question takes, the figure every "how long" on every page comes from.
SECONDS_PER_ITEM = 12


@dataclass(frozen=True)
class ProtocolSize:
    """How many questions a protocol asks, how long it takes, from which age."""

    questions: int
    minutes: int
    age_min: int | None


def protocol_size(definitions: Iterable[InstrumentDefinition]) -> ProtocolSize:
    """The size of a protocol made of ``definitions`` (every item counted, branching
    or not, so the figure never grows on the way)."""
    definitions = list(definitions)
    questions = sum(len(d.items) for d in definitions)
    ages = [d.age_min for d in definitions if d.age_min is not None]
    return ProtocolSize(
        questions=questions,
        minutes=max(1, round(questions * SECONDS_PER_ITEM / 60)),
        age_min=max(ages) if ages else None,
    )


@dataclass(frozen=True)
class ProtocolSpec:
    """One protocol of the document: instrument versions as ``(code, version)``."""

    code: str
    name: Text
    description: Text
    audience: str
    default: bool
    instruments: tuple[tuple[str, int], ...]


def parse_protocols(
    document: object,
    *,
    definitions: Iterable[InstrumentDefinition] = (),
    source: str = "",
) -> tuple[ProtocolSpec, ...]:
    """Validate a protocols document; DefinitionError lists every problem."""
    known = {(d.code, d.version): d for d in definitions}
    issues: list[Issue] = []
    specs: list[ProtocolSpec] = []
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise DefinitionError([Issue("schema", f"must be {SCHEMA!r}")], source)
    raw_protocols = document.get("protocols")
    if not isinstance(raw_protocols, list):
        raise DefinitionError([Issue("protocols", "must be a list")], source)
    defaults: set[str] = set()
    for n, raw in enumerate(raw_protocols):
        path = f"protocols[{n}]"
        if not isinstance(raw, dict):
            issues.append(Issue(path, "must be an object"))
            continue
        issues += [Issue(f"{path}.{k}", "unknown key") for k in raw if k not in _KEYS]
        code = raw.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            issues.append(Issue(f"{path}.code", "must be a code ([a-z][a-z0-9_]*)"))
            code = ""
        elif any(s.code == code for s in specs):
            issues.append(Issue(f"{path}.code", f"duplicate code {code}"))
        name = _text(raw.get("name"), f"{path}.name", issues, require_en=True)
        description = _text(raw.get("description"), f"{path}.description", issues)
        audience = raw.get("audience")
        if audience not in AUDIENCES:
            issues.append(
                Issue(f"{path}.audience", f"must be one of {', '.join(AUDIENCES)}")
            )
            audience = ""
        default = raw.get("default", False)
        if not isinstance(default, bool):
            issues.append(Issue(f"{path}.default", "must be true or false"))
            default = False
        if default and audience in defaults:
            issues.append(
                Issue(f"{path}.default", f"a second default for audience {audience}")
            )
        if default:
            defaults.add(str(audience))
        instruments = _instruments(
            raw.get("instruments"), path, str(audience), known, issues
        )
        specs.append(
            ProtocolSpec(
                code=code,
                name=name,
                description=description,
                audience=str(audience),
                default=default,
                instruments=instruments,
            )
        )
    if issues:
        raise DefinitionError(issues, source)
    return tuple(specs)


def load_bundled_protocols(
    definitions: Iterable[InstrumentDefinition], path: Path = BUNDLED_PROTOCOLS
) -> tuple[ProtocolSpec, ...]:
    """The bundled protocols, checked against the bundled definitions."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DefinitionError([Issue("", f"not valid JSON: {exc}")], path.name) from exc
    return parse_protocols(document, definitions=definitions, source=path.name)


def _text(
    value: object, path: str, issues: list[Issue], *, require_en: bool = False
) -> Text:
    if value is None and not require_en:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(v, str) for v in value.values()
    ):
        issues.append(Issue(path, 'must be a language map such as {"en": "…"}'))
        return {}
    if require_en and not value.get("en"):
        issues.append(Issue(path, "English text (en) is required"))
    return dict(value)


def _instruments(
    value: object,
    path: str,
    audience: str,
    known: Mapping[tuple[str, int], InstrumentDefinition],
    issues: list[Issue],
) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, list) or not value:
        issues.append(Issue(f"{path}.instruments", "must be a non-empty list"))
        return ()
    parts: list[tuple[str, int]] = []
    for m, raw in enumerate(value):
        ipath = f"{path}.instruments[{m}]"
        code = raw.get("code") if isinstance(raw, dict) else None
        number = raw.get("version") if isinstance(raw, dict) else None
        if not isinstance(code, str) or not isinstance(number, int):
            issues.append(Issue(ipath, 'must be {"code": …, "version": …}'))
            continue
        if (code, number) in parts:
            issues.append(Issue(ipath, f"{code} v{number} is listed twice"))
        definition = known.get((code, number))
        if known and definition is None:
            issues.append(Issue(ipath, f"{code} v{number} is not a bundled version"))
        elif definition is not None and audience and definition.audience != audience:
            issues.append(
                Issue(
                    ipath,
                    f"{code} is for audience {definition.audience}, not {audience}",
                )
            )
        parts.append((code, number))
    return tuple(parts)
