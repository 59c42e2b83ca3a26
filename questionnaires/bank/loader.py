"""Parse, validate and serialise instrument definitions (``hikiscreen.instrument/1``).

Pure Python, no Django: the ``score`` command, the system check, the
``load_instruments`` command, the admin's JSON import and the tests all go through
:func:`parse`. Validation is what publishing requires (docs/instrument-schema.md):
every problem is collected with its JSON path (``items[3].options[1].value: duplicate
value 2``) and one :class:`DefinitionError` lists them all, so an admin fixes a
document in one pass instead of one error at a time.

Two layers: the document's structure (types, required and unknown keys, enums, and
the size limits that keep an import cheap) is a JSON Schema, checked by jsonschema
(bank/schema.py); what a schema cannot say (duplicate codes, references between
items, rules and flags, bands covering the score range, what each kind allows) is
checked here by hand. Both report every problem, each at its JSON path, together.

Unknown keys are errors rather than being ignored: a misspelt ``requried`` would
otherwise silently make an item required, and a dropped key would break the
round trip ``parse(dump(d)) == d``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from questionnaires.bank import schema
from questionnaires.bank.schema import MAX_DOCUMENT_BYTES, MAX_OPTION_ROWS
from questionnaires.scoring.definitions import (
    CHOICE_KINDS,
    DERIVED_REFS,
    NUMERIC_KINDS,
    SCHEMA,
    SCORABLE_KINDS,
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
from questionnaires.security import untrusted_json

BUNDLED_DIR = Path(__file__).resolve().parent / "instruments"
CODE_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
#: Options a ``yes_no`` item gets when its document gives none (schema, Kinds).
YES_NO_OPTIONS = (
    Option(code="no", value=0, label={"en": "No", "ja": "いいえ", "it": "No"}),
    Option(code="yes", value=1, label={"en": "Yes", "ja": "はい", "it": "Sì"}),
)
INTEGER_KINDS = frozenset({"likert", "single_choice", "yes_no", "integer", "age"})


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


def _entries(value: object) -> Iterable[tuple[int, Any]]:
    """(index, entry) of a list, skipping entries the schema check removed."""
    if not isinstance(value, list):
        return ()
    return ((n, entry) for n, entry in enumerate(value) if entry is not None)


class _Parser:
    """Builds the dataclasses and checks what the schema cannot, collecting issues.

    It runs on the document after :func:`schema.structural_issues`, with every value
    the schema refused taken out (:func:`_without`): whatever is present has the
    right type, so only meanings are checked here (duplicates, references, ranges,
    what a kind allows), and never stops at the first problem.
    """

    def __init__(self, refused: Iterable[str] = ()) -> None:
        self.issues: list[Issue] = []
        #: JSON paths of values the schema refused: checks that depend on one of
        #: them are skipped, so a problem is reported once, not again as a cascade.
        self.refused = frozenset(refused)

    def error(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    def text(self, value: object, path: str, *, require_en: bool) -> Text:
        text: dict[str, str] = dict(value) if isinstance(value, dict) else {}
        if require_en and not text.get("en"):
            self.error(path, "English text (en) is required")
        return text

    def code_list(self, value: object, path: str) -> tuple[str, ...]:
        codes: list[str] = []
        for n, code in _entries(value):
            if code in codes:
                self.error(f"{path}[{n}]", f"duplicate code {code}")
            else:
                codes.append(code)
        return tuple(codes)

    # -- document parts -------------------------------------------------------------

    def document(self, data: dict[str, Any]) -> InstrumentDefinition:
        age_min = data.get("age_min")
        age_max = data.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.error("age_max", "must not be below age_min")
        languages = tuple(data.get("languages", ["en"]))
        if not languages or languages[0] != "en":
            self.error("languages", "must start with en")
        raw_licence = data.get("licence", {})
        licence = Licence(
            text_may_ship=raw_licence.get("text_may_ship", False),
            note=raw_licence.get("note", ""),
            attribution=raw_licence.get("attribution", ""),
        )
        ship = licence.text_may_ship
        option_sets = {
            name: self.options(options, f"option_sets.{name}", ship)
            for name, options in (data.get("option_sets") or {}).items()
        }
        items = self.items(data.get("items"), option_sets, ship)
        return InstrumentDefinition(
            schema=SCHEMA,
            code=data.get("code", ""),
            version=data.get("version", 1),
            name=self.text(data.get("name"), "name", require_en=True),
            short_name=data.get("short_name", ""),
            audience=data.get("audience", "self"),
            age_min=age_min,
            age_max=age_max,
            languages=languages,
            citation=data.get("citation", ""),
            licence=licence,
            changelog=data.get("changelog", ""),
            instructions=self.text(
                data.get("instructions"), "instructions", require_en=False
            ),
            option_sets=option_sets,
            items=items,
            scoring=self.scoring(data.get("scoring") or {}, items),
        )

    def options(
        self, value: object, path: str, ship: bool, *, kind: str = "likert"
    ) -> tuple[Option, ...]:
        options: list[Option] = []
        codes: set[str] = set()
        values: set[int] = set()
        for n, data in _entries(value):
            opath = f"{path}[{n}]"
            code = data.get("code", "")
            if code in codes:
                self.error(f"{opath}.code", f"duplicate code {code}")
            codes.add(code)
            number = data.get("value")
            if number is not None and number in values:
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
        self,
        value: object,
        option_sets: Mapping[str, tuple[Option, ...]],
        ship: bool,
    ) -> tuple[Item, ...]:
        items: list[Item] = []
        seen: dict[str, int] = {}
        for n, raw in _entries(value):
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
        rows = sum(len(item.options) for item in items)
        if rows > MAX_OPTION_ROWS:
            self.error(
                "items",
                f"{rows} options once option sets are shared out to their items "
                f"(at most {MAX_OPTION_ROWS})",
            )
        return tuple(items)

    def item(
        self,
        data: dict[str, Any],
        path: str,
        option_sets: Mapping[str, tuple[Option, ...]],
        ship: bool,
    ) -> Item:
        kind = data.get("kind", "free_text")
        options: tuple[Option, ...] = ()
        options_ref: str | None = None
        raw_options = data.get("options")
        kind_known = f"{path}.kind" not in self.refused
        if not kind_known:
            pass  # what the item may hold depends on the kind refused above
        elif kind in CHOICE_KINDS:
            if isinstance(raw_options, str):
                options_ref = raw_options
                if raw_options not in option_sets:
                    self.error(f"{path}.options", f"unknown option set {raw_options}")
                options = option_sets.get(raw_options, ())
            elif raw_options is None and kind == "yes_no":
                options = YES_NO_OPTIONS
            elif raw_options is None:
                self.error(f"{path}.options", "must be a non-empty list of options")
            else:
                options = self.options(raw_options, f"{path}.options", ship, kind=kind)
            if kind == "yes_no" and sorted(o.value for o in options) != [0, 1]:
                self.error(
                    f"{path}.options", "a yes_no item has exactly the values 0 and 1"
                )
        elif raw_options is not None:
            self.error(f"{path}.options", f"not allowed for kind {kind}")
        low = data.get("min")
        high = data.get("max")
        decimals = data.get("decimals")
        if not kind_known:
            pass
        elif kind not in NUMERIC_KINDS:
            for key in ("min", "max", "decimals"):
                if key in data:
                    self.error(f"{path}.{key}", f"not allowed for kind {kind}")
        else:
            if kind in ("integer", "number"):
                for key, number in (("min", low), ("max", high)):
                    if number is None and f"{path}.{key}" not in self.refused:
                        self.error(f"{path}.{key}", f"is required for kind {kind}")
            if low is not None and high is not None and low > high:
                self.error(f"{path}.max", "must not be below min")
            if kind in INTEGER_KINDS and decimals:
                self.error(f"{path}.decimals", f"must be 0 for kind {kind}")
        show_if = data.get("show_if")
        required = data.get("required")
        safety = data.get("safety")
        return Item(
            code=data.get("code", ""),
            kind=kind,
            text=self.text(data.get("text"), f"{path}.text", require_en=ship),
            help=self.text(data.get("help"), f"{path}.help", require_en=False),
            section=self.text(data.get("section"), f"{path}.section", require_en=False),
            required=True if required is None else required,
            options=options,
            options_ref=options_ref,
            min=low,
            max=high,
            decimals=decimals,
            show_if=None
            if show_if is None
            else self.condition(show_if, f"{path}.show_if"),
            safety=bool(safety),
        )

    def condition(self, value: dict[str, Any], path: str) -> Condition:
        if "all" in value or "any" in value:
            key = "all" if "all" in value else "any"
            built = tuple(
                self.condition(part, f"{path}.{key}[{n}]")
                for n, part in _entries(value.get(key))
            )
            return AllOf(built) if key == "all" else AnyOf(built)
        ref = value.get("ref", "")
        op = value.get("op")
        if op is None:
            return Comparison(ref=ref, op="answered")
        raw = value.get("value")
        operand: Scalar | tuple[Scalar, ...] | None = None
        if op == "answered":
            if "value" in value:
                self.error(f"{path}.value", "not allowed with op answered")
        elif op in ("in", "between"):
            if not isinstance(raw, list):
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
        self, data: dict[str, Any], path: str, items: Mapping[str, Item]
    ) -> ScoreRule:
        method = data.get("method", "none")
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
        reverse_base = data.get("reverse_base")
        if (
            reverse
            and reverse_base is None
            and f"{path}.reverse_base" not in self.refused
        ):
            self.error(f"{path}.reverse_base", "is required with reverse items")
        threshold = data.get("threshold")
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
        value: dict[str, list[int]] | None,
        path: str,
        codes: tuple[str, ...],
        items: Mapping[str, Item],
        method: str,
    ) -> dict[str, tuple[int, ...]]:
        if method != "keyed":
            if value is not None:
                self.error(path, f"not used by method {method}")
            return {}
        if value is None:
            if path not in self.refused:
                self.error(
                    path, "is required for method keyed: item code -> scoring values"
                )
            return {}
        key: dict[str, tuple[int, ...]] = {}
        for code, values in value.items():
            kpath = _join(path, code)
            if code not in codes:
                self.error(kpath, f"{code} is not one of the items")
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

    def scoring(self, data: dict[str, Any], items: tuple[Item, ...]) -> Scoring:
        by_code = {i.code: i for i in items}
        total = (
            self.score(data["total"], "scoring.total", by_code)
            if data.get("total") is not None
            else ScoreRule(method="none")
        )
        subscales: list[Subscale] = []
        for n, raw in _entries(data.get("subscales")):
            spath = f"scoring.subscales[{n}]"
            rule = self.score(raw, spath, by_code)
            code = raw.get("code", "")
            if any(s.code == code for s in subscales):
                self.error(f"{spath}.code", f"duplicate code {code}")
            if rule.method == "none":
                self.error(f"{spath}.method", "a subscale needs a score method")
            label = self.text(raw.get("label"), f"{spath}.label", require_en=True)
            subscales.append(Subscale(code=code, rule=rule, label=label))
        scope = _RuleScope(by_code, total.method != "none", {s.code for s in subscales})
        bands = self.bands(data.get("bands"), total, by_code)
        missing = self.missing(data.get("missing"))
        flags: list[FlagRule] = []
        for n, raw_flag in _entries(data.get("flags")):
            fpath = f"scoring.flags[{n}]"
            when = self.condition(raw_flag.get("when") or {}, f"{fpath}.when")
            self.check_condition(when, f"{fpath}.when", scope)
            flags.append(
                FlagRule(
                    code=str(raw_flag.get("code")),
                    severity=str(raw_flag.get("severity")),
                    when=when,
                    source=raw_flag.get("source"),
                )
            )
        return Scoring(
            total=total,
            subscales=tuple(subscales),
            bands=bands,
            band_source=data.get("band_source"),
            missing=missing,
            flags=tuple(flags),
        )

    def bands(
        self, value: object, total: ScoreRule, items: Mapping[str, Item]
    ) -> tuple[Band, ...]:
        if value and total.method == "none":
            self.error("scoring.bands", "bands need a total")
        bands: list[Band] = []
        for n, data in _entries(value):
            bpath = f"scoring.bands[{n}]"
            code = data.get("code", "")
            if any(b.code == code for b in bands):
                self.error(f"{bpath}.code", f"duplicate code {code}")
            low = data.get("min")
            high = data.get("max")
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
                    source=data.get("source"),
                )
            )
        bounds_known = not any(
            p.startswith("scoring.bands") or p.startswith("scoring.total")
            for p in self.refused
        )
        if bands and total.method != "none" and bounds_known:
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

    def missing(self, value: dict[str, Any] | None) -> MissingRule:
        if value is None:
            return MissingRule()
        rule = value.get("rule", "incomplete")
        min_answered = value.get("min_answered")
        if rule == "prorate" and min_answered is None:
            self.error("scoring.missing.min_answered", "is required for prorate")
        if rule == "incomplete" and "min_answered" in value:
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
    structural = schema.structural_issues(document)
    issues = [Issue(schema.json_path(path), message) for path, message in structural]
    if not isinstance(document, dict):
        raise DefinitionError(issues, source)
    refused = [path for path, _ in structural]
    parser = _Parser(schema.json_path(path) for path in refused)
    definition = parser.document(_without(document, refused))
    issues.extend(parser.issues)
    if issues:
        raise DefinitionError(sorted(issues, key=_document_order), source)
    return definition


def _without(document: dict[str, Any], paths: Iterable[list[str | int]]) -> Any:
    """A copy of ``document`` without the values at ``paths`` (the schema refused them).

    A refused object key is dropped; a refused list entry becomes None (skipped by
    the parser, so the other entries keep their index in messages).
    """
    pruned = copy.deepcopy(document)
    for path in paths:
        if not path:
            continue
        parent: Any = pruned
        try:
            for part in path[:-1]:
                parent = parent[part]
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif isinstance(parent, list):
                parent[path[-1]] = None  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            continue  # inside a value already taken out
    return pruned


def _document_order(issue: Issue) -> list[tuple[int, int | str]]:
    """Sort key: the path's parts, list indexes as numbers (items[2] < items[10])."""
    parts = re.split(r"[.\[\]]+", issue.path)
    return [(0, int(p)) if p.isdigit() else (1, p) for p in parts if p]


def parse_json(text: str | bytes, *, source: str = "") -> InstrumentDefinition:
    """Like :func:`parse`, from JSON text or bytes (limited in size and nesting)."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_DOCUMENT_BYTES:
        raise DefinitionError(
            [Issue("", f"{size} bytes; an instrument is at most {MAX_DOCUMENT_BYTES}")],
            source,
        )
    try:
        document = untrusted_json.loads(text)
    except untrusted_json.UntrustedJSONError as exc:
        raise DefinitionError([Issue("", str(exc))], source) from exc
    return parse(document, source=source)


def load_file(path: Path) -> InstrumentDefinition:
    """Load one definition file; its name must be ``<code>-v<version>.json``."""
    definition = parse_json(path.read_bytes(), source=path.name)
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
