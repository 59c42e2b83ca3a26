"""Screenings as CSV rows, and the data dictionary that describes every column.

Pure: the columns are built from instrument definitions, a row from one
:class:`ScreeningRecord`; nothing here touches the database. Each :class:`Column`
carries the function that reads its value, so the data file and its dictionary are
built from the same list and cannot disagree.

One row per screening. Answers are those of submitted parts only (an unsubmitted part
may still change), keyed ``<instrument>.<item>``; scores come from the screening's
result snapshot (DESIGN.md §3), never from re-scoring.
"""

from __future__ import annotations

import csv as std_csv
import hashlib
import io
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from questionnaires.scoring.definitions import (
    CHOICE_KINDS,
    FLAG_CODES,
    InstrumentDefinition,
    Item,
)

#: The dictionary's own header.
DICTIONARY_HEADER = ("column", "type", "meaning", "allowed_values", "unit", "source")
#: Roles in the order their parts are shown (self, family, clinician).
ROLES = ("self", "informant", "clinician")
_KIND_TYPES = {
    "likert": "integer",
    "single_choice": "integer",
    "yes_no": "integer",
    "integer": "integer",
    "age": "integer",
    "number": "decimal",
    "months": "decimal",
    "time_of_day": "time",
    "free_text": "string",
}
_KIND_UNITS = {"months": "months", "age": "years", "time_of_day": "HH:MM (24 h)"}
#: The keys of a result snapshot that no column reads (evidence and texts, about a
#: third of it): an export leaves them in the database. ``tests/exports/test_csv.py``
#: checks a row is the same without them.
RESULT_KEYS_UNREAD = ("criteria_evidence", "criteria_by_source", "notice", "age")
#: The start of the last line of a complete data file. Never a data row's start: the
#: first column is the screening number, or in a research file an ``R-`` key.
TRAILER_START = "# end of HikiScreen export, data rows: "
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = "".join(_FORMULA_START)


@dataclass(frozen=True)
class ScreeningRecord:
    """What one CSV row is made of, already read from the database."""

    screening_id: int
    patient: str  # the pseudonymous code, or a per-export key in a research export
    age: int
    sex: str
    started_on: date
    completed_on: date | None
    protocols: Mapping[str, str]  # role -> protocol code, submitted parts only
    versions: Mapping[str, int]  # instrument code -> version number answered
    answers: Mapping[str, Mapping[str, Any]]  # instrument -> item -> stored value
    result: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Column:
    """One CSV column: its dictionary entry and how to read its value."""

    name: str
    type: str
    meaning: str
    read: Callable[[ScreeningRecord], object] = field(repr=False, compare=False)
    allowed: str = ""
    unit: str = ""
    source: str = ""

    def dictionary_row(self) -> list[str]:
        """Escaped like data cells: meanings and allowed values carry bank text."""
        return [
            cell(text)
            for text in (
                self.name,
                self.type,
                self.meaning,
                self.allowed,
                self.unit,
                self.source,
            )
        ]


@dataclass(frozen=True)
class Lookup:
    """A column's reader that looks its value up: ``record.<field>``, then each key
    of ``path`` in turn; a missing key or an empty level reads as None.

    Most columns read this way (answers, scores, criteria, outcome), and
    :class:`RowReader` turns a run of them under the same level into one
    C-level ``map`` per row.
    """

    field: str
    path: tuple[str, ...]

    def __call__(self, record: ScreeningRecord) -> object:
        level: Any = getattr(record, self.field)
        for key in self.path[:-1]:
            level = (level or _EMPTY).get(key)
        return (level or _EMPTY).get(self.path[-1])


_EMPTY: Mapping[str, Any] = {}


@dataclass(frozen=True)
class FlagSeverity:
    """A ``flag.<code>`` column's reader: the severity of the result's first flag
    with this code, or None when it was not raised."""

    code: str

    def __call__(self, record: ScreeningRecord) -> str | None:
        for flag in (record.result or _EMPTY).get("flags") or ():
            if flag.get("code") == self.code:
                severity: str = flag.get("severity", "")
                return severity
        return None


class RowReader:
    """``row_for`` for every record of one export, with less Python per row.

    Built once from the columns: each run of consecutive :class:`Lookup` columns
    under the same level (one instrument's items, its scores, the criteria) becomes
    one step that finds the level once and reads its keys with ``map``, and the run
    of :class:`FlagSeverity` columns one step that reads the result's flags once;
    any other column is read by its own ``read``. The cells are ``cell`` of each
    value, what it gives None, an ``int`` and a plain ``str`` written inline. The
    same cells as :func:`row_for`, in the same order (tested).
    """

    def __init__(self, columns: Sequence[Column]) -> None:
        steps: list[tuple[str, Any, list[str]]] = []
        for column in columns:
            read = column.read
            last = steps[-1] if steps else ("", None, [])
            if isinstance(read, Lookup):
                level = (read.field, read.path[:-1])
                if last[0] == "lookup" and last[1] == level:
                    last[2].append(read.path[-1])
                else:
                    steps.append(("lookup", level, [read.path[-1]]))
            elif isinstance(read, FlagSeverity):
                if last[0] == "flags":
                    last[2].append(read.code)
                else:
                    steps.append(("flags", None, [read.code]))
            else:
                steps.append(("read", read, []))
        self._steps = [(kind, arg, tuple(keys)) for kind, arg, keys in steps]

    def __call__(self, record: ScreeningRecord) -> list[str]:
        values: list[object] = []
        append, extend = values.append, values.extend
        for kind, arg, keys in self._steps:
            if kind == "lookup":
                field_, parents = arg
                level: Any = getattr(record, field_)
                for key in parents:
                    level = (level or _EMPTY).get(key)
                extend(map((level or _EMPTY).get, keys))
            elif kind == "flags":
                flags = (record.result or _EMPTY).get("flags") or ()
                # reversed: the first flag of a code wins, as in FlagSeverity
                raised = {f.get("code"): f.get("severity", "") for f in flags[::-1]}
                extend(map(raised.get, keys))
            else:
                append(arg(record))
        return [
            str(v)
            if type(v) is int
            else ""
            if v is None
            else v
            if type(v) is str and v[:1] not in _FORMULA_CHARS
            else cell(v)
            for v in values
        ]


class PatientKeys:
    """Random keys standing in for patients in one research export.

    The same patient gets the same key within one export (so rows of one person can be
    linked) and a new one in the next export, so exports cannot be joined. A key is a
    keyed hash (BLAKE2b, 48 bits) of the patient's number under a secret drawn for this
    export and never stored: nothing links it to the patient without the secret, and
    memory stays flat however many patients an export holds (no table of keys).
    """

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    def __call__(self, patient_id: int) -> str:
        digest = hashlib.blake2b(
            str(patient_id).encode(), key=self._secret, digest_size=6
        )
        return f"R-{digest.hexdigest()}"


def columns_for(
    definitions: Sequence[InstrumentDefinition], *, research: bool = False
) -> list[Column]:
    """Every column of an export over these instrument versions, in order.

    ``definitions`` may hold several versions of one instrument: their items share
    the ``<instrument>.<item>`` columns; ``<instrument>.version`` says which was
    answered.
    A research export has no screening id, a per-export ``patient_key`` instead of the
    patient code, and no free-text answers.
    """
    columns = _screening_columns(research=research)
    by_code: dict[str, list[InstrumentDefinition]] = {}
    for definition in definitions:
        by_code.setdefault(definition.code, []).append(definition)
    for code, versions in by_code.items():
        versions.sort(key=lambda d: d.version)
        columns += _instrument_columns(code, versions, research=research)
    columns += _result_columns()
    names = [c.name for c in columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"duplicate CSV columns: {', '.join(duplicates)}")
    return columns


def header(columns: Sequence[Column]) -> list[str]:
    return [cell(c.name) for c in columns]


def row_for(record: ScreeningRecord, columns: Sequence[Column]) -> list[str]:
    """One screening as CSV cells, in column order."""
    return [cell(column.read(record)) for column in columns]


def dictionary_rows(columns: Sequence[Column]) -> Iterator[list[str]]:
    """The data dictionary: its header, then one row per column."""
    yield list(DICTIONARY_HEADER)
    for column in columns:
        yield column.dictionary_row()


def rows_for(
    records: Iterable[ScreeningRecord], columns: Sequence[Column]
) -> Iterator[list[str]]:
    """The data file: its header, then one row per record (:class:`RowReader`)."""
    yield header(columns)
    yield from map(RowReader(columns), records)


def trailer(rows: int) -> str:
    """The last line of a complete data file: how many data rows it holds.

    Read it with ``pandas.read_csv(..., comment="#")``; :func:`is_complete` checks
    a downloaded file against it.
    """
    return f"{TRAILER_START}{rows}\r\n"


def is_complete(text: str) -> bool:
    """Whether a data file ends with its trailer and holds the rows it names."""
    body, _, last = text.rstrip("\r\n").rpartition("\n")
    if not last.startswith(TRAILER_START):
        return False
    try:
        expected = int(last.removeprefix(TRAILER_START))
    except ValueError:
        return False
    rows = list(std_csv.reader(io.StringIO(body)))
    return len(rows) - 1 == expected


def cell(value: object) -> str:
    """A value as CSV text: empty for missing, ``true``/``false``, lists joined by ;."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ";".join(cell(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


# -- columns ----------------------------------------------------------------------


def _screening_columns(*, research: bool) -> list[Column]:
    columns: list[Column] = []
    if not research:
        columns.append(
            Column(
                "screening_id",
                "integer",
                "The screening's number in HikiScreen.",
                lambda r: r.screening_id,
            )
        )
    columns += [
        (
            Column(
                "patient_key",
                "string",
                "A random key for the patient, the same on every row of this patient "
                "in this export only; it cannot be linked to the patient code.",
                lambda r: r.patient,
            )
            if research
            else Column(
                "patient_code",
                "string",
                "The clinic's pseudonymous patient code.",
                lambda r: r.patient,
            )
        ),
        Column(
            "age",
            "integer",
            "Age the answers are about, fixed when the screening started.",
            lambda r: r.age,
            allowed="10-100",
            unit="years",
        ),
        Column(
            "sex",
            "code",
            "Sex as recorded by the clinic (empty: not recorded).",
            lambda r: r.sex,
            allowed="female; male; other; empty",
        ),
        Column(
            "started_on",
            "date",
            "Day the screening was started (clinic time zone).",
            lambda r: r.started_on,
            unit="YYYY-MM-DD",
        ),
        Column(
            "completed_on",
            "date",
            "Day the last part was submitted; empty while parts are outstanding.",
            lambda r: r.completed_on,
            unit="YYYY-MM-DD",
        ),
    ]
    columns += [
        Column(
            f"protocol.{role}",
            "code",
            f"Protocol of the submitted {_ROLE_NAMES[role]} part; empty if none.",
            Lookup("protocols", (role,)),
        )
        for role in ROLES
    ]
    columns.append(
        Column(
            "engine_version",
            "string",
            "Version of the scoring engine that produced the result columns.",
            Lookup("result", ("engine_version",)),
        )
    )
    return columns


_ROLE_NAMES = {
    "self": "self-report",
    "informant": "family (informant)",
    "clinician": "clinician-rated",
}


def _instrument_columns(
    code: str, versions: Sequence[InstrumentDefinition], *, research: bool
) -> list[Column]:
    latest = versions[-1]
    name = latest.short_name or latest.name.get("en", code)
    numbers = [d.version for d in versions]
    columns = [
        Column(
            f"{code}.version",
            "integer",
            f"Version of {name} that was answered; empty if not part of the screening.",
            Lookup("versions", (code,)),
            allowed=", ".join(str(n) for n in numbers),
            source=_source(code, numbers),
        )
    ]
    items: dict[str, tuple[Item, InstrumentDefinition, list[int]]] = {}
    for definition in versions:
        for item in definition.items:
            if item.code in items:
                items[item.code][2].append(definition.version)
                items[item.code] = (item, definition, items[item.code][2])
            else:
                items[item.code] = (item, definition, [definition.version])
    for item_code, (item, definition, in_versions) in items.items():
        if research and item.kind == "free_text":
            continue
        columns.append(
            Column(
                f"{code}.{item_code}",
                _KIND_TYPES[item.kind],
                _item_meaning(name, item, definition),
                Lookup("answers", (code, item_code)),
                allowed=_allowed(item, definition),
                unit=_KIND_UNITS.get(item.kind, ""),
                source=_source(code, in_versions),
            )
        )
    columns += _score_columns(code, name, versions)
    return columns


def _score_columns(
    code: str, name: str, versions: Sequence[InstrumentDefinition]
) -> list[Column]:
    source = _source(code, [d.version for d in versions])
    columns: list[Column] = []
    with_total = [d.version for d in versions if d.scoring.total.method != "none"]
    if with_total:
        columns.append(
            Column(
                f"{code}.total",
                "decimal",
                f"{name} total score; empty when incomplete or not answered.",
                Lookup("result", ("instruments", code, "total")),
                source=_source(code, with_total),
            )
        )
    subscales: dict[str, tuple[str, list[int]]] = {}
    for definition in versions:
        for subscale in definition.scoring.subscales:
            label = subscale.label.get("en", subscale.code)
            subscales.setdefault(subscale.code, (label, []))[1].append(
                definition.version
            )
    for sub_code, (label, in_versions) in subscales.items():
        columns.append(
            Column(
                f"{code}.subscale.{sub_code}",
                "decimal",
                f"{name} subscale: {label}.",
                Lookup("result", ("instruments", code, "subscales", sub_code)),
                source=_source(code, in_versions),
            )
        )
    bands: dict[str, str] = {}
    with_bands = []
    for definition in versions:
        if definition.scoring.bands:
            with_bands.append(definition.version)
        for band in definition.scoring.bands:
            bands.setdefault(
                band.code,
                f"{band.code}={band.label.get('en', band.code)} "
                f"({_number(band.min)}-{_number(band.max)})",
            )
    if with_bands:
        if code == "asq":  # the engine's extra band (INSTRUMENTS.md §5 U1)
            bands.setdefault("acute_positive", "acute_positive=Acute positive")
        columns.append(
            Column(
                f"{code}.band",
                "code",
                f"{name} band of the total score; empty when incomplete.",
                Lookup("result", ("instruments", code, "band")),
                allowed="; ".join(bands.values()),
                source=_source(code, with_bands),
            )
        )
    columns.append(
        Column(
            f"{code}.complete",
            "boolean",
            f"Whether every required {name} item was answered; empty if not answered.",
            Lookup("result", ("instruments", code, "complete")),
            allowed="true; false",
            source=source,
        )
    )
    return columns


_CRITERIA = {
    "duration": ("code", "meets; at_risk; below; unknown", "Withdrawal duration."),
    "going_out": (
        "code",
        "not_marked; mild; moderate; severe; unknown",
        "How rarely the person leaves home.",
    ),
    "impairment_or_distress": (
        "boolean",
        "true; false; empty (unknown)",
        "Significant impairment or distress.",
    ),
    "onset_before_30": (
        "boolean",
        "true; false; empty (unknown)",
        "Withdrawal began before age 30.",
    ),
}


def _result_columns() -> list[Column]:
    columns = [
        Column(
            f"criterion.{name}",
            kind,
            f"{meaning} Combined over every submitted part (INSTRUMENTS.md §5).",
            Lookup("result", ("criteria", name)),
            allowed=allowed,
        )
        for name, (kind, allowed, meaning) in _CRITERIA.items()
    ]
    columns.append(
        Column(
            "criteria.disagreements",
            "list",
            "Criteria that self-report and family report decided differently, "
            "separated by ;.",
            _disagreements,
            allowed="; ".join(_CRITERIA),
        )
    )
    columns += [
        Column(
            f"flag.{flag}",
            "code",
            f"Severity of the {flag} flag; empty when the flag was not raised.",
            FlagSeverity(flag),
            allowed="urgent; high; moderate; empty",
        )
        for flag in FLAG_CODES
    ]
    columns += [
        Column(
            "outcome.category",
            "code",
            "Overall screening outcome (a screening result, never a diagnosis).",
            Lookup("result", ("outcome", "category")),
            allowed="screen_positive; at_risk; screen_negative; incomplete",
        ),
        Column(
            "outcome.missing",
            "list",
            "What is missing for an incomplete outcome, separated by ;.",
            Lookup("result", ("outcome", "missing")),
        ),
    ]
    return columns


# -- helpers ----------------------------------------------------------------------


def _disagreements(record: ScreeningRecord) -> list[str]:
    return [
        d["criterion"] for d in (record.result or _EMPTY).get("disagreements") or []
    ]


def _item_meaning(name: str, item: Item, definition: InstrumentDefinition) -> str:
    text = item.text.get("en", "") if definition.licence.text_may_ship else ""
    if text:
        return f"{name}: {text}"
    return f"{name} item {item.code} (item text not distributed under its licence)."


def _allowed(item: Item, definition: InstrumentDefinition) -> str:
    if item.kind in CHOICE_KINDS:
        ship = definition.licence.text_may_ship
        return "; ".join(
            f"{o.value}={o.label.get('en', o.code)}"
            if ship and o.label
            else str(o.value)
            for o in item.options
        )
    bounds = item.bounds
    if bounds is not None:
        return f"{_number(bounds[0])}-{_number(bounds[1])}"
    if item.kind == "free_text":
        return "free text, at most 2000 characters"
    return ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _source(code: str, versions: Iterable[int]) -> str:
    return f"{code} " + ", ".join(f"v{n}" for n in versions)


__all__ = [
    "DICTIONARY_HEADER",
    "FlagSeverity",
    "RESULT_KEYS_UNREAD",
    "Column",
    "Lookup",
    "PatientKeys",
    "RowReader",
    "ScreeningRecord",
    "cell",
    "columns_for",
    "dictionary_rows",
    "header",
    "row_for",
    "rows_for",
]
