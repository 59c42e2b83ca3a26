"""What publishing a version would freeze, and what stops it, in an admin's words.

The loader checks that a document is well formed; this module adds what a careful
colleague checks before a version is frozen for good (bands inside the possible
range without gaps or overlaps, cut-offs inside the range, every claimed language
complete, branching only back, flags only on scores that exist), the wording changes
that void a validated instrument's validation, and the golden cases of the previous
version. Every problem names the field it belongs to and the 1-based item number,
so the admin can show it next to that field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from questionnaires.bank import convert, loader
from questionnaires.models import (
    LANGUAGE_CODES,
    GoldenCase,
    InstrumentVersion,
    Item,
    ItemOption,
    Protocol,
)
from questionnaires.scoring import InvalidInput, score
from questionnaires.scoring.definitions import (
    CHOICE_KINDS,
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    InstrumentDefinition,
)
from questionnaires.scoring.rules import score_range

FROZEN = (InstrumentVersion.Status.PUBLISHED, InstrumentVersion.Status.RETIRED)
_ITEM_PATH = re.compile(r"\Aitems\[(\d+)\](?:\.(\w+))?")


def language_name(lang: str) -> str:
    """The language's name from the one language list (settings.LANGUAGES)."""
    return str(dict(settings.LANGUAGES).get(lang, lang))


@dataclass(frozen=True)
class Problem:
    """One reason a draft cannot be published, and where it belongs on the form.

    ``field`` is a version field (``scoring``, ``languages``, ``instructions_ja``) or,
    with ``item`` (1-based, as the admin counts), a field of that item's row.
    """

    message: str
    field: str | None = None
    item: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class CaseOutcome:
    """A golden case of the previous version, scored by the draft."""

    case: GoldenCase
    expected: dict[str, Any]
    got: dict[str, Any]

    @property
    def reproduced(self) -> bool:
        return self.expected == self.got


@dataclass
class Review:
    """Everything the confirmation page shows before a version is frozen."""

    version: InstrumentVersion
    problems: list[Problem] = field(default_factory=list)
    definition: InstrumentDefinition | None = None
    previous: InstrumentVersion | None = None
    wording_changes: list[str] = field(default_factory=list)
    cases: list[CaseOutcome] = field(default_factory=list)
    protocols: list[Protocol] = field(default_factory=list)

    @property
    def failed_cases(self) -> list[CaseOutcome]:
        return [c for c in self.cases if not c.reproduced]


def review(version: InstrumentVersion) -> Review:
    """Check a draft for publishing and gather what the admin must confirm."""
    result = Review(version=version)
    items = list(version.items.prefetch_related("options").order_by("order", "id"))
    result.problems += language_problems(version, items)
    document = convert.draft_document(version)
    try:
        definition = loader.parse(document)
    except loader.DefinitionError as exc:
        own = _range_problems_of_document(document)
        issues = [i for i in exc.issues if not (own and _coverage_issue(i))]
        result.problems += [_loader_problem(i, items) for i in issues]
        result.problems += own
    else:
        result.definition = definition
        result.problems += range_problems(definition)
    result.previous = previous_version(version)
    if result.previous is not None:
        result.wording_changes = wording_changes(result.previous, items)
        result.protocols = protocols_using(result.previous)
        if result.definition is not None:
            result.cases = replay_cases(result.previous, result.definition)
    return result


def previous_version(version: InstrumentVersion) -> InstrumentVersion | None:
    """The newest published or retired version numbered below ``version``."""
    return (
        InstrumentVersion.objects.filter(
            instrument_id=version.instrument_id,
            number__lt=version.number,
            status__in=FROZEN,
        )
        .order_by("-number")
        .first()
    )


def protocols_using(version: InstrumentVersion) -> list[Protocol]:
    """The published protocols that include ``version``: a new one can replace it."""
    return list(
        Protocol.objects.filter(
            status=Protocol.Status.PUBLISHED, entries__instrument_version=version
        )
        .distinct()
        .order_by("order", "code")
    )


# -- languages --------------------------------------------------------------------


def language_problems(
    version: InstrumentVersion, items: Sequence[Item]
) -> list[Problem]:
    """Every language the version claims is complete: items, options, help and
    instructions wherever English has them."""
    ship = version.instrument.text_may_ship
    problems: list[Problem] = []
    for lang in version.languages or ["en"]:
        if lang not in LANGUAGE_CODES:
            problems.append(
                Problem(
                    _("%(lang)s is not a language the bank stores text in.")
                    % {"lang": lang},
                    field="languages",
                )
            )
            continue
        name = language_name(lang)
        if version.instructions_en and not getattr(version, f"instructions_{lang}"):
            problems.append(
                Problem(
                    _(
                        "Instructions in %(lang)s are missing, but %(lang)s is listed "
                        "as complete."
                    )
                    % {"lang": name},
                    field=f"instructions_{lang}",
                )
            )
        for number, item in enumerate(items, start=1):
            problems += _item_language_problems(item, number, lang, ship)
    return problems


def _item_language_problems(
    item: Item, number: int, lang: str, ship: bool
) -> list[Problem]:
    name = language_name(lang)
    where = {"n": number, "code": item.code, "lang": name}
    problems: list[Problem] = []
    if ship and not getattr(item, f"text_{lang}"):
        problems.append(
            Problem(
                _(
                    "Item %(n)s (%(code)s) has no %(lang)s text, but %(lang)s is "
                    "listed as complete."
                )
                % where,
                field=f"text_{lang}",
                item=number,
            )
        )
    for part in ("help", "section"):
        if getattr(item, f"{part}_en") and not getattr(item, f"{part}_{lang}"):
            label = _("help") if part == "help" else _("section heading")
            problems.append(
                Problem(
                    _(
                        "Item %(n)s (%(code)s) has English %(part)s but none in "
                        "%(lang)s."
                    )
                    % {**where, "part": label},
                    field=f"{part}_{lang}",
                    item=number,
                )
            )
    if ship and item.kind in CHOICE_KINDS and item.kind != "yes_no":
        for option in item.options.all():
            if not getattr(option, f"label_{lang}"):
                problems.append(
                    Problem(
                        _(
                            "Item %(n)s (%(code)s): the answer %(value)s has no "
                            "%(lang)s label."
                        )
                        % {**where, "value": option.value},
                        field=f"text_{lang}",
                        item=number,
                    )
                )
    return problems


# -- bands, cut-offs, branching and flags -----------------------------------------


def range_problems(definition: InstrumentDefinition) -> list[Problem]:
    """Bands and cut-offs inside the possible range, bands without gaps or overlaps."""
    items = {i.code: i for i in definition.items}
    scoring = definition.scoring
    problems: list[Problem] = []
    spans: dict[str, tuple[float, float, float]] = {}
    total_span = score_range(scoring.total, items)
    if total_span is not None:
        spans["total"] = total_span
    for subscale in scoring.subscales:
        span = score_range(subscale.rule, items)
        if span is not None:
            spans[f"subscale:{subscale.code}"] = span
    if scoring.bands and total_span is not None:
        problems += band_problems(
            [(b.code, b.min, b.max) for b in scoring.bands], total_span
        )
    for flag in scoring.flags:
        for comparison in _comparisons(flag.when):
            span = spans.get(comparison.ref)
            if span is None or comparison.op in ("answered", "in"):
                continue
            values = (
                comparison.value
                if isinstance(comparison.value, tuple)
                else (comparison.value,)
            )
            for value in values:
                if isinstance(value, int | float) and not span[0] <= value <= span[1]:
                    problems.append(
                        Problem(
                            _(
                                "The cut-off of flag %(flag)s (%(ref)s %(op)s "
                                "%(value)s) is outside the possible range %(low)s–"
                                "%(high)s."
                            )
                            % {
                                "flag": flag.code,
                                "ref": _ref_words(comparison.ref),
                                "op": _OP_WORDS.get(comparison.op, comparison.op),
                                "value": _num(value),
                                "low": _num(span[0]),
                                "high": _num(span[1]),
                            },
                            field="scoring",
                        )
                    )
    return problems


def band_problems(
    bands: Sequence[tuple[str, float, float]], span: tuple[float, float, float]
) -> list[Problem]:
    """Each band inside ``span``; together they cover it without gaps or overlaps."""
    low, high, step = span
    words = {"low": _num(low), "high": _num(high)}
    problems: list[Problem] = []
    for code, bmin, bmax in bands:
        if bmin < low - 1e-9 or bmax > high + 1e-9:
            problems.append(
                Problem(
                    _(
                        "Band %(band)s runs %(min)s–%(max)s, but the total can only be "
                        "%(low)s–%(high)s."
                    )
                    % {"band": code, "min": _num(bmin), "max": _num(bmax), **words},
                    field="scoring",
                )
            )
    ordered = sorted(bands, key=lambda b: (b[1], b[2]))
    if ordered and ordered[0][1] > low + 1e-9:
        problems.append(
            Problem(
                _("Totals %(from)s–%(to)s fall in no band.")
                % {"from": _num(low), "to": _num(ordered[0][1] - step)},
                field="scoring",
            )
        )
    for prev, band in zip(ordered, ordered[1:], strict=False):
        expected = prev[2] + step
        if band[1] > expected + 1e-9:
            problems.append(
                Problem(
                    _(
                        "Totals %(from)s–%(to)s fall in no band (between %(a)s and "
                        "%(b)s)."
                    )
                    % {
                        "from": _num(expected),
                        "to": _num(band[1] - step),
                        "a": prev[0],
                        "b": band[0],
                    },
                    field="scoring",
                )
            )
        elif band[1] < expected - 1e-9:
            problems.append(
                Problem(
                    _("Totals %(from)s–%(to)s are in two bands, %(a)s and %(b)s.")
                    % {
                        "from": _num(band[1]),
                        "to": _num(min(prev[2], band[2])),
                        "a": prev[0],
                        "b": band[0],
                    },
                    field="scoring",
                )
            )
    if ordered:
        last = max(ordered, key=lambda b: b[2])
        if last[2] < high - 1e-9:
            problems.append(
                Problem(
                    _("Totals %(from)s–%(to)s fall in no band.")
                    % {"from": _num(last[2] + step), "to": _num(high)},
                    field="scoring",
                )
            )
    return problems


def _coverage_issue(issue: loader.Issue) -> bool:
    """The loader's own band-coverage issues, which :func:`band_problems` words."""
    return issue.path.startswith("scoring.bands") and (
        issue.message.startswith(("gap:", "overlap:"))
        or "outside the possible range" in issue.message
    )


def _range_problems_of_document(document: dict[str, Any]) -> list[Problem]:
    """Range checks when the full document does not parse yet: parse it without its
    bands and flags (whose own problems the loader reported) to learn the range."""
    scoring = dict(document.get("scoring") or {})
    bands = scoring.pop("bands", None) or []
    scoring.pop("flags", None)
    try:
        bare = loader.parse({**document, "scoring": scoring})
    except loader.DefinitionError:
        return []
    span = score_range(bare.scoring.total, {i.code: i for i in bare.items})
    triples = [
        (str(b.get("code")), b["min"], b["max"])
        for b in bands
        if isinstance(b, dict)
        and isinstance(b.get("min"), int | float)
        and isinstance(b.get("max"), int | float)
    ]
    if span is None or not triples:
        return []
    return band_problems(triples, span)


_OP_WORDS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "ne": "≠"}


def _ref_words(ref: str) -> str:
    if ref == "total":
        return _("total")
    if ref.startswith("subscale:"):
        return _("subscale %(code)s") % {"code": ref[9:]}
    return ref


def _comparisons(condition: Condition) -> Iterable[Comparison]:
    if isinstance(condition, Comparison):
        yield condition
    elif isinstance(condition, AllOf | AnyOf):
        for part in condition.conditions:
            yield from _comparisons(part)


_LOADER_WORDS = (
    (
        re.compile(r"\A(\w+) is not an earlier item\Z"),
        "show_if",
        lambda m, where: (
            _(
                "Item %(n)s (%(code)s) is shown depending on %(ref)s, which is not an "
                "earlier item: branching may only refer to items before it."
            )
            % {**where, "ref": m.group(1)}
        ),
    ),
    (
        re.compile(r"\Aduplicate code (\w+)\Z"),
        "code",
        lambda m, where: (
            _("Item %(n)s uses the code %(ref)s, which an earlier item already has.")
            % {**where, "ref": m.group(1)}
        ),
    ),
)
_FLAG_REF = re.compile(r"\Ascoring\.flags\[(\d+)\]\.when")


def _loader_problem(issue: loader.Issue, items: Sequence[Item]) -> Problem:
    """A loader issue in an admin's terms: 1-based item numbers, the form's field."""
    match = _ITEM_PATH.match(issue.path)
    if match:
        n = int(match.group(1))
        part = match.group(2) or ""
        code = items[n].code if n < len(items) else ""
        where = {"n": n + 1, "code": code}
        for pattern, field_name, words in _LOADER_WORDS:
            found = pattern.match(issue.message)
            if found and part == field_name:
                return Problem(words(found, where), field=field_name, item=n + 1)
        fields = {"text", "code", "kind", "show_if", "min", "max", "decimals"}
        return Problem(
            _("Item %(n)s (%(code)s): %(problem)s")
            % {**where, "problem": _detail(issue, len(f"items[{n}]"))},
            field=part if part in fields else None,
            item=n + 1,
        )
    flag = _FLAG_REF.match(issue.path)
    if flag:
        return Problem(
            _(
                "Flag rule %(n)s refers to something this version does not score: "
                "%(problem)s"
            )
            % {"n": int(flag.group(1)) + 1, "problem": issue.message},
            field="scoring",
        )
    if issue.path.startswith("scoring"):
        return Problem(
            _("Scoring (%(path)s): %(problem)s")
            % {"path": issue.path[8:] or _("rules"), "problem": issue.message},
            field="scoring",
        )
    if issue.path.startswith("languages"):
        return Problem(str(issue.message), field="languages")
    return Problem(str(issue))


def _detail(issue: loader.Issue, end: int) -> str:
    rest = issue.path[end:].lstrip(".")
    rest = re.sub(r"\[(\d+)\]", lambda m: f" {int(m.group(1)) + 1}", rest)
    return f"{rest}: {issue.message}" if rest else issue.message


def _num(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- wording and golden cases -----------------------------------------------------


def wording_changes(previous: InstrumentVersion, items: Sequence[Item]) -> list[str]:
    """Item wording or options that differ from ``previous`` (by item code)."""
    before = {
        i.code: i for i in previous.items.prefetch_related("options").order_by("order")
    }
    changes: list[str] = []
    for number, item in enumerate(items, start=1):
        old = before.get(item.code)
        where = {"n": number, "code": item.code}
        if old is None:
            changes.append(_("Item %(n)s (%(code)s) is new.") % where)
            continue
        for lang in LANGUAGE_CODES:
            if getattr(old, f"text_{lang}") != getattr(item, f"text_{lang}"):
                changes.append(
                    _("Item %(n)s (%(code)s): the %(lang)s wording changed.")
                    % {**where, "lang": language_name(lang)}
                )
        if _options(old) != _options(item):
            changes.append(
                _("Item %(n)s (%(code)s): the answer options changed.") % where
            )
    removed = set(before) - {i.code for i in items}
    changes += [
        _("Item %(code)s was removed.") % {"code": code} for code in sorted(removed)
    ]
    return changes


def _options(item: Item) -> list[tuple[Any, ...]]:
    rows: Iterable[ItemOption] = item.options.all()
    return [
        (o.code, o.value, *(getattr(o, f"label_{lang}") for lang in LANGUAGE_CODES))
        for o in rows
    ]


def case_result(
    definition: InstrumentDefinition, answers: Mapping[str, Any], age: int
) -> dict[str, Any]:
    """What a golden case records: total, band, subscales and flag codes."""
    try:
        scored = score(
            {definition.code: definition}, {definition.code: dict(answers)}, age=age
        ).as_json()
    except InvalidInput as exc:
        return {"error": "; ".join(str(e) for e in exc.errors)}
    instrument = scored["instruments"].get(definition.code, {})
    return {
        "total": instrument.get("total"),
        "band": instrument.get("band"),
        "subscales": instrument.get("subscales", {}),
        "flags": sorted(f["code"] for f in scored["flags"]),
    }


def replay_cases(
    previous: InstrumentVersion, definition: InstrumentDefinition
) -> list[CaseOutcome]:
    """The previous version's golden cases, scored by ``definition``."""
    return [
        CaseOutcome(
            case=case,
            expected=case.expected,
            got=case_result(definition, case.answers, case.age),
        )
        for case in previous.golden_cases.all()
    ]
