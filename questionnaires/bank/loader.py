"""Parse, validate and serialise instrument definitions (``hikiscreen.instrument/1``).

Pure Python, no Django: the ``score`` command, the system check, the
``load_instruments`` command, the admin's JSON import and the tests all go through
:func:`parse`. Validation is what publishing requires (docs/instrument-schema.md):
every problem is collected with its JSON path (``items[3].options[1].value: duplicate
value 2``) and one :class:`DefinitionError` lists them all, so an admin fixes a
document in one pass instead of one error at a time.

Unknown keys are errors rather than being ignored: a misspelt ``requried`` would
otherwise silently make an item required, and a dropped key would break the
round trip ``parse(dump(d)) == d``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from questionnaires.scoring.definitions import (
    AUDIENCES,
    CHOICE_KINDS,
    DERIVED_REFS,
    FLAG_CODES,
    KINDS,
    MISSING_RULES,
    NUMERIC_KINDS,
    OPS,
    SCHEMA,
    SCORABLE_KINDS,
    SCORE_METHODS,
    SEVERITIES,
    AllOf,
    AnyOf,
    Band,
    Comparison,
    Condition,
    FlagRule,
    InstrumentDefinition,
    Item,
    Licence,
    MissingRule,
    Option,
    Scalar,
    ScoreRule,
    Scoring,
    Subscale,
    Text,
)
from questionnaires.scoring.rules import score_range

BUNDLED_DIR = Path(__file__).resolve().parent / "instruments"
CODE_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
#: Options a ``yes_no`` item gets when its document gives none (schema, Kinds).
YES_NO_OPTIONS = (
    Option(code="no", value=0, label={"en": "No", "ja": "いいえ", "it": "No"}),
    Option(code="yes", value=1, label={"en": "Yes", "ja": "はい", "it": "Sì"}),
)
INTEGER_KINDS = frozenset({"likert", "single_choice", "yes_no", "integer", "age"})

_TOP_KEYS = frozenset(
    [
        "schema",
        "code",
        "version",
        "name",
        "short_name",
        "audience",
        "age_min",
        "age_max",
        "languages",
        "citation",
        "licence",
        "changelog",
        "instructions",
        "option_sets",
        "items",
        "scoring",
    ]
)
_ITEM_KEYS = frozenset(
    [
        "code",
        "kind",
        "text",
        "help",
        "section",
        "required",
        "options",
        "min",
        "max",
        "decimals",
        "show_if",
        "safety",
    ]
)
_SCORE_KEYS = frozenset(
    ["method", "items", "reverse", "reverse_base", "threshold", "key"]
)


@dataclass(frozen=True)
class Issue:
    """One validation problem, at a JSON path such as ``items[3].options[1].value``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DefinitionError(ValueError):
    """A document is not a valid instrument definition; ``issues`` lists them all."""

    def __init__(self, issues: Sequence[Issue], source: str = "") -> None:
        self.issues = tuple(issues)
        self.source = source
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(f"{head}{len(self.issues)} problem(s):\n{lines}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Parser:
    """Builds the dataclasses while collecting issues; never stops at the first one."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def error(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    # -- small typed readers --------------------------------------------------------

    def obj(self, value: object, path: str, keys: frozenset[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error(path, "must be an object")
            return {}
        for key in value:
            if key not in keys:
                self.error(_join(path, key), "unknown key")
        return value

    def string(self, value: object, path: str, *, default: str = "") -> str:
        if isinstance(value, str):
            return value
        self.error(path, "must be a string")
        return default

    def optional_string(
        self, data: Mapping[str, Any], key: str, path: str
    ) -> str | None:
        if data.get(key) is None:
            return None
        return self.string(data[key], _join(path, key))

    def code(self, value: object, path: str) -> str:
        text = self.string(value, path)
        if isinstance(value, str) and not CODE_RE.match(value):
            self.error(path, f"{value!r} is not a valid code ([a-z][a-z0-9_]*)")
        return text

    def boolean(self, value: object, path: str, default: bool) -> bool:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.error(path, "must be true or false")
        return default

    def number(self, value: object, path: str) -> float | None:
        if value is None:
            return None
        if _is_number(value):
            return value  # type: ignore[return-value]
        self.error(path, "must be a number")
        return None

    def integer(
        self, value: object, path: str, *, minimum: int | None = None
    ) -> int | None:
        if value is None:
            return None
        if not _is_int(value):
            self.error(path, "must be an integer")
            return None
        if minimum is not None and value < minimum:  # type: ignore[operator]
            self.error(path, f"must be at least {minimum}")
        return value  # type: ignore[return-value]

    def text(self, value: object, path: str, *, require_en: bool) -> Text:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.error(path, 'must be a language map such as {"en": "…"}')
            return {}
        for lang, string in value.items():
            if not isinstance(string, str):
                self.error(_join(path, lang), "must be a string")
        if require_en and not value.get("en"):
            self.error(path, "English text (en) is required")
        return {k: v for k, v in value.items() if isinstance(v, str)}

    def code_list(self, value: object, path: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(path, "must be a list of codes")
            return ()
        codes: list[str] = []
        for n, code in enumerate(value):
            if not isinstance(code, str):
                self.error(f"{path}[{n}]", "must be a string")
            elif code in codes:
                self.error(f"{path}[{n}]", f"duplicate code {code}")
            else:
                codes.append(code)
        return tuple(codes)

    # -- document parts -------------------------------------------------------------

    def document(self, doc: object) -> InstrumentDefinition:
        data = self.obj(doc, "", _TOP_KEYS)
        for key in (
            "schema",
            "code",
            "version",
            "name",
            "audience",
            "licence",
            "items",
        ):
            if key not in data:
                self.error(key, "is required")
        if data.get("schema", SCHEMA) != SCHEMA:
            self.error("schema", f"must be {SCHEMA!r}")
        code = self.code(data.get("code", ""), "code") if "code" in data else ""
        version = self.integer(data.get("version"), "version", minimum=1) or 1
        audience = data.get("audience", "self")
        if audience not in AUDIENCES:
            self.error("audience", f"must be one of {', '.join(AUDIENCES)}")
        age_min = self.integer(data.get("age_min"), "age_min", minimum=0)
        age_max = self.integer(data.get("age_max"), "age_max", minimum=0)
        if age_min is not None and age_max is not None and age_min > age_max:
            self.error("age_max", "must not be below age_min")
        languages = self.languages(data.get("languages", ["en"]))
        licence = self.licence(data.get("licence"))
        ship = licence.text_may_ship
        option_sets = self.option_sets(data.get("option_sets"), ship)
        items = self.items(data.get("items"), option_sets, ship)
        definition = InstrumentDefinition(
            schema=SCHEMA,
            code=code,
            version=version,
            name=self.text(data.get("name"), "name", require_en=True),
            short_name=self.string(data.get("short_name", ""), "short_name"),
            audience=audience if isinstance(audience, str) else "self",
            age_min=age_min,
            age_max=age_max,
            languages=languages,
            citation=self.string(data.get("citation", ""), "citation"),
            licence=licence,
            changelog=self.string(data.get("changelog", ""), "changelog"),
            instructions=self.text(
                data.get("instructions"), "instructions", require_en=False
            ),
            option_sets=option_sets,
            items=items,
            scoring=self.scoring(data.get("scoring"), items),
        )
        return definition

    def languages(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error("languages", "must be a list of language codes")
            return ("en",)
        if not value or value[0] != "en":
            self.error("languages", "must start with en")
        if len(set(value)) != len(value):
            self.error("languages", "has a duplicate language")
        return tuple(value)

    def licence(self, value: object) -> Licence:
        data = self.obj(
            value, "licence", frozenset({"text_may_ship", "note", "attribution"})
        )
        if "text_may_ship" not in data:
            self.error("licence.text_may_ship", "is required")
        return Licence(
            text_may_ship=self.boolean(
                data.get("text_may_ship"), "licence.text_may_ship", False
            ),
            note=self.string(data.get("note", ""), "licence.note"),
            attribution=self.string(data.get("attribution", ""), "licence.attribution"),
        )

    def option_sets(self, value: object, ship: bool) -> dict[str, tuple[Option, ...]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error("option_sets", "must be an object")
            return {}
        return {
            name: self.options(options, f"option_sets.{name}", ship)
            for name, options in value.items()
        }

    def options(
        self, value: object, path: str, ship: bool, *, kind: str = "likert"
    ) -> tuple[Option, ...]:
        if not isinstance(value, list) or not value:
            self.error(path, "must be a non-empty list of options")
            return ()
        options: list[Option] = []
        codes: set[str] = set()
        values: set[int] = set()
        for n, raw in enumerate(value):
            opath = f"{path}[{n}]"
            data = self.obj(raw, opath, frozenset({"code", "value", "label"}))
            code = self.string(data.get("code"), f"{opath}.code")
            if code in codes:
                self.error(f"{opath}.code", f"duplicate code {code}")
            codes.add(code)
            number = self.integer(data.get("value"), f"{opath}.value")
            if "value" not in data:
                self.error(f"{opath}.value", "is required")
            elif number is not None and number in values:
                self.error(f"{opath}.value", f"duplicate value {number}")
            if number is not None:
                values.add(number)
            label = self.text(
                data.get("label"),
                f"{opath}.label",
                require_en=ship and kind != "yes_no",
            )
            options.append(Option(code=code, value=number or 0, label=label))
        return tuple(options)

    def items(
        self, value: object, option_sets: Mapping[str, tuple[Option, ...]], ship: bool
    ) -> tuple[Item, ...]:
        if not isinstance(value, list) or not value:
            self.error("items", "must be a non-empty list")
            return ()
        items: list[Item] = []
        seen: dict[str, int] = {}
        for n, raw in enumerate(value):
            path = f"items[{n}]"
            item = self.item(raw, path, option_sets, ship)
            if item.code in seen:
                self.error(f"{path}.code", f"duplicate code {item.code}")
            if item.show_if is not None:
                self.check_condition(
                    item.show_if, f"{path}.show_if", _ShowIfScope(seen)
                )
            seen.setdefault(item.code, n)
            items.append(item)
        return tuple(items)

    def item(
        self,
        raw: object,
        path: str,
        option_sets: Mapping[str, tuple[Option, ...]],
        ship: bool,
    ) -> Item:
        data = self.obj(raw, path, _ITEM_KEYS)
        code = self.code(data.get("code", ""), f"{path}.code")
        kind = data.get("kind")
        if kind not in KINDS:
            self.error(f"{path}.kind", f"must be one of {', '.join(KINDS)}")
            kind = "free_text"
        options: tuple[Option, ...] = ()
        options_ref: str | None = None
        raw_options = data.get("options")
        if kind in CHOICE_KINDS:
            if isinstance(raw_options, str):
                options_ref = raw_options
                if raw_options not in option_sets:
                    self.error(f"{path}.options", f"unknown option set {raw_options}")
                options = option_sets.get(raw_options, ())
            elif raw_options is None and kind == "yes_no":
                options = YES_NO_OPTIONS
            else:
                options = self.options(raw_options, f"{path}.options", ship, kind=kind)
            if kind == "yes_no" and sorted(o.value for o in options) != [0, 1]:
                self.error(
                    f"{path}.options", "a yes_no item has exactly the values 0 and 1"
                )
        elif raw_options is not None:
            self.error(f"{path}.options", f"not allowed for kind {kind}")
        low = self.number(data.get("min"), f"{path}.min")
        high = self.number(data.get("max"), f"{path}.max")
        decimals = self.integer(data.get("decimals"), f"{path}.decimals", minimum=0)
        if kind not in NUMERIC_KINDS:
            for key in ("min", "max", "decimals"):
                if key in data:
                    self.error(f"{path}.{key}", f"not allowed for kind {kind}")
        else:
            if kind in ("integer", "number"):
                for key, number in (("min", low), ("max", high)):
                    if number is None:
                        self.error(f"{path}.{key}", f"is required for kind {kind}")
            if low is not None and high is not None and low > high:
                self.error(f"{path}.max", "must not be below min")
            if kind in INTEGER_KINDS and decimals:
                self.error(f"{path}.decimals", f"must be 0 for kind {kind}")
        show_if = data.get("show_if")
        return Item(
            code=code,
            kind=kind,
            text=self.text(data.get("text"), f"{path}.text", require_en=ship),
            help=self.text(data.get("help"), f"{path}.help", require_en=False),
            section=self.text(data.get("section"), f"{path}.section", require_en=False),
            required=self.boolean(data.get("required"), f"{path}.required", True),
            options=options,
            options_ref=options_ref,
            min=low,
            max=high,
            decimals=decimals,
            show_if=None
            if show_if is None
            else self.condition(show_if, f"{path}.show_if"),
            safety=self.boolean(data.get("safety"), f"{path}.safety", False),
        )

    def condition(self, value: object, path: str) -> Condition:
        if isinstance(value, dict) and ("all" in value or "any" in value):
            key = "all" if "all" in value else "any"
            self.obj(value, path, frozenset({key}))
            parts = value[key]
            if not isinstance(parts, list) or not parts:
                self.error(f"{path}.{key}", "must be a non-empty list of conditions")
                parts = []
            built = tuple(
                self.condition(p, f"{path}.{key}[{n}]") for n, p in enumerate(parts)
            )
            return AllOf(built) if key == "all" else AnyOf(built)
        data = self.obj(value, path, frozenset({"ref", "op", "value"}))
        ref = self.string(data.get("ref"), f"{path}.ref")
        op = data.get("op")
        if op not in OPS:
            self.error(f"{path}.op", f"must be one of {', '.join(OPS)}")
            return Comparison(ref=ref, op="answered")
        raw = data.get("value")
        operand: Scalar | tuple[Scalar, ...] | None = None
        if op == "answered":
            if "value" in data:
                self.error(f"{path}.value", "not allowed with op answered")
        elif op in ("in", "between"):
            if not isinstance(raw, list) or not all(
                _is_number(v) or isinstance(v, str) for v in raw
            ):
                self.error(f"{path}.value", f"must be a list for op {op}")
            else:
                operand = tuple(raw)
                if op == "between" and (
                    len(raw) != 2
                    or not all(_is_number(v) for v in raw)
                    or raw[0] >= raw[1]
                ):
                    self.error(f"{path}.value", "must be [lo, hi] with lo < hi")
        elif _is_number(raw) or isinstance(raw, str):
            operand = raw
        else:
            self.error(f"{path}.value", f"must be a number or string for op {op}")
        return Comparison(ref=ref, op=op, value=operand)

    def check_condition(self, condition: Condition, path: str, scope: _Scope) -> None:
        """Check every reference of a condition against what may be referred to."""
        for comparison, cpath in _comparisons(condition, path):
            problem = scope.problem(comparison.ref)
            if problem:
                self.error(f"{cpath}.ref", problem)

    def score(
        self, value: object, path: str, items: Mapping[str, Item], extra: frozenset[str]
    ) -> ScoreRule:
        data = self.obj(value, path, _SCORE_KEYS | extra)
        method = data.get("method")
        if method not in SCORE_METHODS:
            self.error(f"{path}.method", f"must be one of {', '.join(SCORE_METHODS)}")
            method = "none"
        codes = self.code_list(data.get("items"), f"{path}.items")
        for n, code in enumerate(codes):
            item = items.get(code)
            if item is None:
                self.error(f"{path}.items[{n}]", f"unknown item {code}")
            elif item.kind not in SCORABLE_KINDS:
                self.error(
                    f"{path}.items[{n}]", f"item {code} ({item.kind}) cannot be scored"
                )
        if method == "none" and codes:
            self.error(f"{path}.items", "method none takes no items")
        if method != "none" and not codes:
            self.error(f"{path}.items", f"method {method} needs items")
        if method == "value" and len(codes) > 1:
            self.error(f"{path}.items", "method value takes exactly one item")
        reverse = self.code_list(data.get("reverse"), f"{path}.reverse")
        if reverse and method != "sum":
            self.error(f"{path}.reverse", "only method sum has reverse items")
        for n, code in enumerate(reverse):
            if code not in codes:
                self.error(f"{path}.reverse[{n}]", f"{code} is not one of the items")
        reverse_base = self.number(data.get("reverse_base"), f"{path}.reverse_base")
        if reverse and reverse_base is None:
            self.error(f"{path}.reverse_base", "is required with reverse items")
        threshold = self.number(data.get("threshold"), f"{path}.threshold")
        if threshold is not None and method not in ("count", "sum_over"):
            self.error(f"{path}.threshold", f"not used by method {method}")
        key = self.key(data.get("key"), f"{path}.key", codes, items, method)
        return ScoreRule(
            method=method,
            items=codes,
            reverse=reverse,
            reverse_base=reverse_base,
            threshold=threshold,
            key=key,
        )

    def key(
        self,
        value: object,
        path: str,
        codes: tuple[str, ...],
        items: Mapping[str, Item],
        method: str,
    ) -> dict[str, tuple[int, ...]]:
        if method != "keyed":
            if value is not None:
                self.error(path, f"not used by method {method}")
            return {}
        if not isinstance(value, dict):
            self.error(
                path, "is required for method keyed: item code -> scoring values"
            )
            return {}
        key: dict[str, tuple[int, ...]] = {}
        for code, values in value.items():
            kpath = _join(path, code)
            if code not in codes:
                self.error(kpath, f"{code} is not one of the items")
            if not isinstance(values, list) or not all(_is_int(v) for v in values):
                self.error(kpath, "must be a list of option values")
                continue
            item = items.get(code)
            allowed = {o.value for o in item.options} if item else set()
            for v in values:
                if item is not None and item.kind in CHOICE_KINDS and v not in allowed:
                    self.error(kpath, f"{v} is not an option value of {code}")
            key[code] = tuple(values)
        for code in codes:
            if code not in key:
                self.error(path, f"no key for item {code}")
        return key

    def scoring(self, value: object, items: tuple[Item, ...]) -> Scoring:
        keys = frozenset(
            ["total", "subscales", "bands", "band_source", "missing", "flags"]
        )
        data = self.obj(value, "scoring", keys)
        by_code = {i.code: i for i in items}
        total = (
            self.score(data["total"], "scoring.total", by_code, frozenset())
            if data.get("total") is not None
            else ScoreRule(method="none")
        )
        subscales: list[Subscale] = []
        raw_subscales = data.get("subscales") or []
        if not isinstance(raw_subscales, list):
            self.error("scoring.subscales", "must be a list")
            raw_subscales = []
        for n, raw in enumerate(raw_subscales):
            spath = f"scoring.subscales[{n}]"
            rule = self.score(raw, spath, by_code, frozenset({"code", "label"}))
            raw_dict = raw if isinstance(raw, dict) else {}
            code = self.code(raw_dict.get("code", ""), f"{spath}.code")
            if any(s.code == code for s in subscales):
                self.error(f"{spath}.code", f"duplicate code {code}")
            if rule.method == "none":
                self.error(f"{spath}.method", "a subscale needs a score method")
            label = self.text(raw_dict.get("label"), f"{spath}.label", require_en=True)
            subscales.append(Subscale(code=code, rule=rule, label=label))
        scope = _RuleScope(by_code, total.method != "none", {s.code for s in subscales})
        bands = self.bands(data.get("bands"), total, by_code)
        missing = self.missing(data.get("missing"))
        flags: list[FlagRule] = []
        raw_flags = data.get("flags") or []
        if not isinstance(raw_flags, list):
            self.error("scoring.flags", "must be a list")
            raw_flags = []
        for n, raw_flag in enumerate(raw_flags):
            fpath = f"scoring.flags[{n}]"
            fdata = self.obj(
                raw_flag, fpath, frozenset({"code", "severity", "when", "source"})
            )
            flag_code = fdata.get("code")
            if flag_code not in FLAG_CODES:
                self.error(f"{fpath}.code", f"unknown flag code {flag_code}")
            severity = fdata.get("severity")
            if severity not in SEVERITIES:
                self.error(
                    f"{fpath}.severity", f"must be one of {', '.join(SEVERITIES)}"
                )
            if "when" not in fdata:
                self.error(f"{fpath}.when", "is required")
            when = self.condition(fdata.get("when", {}), f"{fpath}.when")
            self.check_condition(when, f"{fpath}.when", scope)
            flags.append(
                FlagRule(
                    code=str(flag_code),
                    severity=str(severity),
                    when=when,
                    source=self.optional_string(fdata, "source", fpath),
                )
            )
        return Scoring(
            total=total,
            subscales=tuple(subscales),
            bands=bands,
            band_source=self.optional_string(data, "band_source", "scoring"),
            missing=missing,
            flags=tuple(flags),
        )

    def bands(
        self, value: object, total: ScoreRule, items: Mapping[str, Item]
    ) -> tuple[Band, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error("scoring.bands", "must be a list")
            return ()
        if value and total.method == "none":
            self.error("scoring.bands", "bands need a total")
        band_keys = frozenset({"code", "min", "max", "label", "source"})
        bands: list[Band] = []
        for n, raw in enumerate(value):
            bpath = f"scoring.bands[{n}]"
            data = self.obj(raw, bpath, band_keys)
            code = self.code(data.get("code", ""), f"{bpath}.code")
            if any(b.code == code for b in bands):
                self.error(f"{bpath}.code", f"duplicate code {code}")
            bounds = []
            for key in ("min", "max"):
                if key not in data:
                    self.error(f"{bpath}.{key}", "is required")
                bounds.append(self.number(data.get(key), f"{bpath}.{key}"))
            low, high = bounds
            if low is not None and high is not None and low > high:
                self.error(f"{bpath}.max", "must not be below min")
            bands.append(
                Band(
                    code=code,
                    min=0 if low is None else low,
                    max=0 if high is None else high,
                    label=self.text(
                        data.get("label"), f"{bpath}.label", require_en=True
                    ),
                    source=self.optional_string(data, "source", bpath),
                )
            )
        if bands and total.method != "none":
            self.check_coverage(bands, total, items)
        return tuple(bands)

    def check_coverage(
        self, bands: Sequence[Band], total: ScoreRule, items: Mapping[str, Item]
    ) -> None:
        """Bands must cover the total's whole range, without gaps or overlaps."""
        span = score_range(total, items)
        if span is None:
            return  # the score itself is invalid; that error is reported already
        low, high, step = span
        ranged = sorted(enumerate(bands), key=lambda nb: (nb[1].min, nb[1].max))
        for n, band in ranged:
            if band.max < low or band.min > high:
                self.error(
                    f"scoring.bands[{n}]",
                    f"{band.code} ({_num(band.min)}-{_num(band.max)}) is outside the "
                    f"possible range {_num(low)}-{_num(high)}",
                )
        first_n, first = ranged[0]
        if first.min > low + 1e-9:
            self.error(
                f"scoring.bands[{first_n}].min",
                f"gap: {_num(low)}-{_num(first.min - step)} is in no band",
            )
        for (_, prev), (n, band) in zip(ranged, ranged[1:], strict=False):
            expected = prev.max + step
            if band.min > expected + 1e-9:
                self.error(
                    f"scoring.bands[{n}].min",
                    f"gap: {_num(expected)}-{_num(band.min - step)} is in no band",
                )
            elif band.min < expected - 1e-9:
                self.error(
                    f"scoring.bands[{n}].min",
                    f"overlap: {_num(band.min)}-{_num(min(prev.max, band.max))} is in "
                    f"both {prev.code} and {band.code}",
                )
        last_n, last = max(enumerate(bands), key=lambda nb: nb[1].max)
        if last.max < high - 1e-9:
            self.error(
                f"scoring.bands[{last_n}].max",
                f"gap: {_num(last.max + step)}-{_num(high)} is in no band",
            )

    def missing(self, value: object) -> MissingRule:
        if value is None:
            return MissingRule()
        data = self.obj(value, "scoring.missing", frozenset({"rule", "min_answered"}))
        rule = data.get("rule", "incomplete")
        if rule not in MISSING_RULES:
            self.error(
                "scoring.missing.rule", f"must be one of {', '.join(MISSING_RULES)}"
            )
            rule = "incomplete"
        min_answered = self.integer(
            data.get("min_answered"), "scoring.missing.min_answered", minimum=1
        )
        if rule == "prorate" and min_answered is None:
            self.error("scoring.missing.min_answered", "is required for prorate")
        if rule == "incomplete" and "min_answered" in data:
            self.error("scoring.missing.min_answered", "only used by prorate")
        return MissingRule(rule=rule, min_answered=min_answered)


class _Scope:
    """What references a condition may use; ``problem`` explains a bad one."""

    def problem(self, ref: str) -> str | None:
        raise NotImplementedError


class _ShowIfScope(_Scope):
    # show_if is evaluated while the form is filled in, so only earlier answers exist.
    def __init__(self, earlier: Mapping[str, int]) -> None:
        self.earlier = earlier

    def problem(self, ref: str) -> str | None:
        if ref == "age":
            return None
        if ref.startswith("item:"):
            if ref[5:] in self.earlier:
                return None
            return f"{ref[5:]} is not an earlier item"
        sources = DERIVED_REFS.get(ref)
        if sources is not None:
            late = [c for c in sources if c not in self.earlier]
            return f"{', '.join(late)} not an earlier item" if late else None
        return f"show_if may refer only to earlier items and age, not {ref}"


class _RuleScope(_Scope):
    def __init__(
        self, items: Mapping[str, Item], has_total: bool, subscales: set[str]
    ) -> None:
        self.items = items
        self.has_total = has_total
        self.subscales = subscales

    def problem(self, ref: str) -> str | None:
        if ref == "age":
            return None
        if ref == "total":
            return None if self.has_total else "the instrument has no total"
        if ref.startswith("item:"):
            return None if ref[5:] in self.items else f"unknown item {ref[5:]}"
        if ref.startswith("subscale:"):
            return None if ref[9:] in self.subscales else f"unknown subscale {ref[9:]}"
        sources = DERIVED_REFS.get(ref)
        if sources is not None:
            bad = [
                c
                for c in sources
                if c not in self.items or self.items[c].kind != "time_of_day"
            ]
            return f"{ref} needs time_of_day items {', '.join(bad)}" if bad else None
        return f"unknown reference {ref}"


def _comparisons(condition: Condition, path: str) -> Iterable[tuple[Comparison, str]]:
    if isinstance(condition, Comparison):
        yield condition, path
        return
    key = "all" if isinstance(condition, AllOf) else "any"
    for n, part in enumerate(condition.conditions):
        yield from _comparisons(part, f"{path}.{key}[{n}]")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _num(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


# -- public API -----------------------------------------------------------------------


def parse(document: object, *, source: str = "") -> InstrumentDefinition:
    """Parse and validate a decoded JSON document; DefinitionError lists all issues."""
    parser = _Parser()
    definition = parser.document(document)
    if parser.issues:
        raise DefinitionError(parser.issues, source)
    return definition


def parse_json(text: str, *, source: str = "") -> InstrumentDefinition:
    """Like :func:`parse`, from JSON text."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError([Issue("", f"not valid JSON: {exc}")], source) from exc
    return parse(document, source=source)


def load_file(path: Path) -> InstrumentDefinition:
    """Load one definition file; its name must be ``<code>-v<version>.json``."""
    definition = parse_json(path.read_text(encoding="utf-8"), source=path.name)
    expected = f"{definition.code}-v{definition.version}.json"
    if path.name != expected:
        raise DefinitionError(
            [Issue("", f"file name should be {expected} (code and version)")], path.name
        )
    return definition


@cache
def load_bundled(directory: Path = BUNDLED_DIR) -> tuple[InstrumentDefinition, ...]:
    """Every bundled definition, sorted by code then version.

    Raises DefinitionError listing the problems of every invalid file together.
    Cached: the files ship with the code and the definitions are immutable.
    """
    definitions: list[InstrumentDefinition] = []
    issues: list[Issue] = []
    for path in sorted(directory.glob("*.json")):
        try:
            definitions.append(load_file(path))
        except DefinitionError as exc:
            issues.extend(
                Issue(f"{path.name}:{i.path}" if i.path else path.name, i.message)
                for i in exc.issues
            )
    seen: set[tuple[str, int]] = set()
    for d in definitions:
        if (d.code, d.version) in seen:
            issues.append(Issue(d.code, f"version {d.version} is bundled twice"))
        seen.add((d.code, d.version))
    if issues:
        raise DefinitionError(issues, str(directory))
    return tuple(sorted(definitions, key=lambda d: (d.code, d.version)))


def latest_by_code(
    definitions: Iterable[InstrumentDefinition],
) -> dict[str, InstrumentDefinition]:
    """The highest version of each instrument code (what ``score`` uses)."""
    latest: dict[str, InstrumentDefinition] = {}
    for d in definitions:
        if d.code not in latest or d.version > latest[d.code].version:
            latest[d.code] = d
    return latest


def dump(definition: InstrumentDefinition) -> dict[str, Any]:
    """Serialise a definition to a JSON-ready dict; ``parse(dump(d)) == d``."""
    return {
        "schema": definition.schema,
        "code": definition.code,
        "version": definition.version,
        "name": dict(definition.name),
        "short_name": definition.short_name,
        "audience": definition.audience,
        "age_min": definition.age_min,
        "age_max": definition.age_max,
        "languages": list(definition.languages),
        "citation": definition.citation,
        "licence": {
            "text_may_ship": definition.licence.text_may_ship,
            "note": definition.licence.note,
            "attribution": definition.licence.attribution,
        },
        "changelog": definition.changelog,
        "instructions": dict(definition.instructions),
        "option_sets": {
            name: [_dump_option(o) for o in options]
            for name, options in definition.option_sets.items()
        },
        "items": [_dump_item(i) for i in definition.items],
        "scoring": _dump_scoring(definition.scoring),
    }


def dumps(definition: InstrumentDefinition) -> str:
    """JSON text of :func:`dump`, in the layout of the bundled files."""
    return json.dumps(dump(definition), ensure_ascii=False, indent=2) + "\n"


def _dump_option(option: Option) -> dict[str, Any]:
    return {"code": option.code, "value": option.value, "label": dict(option.label)}


def _dump_item(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": item.code,
        "kind": item.kind,
        "text": dict(item.text),
    }
    if item.help:
        out["help"] = dict(item.help)
    if item.section:
        out["section"] = dict(item.section)
    out["required"] = item.required
    if item.options_ref is not None:
        out["options"] = item.options_ref
    elif item.options:
        out["options"] = [_dump_option(o) for o in item.options]
    for key in ("min", "max", "decimals"):
        if getattr(item, key) is not None:
            out[key] = getattr(item, key)
    out["show_if"] = None if item.show_if is None else dump_condition(item.show_if)
    out["safety"] = item.safety
    return out


def dump_condition(condition: Condition) -> dict[str, Any]:
    """A condition as its JSON object (docs/instrument-schema.md, Conditions)."""
    if isinstance(condition, AllOf):
        return {"all": [dump_condition(c) for c in condition.conditions]}
    if isinstance(condition, AnyOf):
        return {"any": [dump_condition(c) for c in condition.conditions]}
    out: dict[str, Any] = {"ref": condition.ref, "op": condition.op}
    if condition.op != "answered":
        value = condition.value
        out["value"] = list(value) if isinstance(value, tuple) else value
    return out


def _dump_score(rule: ScoreRule) -> dict[str, Any]:
    out: dict[str, Any] = {"method": rule.method}
    if rule.items:
        out["items"] = list(rule.items)
    if rule.reverse:
        out["reverse"] = list(rule.reverse)
    if rule.reverse_base is not None:
        out["reverse_base"] = rule.reverse_base
    if rule.threshold is not None:
        out["threshold"] = rule.threshold
    if rule.key:
        out["key"] = {code: list(values) for code, values in rule.key.items()}
    return out


def _dump_band(band: Band) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": band.code,
        "min": band.min,
        "max": band.max,
        "label": dict(band.label),
    }
    if band.source is not None:
        out["source"] = band.source
    return out


def _dump_scoring(scoring: Scoring) -> dict[str, Any]:
    out: dict[str, Any] = {
        "total": _dump_score(scoring.total),
        "subscales": [
            {"code": s.code, "label": dict(s.label), **_dump_score(s.rule)}
            for s in scoring.subscales
        ],
        "bands": [_dump_band(b) for b in scoring.bands],
    }
    if scoring.band_source is not None:
        out["band_source"] = scoring.band_source
    missing: dict[str, Any] = {"rule": scoring.missing.rule}
    if scoring.missing.min_answered is not None:
        missing["min_answered"] = scoring.missing.min_answered
    out["missing"] = missing
    out["flags"] = []
    for flag in scoring.flags:
        entry: dict[str, Any] = {
            "code": flag.code,
            "severity": flag.severity,
            "when": dump_condition(flag.when),
        }
        if flag.source is not None:
            entry["source"] = flag.source
        out["flags"].append(entry)
    return out


__all__ = [
    "BUNDLED_DIR",
    "DefinitionError",
    "Issue",
    "dump",
    "dump_condition",
    "dumps",
    "latest_by_code",
    "load_bundled",
    "load_file",
    "parse",
    "parse_json",
]
