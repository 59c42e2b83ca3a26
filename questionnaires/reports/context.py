"""Report context: a stored result snapshot plus report metadata → a plain dict.

Pure: no Django ORM, no templates, no WeasyPrint, so every sentence and number a PDF
shows can be tested without rendering. Inputs are all JSON-ready and frozen at
submission time (DESIGN.md §2):

- ``snapshot``: ``ScreeningResult.as_json()`` (DESIGN.md §3 shape plus extra keys);
  only codes and numbers are read from it, so the words follow the report language.
- ``instruments``: :func:`instruments_meta` of the definitions that were answered
  (names, versions, citations, licences, score ranges, bands and cut-offs), stored
  beside the snapshot so that a later rule change never alters an old report.
- ``meta``: :class:`ReportMeta` (organisation, patient code, date, respondents).

Approved clinical wording comes from ``questionnaires.scoring.wording``; the report's
own strings are gettext messages (:mod:`questionnaires.reports.texts`), rendered under
``translation.override`` of the report language; dates and numbers use Django's
localized formats.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from django.utils import formats, translation
from django.utils.translation import gettext

from questionnaires.bank.names import instrument_name
from questionnaires.reports import texts
from questionnaires.reports.crisis import (
    Contact,
    crisis_contacts,
    dv_contacts,
    emergency_number,
    youth_contacts,
)
from questionnaires.scoring import wording
from questionnaires.scoring.definitions import (
    AllOf,
    Comparison,
    Condition,
    InstrumentDefinition,
)
from questionnaires.scoring.engine import possible_total
from questionnaires.scoring.rules import score_range

AUDIENCES = ("clinician", "family", "self")
#: What a clinician may choose to share with the family for one download.
SHARE_CHOICES = ("safety",)
#: Whose answers each instrument holds (DESIGN.md §3); the rest are the young person's.
FAMILY_INSTRUMENTS = frozenset({"withdrawal_family", "aq10_adolescent", "aq10_child"})
CLINICIAN_INSTRUMENTS = frozenset({"criteria", "sofas"})
#: Instruments that screen for suicide risk, and for safety at home (INSTRUMENTS.md §4).
SUICIDE_ITEMS = {"asq": "asq_1", "phq9": "phq9_9", "withdrawal_family": None}
ADULT_AGE = 18
LANGUAGES = texts.LANGUAGES
#: In the order of their letters (a)-(c) in Kato, Kanba & Teo 2020, onset last.
CRITERIA = ("going_out", "duration", "impairment_or_distress", "onset_before_30")
#: Instruments whose answers describe the withdrawal itself (INSTRUMENTS.md §3).
_SELF_MODULE = "withdrawal"
_FAMILY_MODULE = "withdrawal_family"
#: Width of the score bars in SVG user units (the template scales them to the page).
CHART_WIDTH = 300.0


class Respondent(TypedDict):
    """Who answered which instruments, and on which day (ISO date or None)."""

    role: str  # "self", "informant" or "clinician"
    instruments: list[str]
    answered_on: str | None
    mode: NotRequired[str]  # "kiosk", "link" or "clinician" (ScreeningPart.Mode)
    #: The translations this respondent was shown, with their provenance.
    translations: NotRequired[list[TranslationShown]]


class TranslationShown(TypedDict):
    """A translation a respondent was shown: where it comes from, validated or not."""

    instrument: str  # instrument code
    source: str
    citation: str
    population: str
    licence: str
    validated: bool


class ReportMeta(TypedDict):
    """What a report shows besides the result; stored with the snapshot."""

    organisation: str
    patient_code: str
    report_date: str  # ISO date
    respondents: list[Respondent]
    crisis_contacts: NotRequired[Mapping[str, Sequence[Contact]]]
    layout_version: NotRequired[str]
    #: Earlier scored screenings of the same patient, oldest first:
    #: ``{"date": ISO date, "category": outcome code, "totals": {code: number}}``.
    history: NotRequired[Sequence[Mapping[str, Any]]]


@dataclass(frozen=True)
class ReportData:
    """What one screening's reports are rendered from, in any audience and language."""

    snapshot: Mapping[str, Any]
    instruments: Mapping[str, Mapping[str, Any]]
    meta: ReportMeta
    #: Each respondent's own result, scored from their answers only: ``"family"``
    #: and ``"self"`` (DESIGN.md §3). Absent when that person answered nothing.
    own: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: The answers as given, instrument code -> item code -> value (clinician only:
    #: the safety items and the item-level answers).
    answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def respondent_of(code: str) -> str:
    """Whose answers ``code`` holds: ``family``, ``clinician`` or ``self``."""
    if code in FAMILY_INSTRUMENTS:
        return "family"
    if code in CLINICIAN_INSTRUMENTS:
        return "clinician"
    return "self"


def _no_answers(age: int) -> dict[str, Any]:
    """The result of a respondent who answered nothing."""
    return {
        "age": age,
        "instruments": {},
        "criteria": {},
        "flags": [],
        "outcome": {"category": "incomplete", "missing": []},
    }


def report_context(
    data: ReportData, *, audience: str, lang: str, shared: Sequence[str] = ()
) -> dict[str, Any]:
    """The context of one audience's report, each built from its own facts.

    ``clinician`` reads the whole screening; ``family`` and ``self`` read only their
    own result (``data.own``). ``shared`` (family only) holds what the clinician chose
    to share from the young person's answers for this download (``SHARE_CHOICES``).
    """
    if audience == "clinician":
        snapshot = data.snapshot
    else:
        snapshot = data.own.get(audience) or _no_answers(data.snapshot["age"])
    return build_context(
        snapshot,
        data.instruments,
        audience=audience,
        lang=lang,
        meta=data.meta,
        shared=shared if audience == "family" else (),
        full=data.snapshot,
        answers=data.answers if audience == "clinician" else None,
    )


# --- Instrument metadata (built once per screening, then stored) ----------------------


def instrument_meta(
    definition: InstrumentDefinition,
    *,
    age: int,
    given: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON-ready facts a report needs about one answered instrument version.

    ``age`` picks the age-dependent cut-offs (INSTRUMENTS.md §4, PHQ-9 under 18);
    ``given`` (the answers, when known) adds what missing answers could change (M1).
    """
    scoring = definition.scoring
    items = definition.index.items
    total_range = score_range(scoring.total, items)
    cutoffs = sorted(
        {value for rule in scoring.flags for value in _total_cutoffs(rule.when, age)}
        | {band.min for band in scoring.bands if band.code == "above_cutoff"}
    )
    return {
        "code": definition.code,
        "version": definition.version,
        "name": dict(definition.name),
        "short_name": definition.short_name,
        "audience": definition.audience,
        "citation": definition.citation,
        "licence": definition.licence.note,
        "attribution": definition.licence.attribution,
        "range": list(total_range[:2]) if total_range else None,
        "bands": [
            {"code": b.code, "min": b.min, "max": b.max, "label": dict(b.label)}
            for b in scoring.bands
        ],
        "cutoffs": cutoffs,
        "cutoff_sources": _cutoff_sources(definition, age),
        "possible_total": _possible_total(definition, given, age),
        # Question text only where the licence lets it ship (the bundle holds none
        # otherwise); a report then shows the code and the answer alone.
        "item_text": {
            item.code: dict(item.text) for item in definition.items if item.text
        },
        "item_options": {
            item.code: {str(o.value): dict(o.label) for o in item.options if o.label}
            for item in definition.items
            if item.options
        },
        "subscales": {
            s.code: {
                "label": dict(s.label),
                "range": list(r[:2]) if (r := score_range(s.rule, items)) else None,
            }
            for s in scoring.subscales
        },
    }


def _possible_total(
    definition: InstrumentDefinition, given: Mapping[str, Any] | None, age: int
) -> dict[str, Any] | None:
    """What the missing answers of an incomplete instrument could still make of it
    (INSTRUMENTS.md §5 M1, :func:`engine.possible_total`); None when complete or when
    the answers are not known."""
    if given is None:
        return None
    found = possible_total(definition, given, age)
    if found is None:
        return None
    return {
        "low": found.low,
        "high": found.high,
        "band_may_change": found.band_may_change,
    }


def _may_change(meta: Mapping[str, Any], lang: str) -> str:
    """Whether an incomplete instrument's missing answers could change its band or
    reach a cut-off (and so the flags and the outcome), exactly (M1)."""
    possible = meta.get("possible_total")
    if not possible or possible["low"] is None:
        # Answers or an item's range unknown: it may change anything.
        return texts.text("missing.may_change", lang)
    low, high = possible["low"], possible["high"]
    if possible["band_may_change"]:
        key = "missing.range.band"
    elif any(low < c <= high for c in meta["cutoffs"]):
        key = "missing.range.cutoff"
    else:
        key = "missing.range.same"
    return texts.text(key, lang, low=format_number(low), high=format_number(high))


def _cutoff_sources(definition: InstrumentDefinition, age: int) -> list[str]:
    """Where each cut-off in use comes from: band and flag-rule sources.

    Flag rules that do not apply at ``age`` (PHQ-9's adult cut-off for a 16-year-old)
    are left out.
    """
    sources: list[str] = []
    for band in definition.scoring.bands:
        if band.code == "above_cutoff" and band.source:
            sources.append(_first_part(band.source))
    for rule in definition.scoring.flags:
        if rule.source and _total_cutoffs(rule.when, age):
            sources.append(_first_part(rule.source))
    if definition.code == "hq25":
        # A report message (translated when the report is rendered), not a citation.
        sources.append("hq25.source_44")
    return list(dict.fromkeys(sources))


def _first_part(source: str) -> str:
    """A source note without its reviewers' ``VERIFY:`` remark."""
    return source.split(" VERIFY")[0].strip()


def instruments_meta(
    definitions: Mapping[str, InstrumentDefinition],
    codes: Iterable[str],
    *,
    age: int,
    answers: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """:func:`instrument_meta` for each answered instrument code (with its answers,
    when known)."""
    given = answers or {}
    return {
        code: instrument_meta(definitions[code], age=age, given=given.get(code))
        for code in codes
    }


def _total_cutoffs(condition: Condition, age: int) -> set[float]:
    """Total thresholds of a flag rule that apply at ``age`` (INSTRUMENTS.md §4)."""
    if isinstance(condition, Comparison):
        if condition.ref == "total" and isinstance(condition.value, int | float):
            bump = {"gt": 1, "le": 1}.get(condition.op, 0)
            if condition.op in ("ge", "gt", "lt", "le"):
                return {condition.value + bump}
        return set()
    parts = condition.conditions
    if isinstance(condition, AllOf) and not all(_age_holds(c, age) for c in parts):
        return set()
    found: set[float] = set()
    for part in parts:
        found |= _total_cutoffs(part, age)
    return found


def _age_holds(condition: Condition, age: int) -> bool:
    if not (isinstance(condition, Comparison) and condition.ref == "age"):
        return True
    value = condition.value
    if not isinstance(value, int | float):
        return True
    return {
        "ge": age >= value,
        "gt": age > value,
        "le": age <= value,
        "lt": age < value,
        "eq": age == value,
        "ne": age != value,
    }.get(condition.op, True)


# --- Formatting helpers ---------------------------------------------------------------


def format_date(iso: str | None, lang: str) -> str:
    """A date the way a reader of ``lang`` writes it ("" for None): Django's
    localized DATE_FORMAT ("6 Dec 2026", "2026年12月6日", "06/12/2026")."""
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso[:10])
    with translation.override(lang):
        return formats.date_format(day, "DATE_FORMAT")


def format_number(value: float | None, lang: str | None = None) -> str:
    """12.0 → "12", 12.5 → "12.5" ("12,5" in Italian), None → "—"; in ``lang``,
    else the active language."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    if lang is not None:
        with translation.override(lang):
            return format_number(value)
    return formats.number_format(f"{value:g}", use_l10n=True)


def short_name(code: str, meta: Mapping[str, Any], lang: str) -> str:
    """An instrument's short name in ``lang``: HikiScreen's own modules translated,
    published instruments by their published abbreviation (PHQ-9 in every language)."""
    key = f"short.{code}"
    if texts.has(key):
        return texts.text(key, lang)
    return str(meta.get("short_name", code))


def _localised(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("en", "")


def _parse_because(entry: str) -> tuple[str, str, str]:
    """``"phq9.phq9_9=2"`` → ("phq9", "phq9_9", "2") (INSTRUMENTS.md §4 format)."""
    ref, _, value = entry.partition("=")
    instrument, _, item = ref.partition(".")
    return instrument, item, value


def _because_text(
    entries: Iterable[str], instruments: Mapping[str, Any], lang: str = "en"
) -> list[str]:
    """One line per instrument: ``"PHQ-9: phq9_9 = 2, total = 21"``."""
    grouped: dict[str, list[str]] = {}
    for entry in entries:
        code, item, value = _parse_because(entry)
        grouped.setdefault(code, []).append(f"{item} = {value}")
    return [
        texts.text(
            "label_value",
            lang,
            label=short_name(code, instruments.get(code, {}), lang),
            value=texts.join(parts, lang),
        )
        for code, parts in grouped.items()
    ]


# --- The context ----------------------------------------------------------------------


def build_context(
    snapshot: Mapping[str, Any],
    instruments: Mapping[str, Mapping[str, Any]],
    *,
    audience: str,
    lang: str,
    meta: ReportMeta,
    shared: Sequence[str] = (),
    full: Mapping[str, Any] | None = None,
    answers: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything the ``audience`` report in ``lang`` shows, as plain data, every
    word in ``lang`` (gettext under ``translation.override``); see _build_context."""
    with translation.override(lang):
        return _build_context(
            snapshot,
            instruments,
            audience=audience,
            lang=lang,
            meta=meta,
            shared=shared,
            full=full,
            answers=answers,
        )


def _build_context(
    snapshot: Mapping[str, Any],
    instruments: Mapping[str, Mapping[str, Any]],
    *,
    audience: str,
    lang: str,
    meta: ReportMeta,
    shared: Sequence[str] = (),
    full: Mapping[str, Any] | None = None,
    answers: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything the ``audience`` report in ``lang`` shows, as plain data.

    ``snapshot`` is the result the report is about: the whole screening's for the
    clinician, the reader's own for ``family`` and ``self`` (see
    :func:`report_context`). ``full`` is the whole screening's result, read only for
    what the clinician chose to share (``shared``).
    """
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown report audience {audience!r}")
    if lang not in LANGUAGES:
        raise ValueError(f"Unsupported report language {lang!r}")

    def t(key: str, **values: object) -> str:
        return texts.text(key, lang, **values)

    flags = list(snapshot.get("flags", []))
    urgent = [f for f in flags if f["severity"] == "urgent"]
    category = snapshot["outcome"]["category"]
    title = t(f"title.{audience}")
    org = meta["organisation"]
    context: dict[str, Any] = {
        "lang": lang,
        "audience": audience,
        "title": title,
        "doc_title": f"{title} · {meta['patient_code']}",
        "organisation": org,
        "patient_code": meta["patient_code"],
        "age": snapshot["age"],
        "age_text": t("age_value", age=snapshot["age"]),
        "report_date": format_date(meta["report_date"], lang),
        "engine_text": t(
            "engine_value",
            engine=snapshot.get("engine_version", "?"),
            layout=meta.get("layout_version", "—"),
        ),
        "footer": t("footer", org=org, code=meta["patient_code"]),
        "not_a_diagnosis": wording.phrase("not_a_diagnosis", lang),
        "has_urgent": bool(urgent),
        "outcome": _outcome(snapshot["outcome"], lang),
    }
    if audience == "clinician":
        context.update(_clinician(snapshot, instruments, meta, lang, urgent, flags))
        context.update(_answers(snapshot, instruments, answers or {}, lang))
    elif audience == "self":
        context.update(_self(snapshot, meta, lang, category))
    else:
        context.update(_family(snapshot, meta, lang, category, shared, full))
    return context


def _outcome(outcome: Mapping[str, Any], lang: str) -> dict[str, Any]:
    category = outcome["category"]
    # Recomputed from codes so the words follow the report's language (the snapshot
    # may have been stored in another); the decision itself is the snapshot's.
    return {
        "category": category,
        "label": texts.text(f"category.{category}", lang),
        "recommendation": wording.recommendation(
            category,
            lang,
            missing=outcome.get("missing", ()),
            comorbidity=_comorbidity(outcome),
        ),
        "explanation": wording.unmet_explanation(outcome.get("unmet", ()), lang),
    }


def _comorbidity(outcome: Mapping[str, Any]) -> bool:
    """Whether the engine added §6's "may be related to another condition" sentence."""
    if "comorbidity_note" in outcome:
        return bool(outcome["comorbidity_note"])
    stored = outcome.get("recommendation", "")
    return any(wording.phrase("comorbidity", lang) in stored for lang in LANGUAGES)


def _clinician(
    snapshot: Mapping[str, Any],
    instruments: Mapping[str, Mapping[str, Any]],
    meta: ReportMeta,
    lang: str,
    urgent: list[Mapping[str, Any]],
    flags: list[Mapping[str, Any]],
) -> dict[str, Any]:
    def t(key: str, **values: object) -> str:
        return texts.text(key, lang, **values)

    asq_band = snapshot.get("instruments", {}).get("asq", {}).get("band")
    urgent_items = []
    for flag in urgent:
        if flag["code"] == "suicide_risk":
            action = wording.suicide_text("clinician", lang, asq_band=asq_band)
        elif flag["code"] == "family_safety":
            action = t("urgent.family_safety")
        else:
            action = wording.flag_explanation(flag["code"], lang)
        urgent_items.append(
            {
                "code": flag["code"],
                "label": t(f"flag.{flag['code']}"),
                "action": action,
                "because": _because_text(flag["because"], instruments, lang),
            }
        )
    return {
        "respondents": [
            {
                "role": t(f"role.{r['role']}"),
                "instruments": texts.join(
                    (
                        f"{short_name(c, instruments[c], lang)} "
                        + t("version_short", version=instruments[c]["version"])
                        for c in r["instruments"]
                        if c in instruments
                    ),
                    lang,
                ),
                "answered_on": format_date(r.get("answered_on"), lang),
                "mode": t(f"mode.{r['mode']}") if r.get("mode") else "",
                "translations": [
                    _translation_line(shown, instruments, lang)
                    for shown in r.get("translations", ())
                ],
            }
            for r in meta["respondents"]
        ],
        "urgent": urgent_items,
        "flags": [
            {
                "code": f["code"],
                "label": t(f"flag.{f['code']}"),
                "severity": f["severity"],
                "severity_label": t(f"severity.{f['severity']}"),
                "meaning": wording.flag_explanation(f["code"], lang),
                "because": _because_text(f["because"], instruments, lang),
            }
            for f in flags
            if f["severity"] != "urgent"
        ],
        "not_screened": not_screened(snapshot, lang),
        "history": [
            {
                "date": format_date(row["date"], lang),
                "outcome": t(f"category.{row['category']}"),
                "totals": " · ".join(
                    f"{short_name(code, instruments.get(code, {}), lang)} "
                    f"{format_number(value)}"
                    for code, value in row["totals"].items()
                ),
            }
            for row in meta.get("history", [])
        ],
        "contacts": crisis_contacts(lang, meta.get("crisis_contacts")),
        "dv_contacts": dv_contacts(lang),
        "criteria": _criteria_rows(snapshot, instruments, lang),
        "scores": [
            _score_row(code, result, instruments[code], lang)
            for code, result in snapshot.get("instruments", {}).items()
            if code in instruments and instruments[code]["range"] is not None
        ],
        "no_total": _no_total(snapshot, instruments, lang),
        "comparison": _comparison(snapshot, lang),
        "how_to_read": texts.lines("how_to_read", lang),
        "references": [
            {
                "name": instrument_name(m["name"], lang),
                "version": t("version_short", version=m["version"]),
                "citation": m["citation"],
                "licence": _licence_summary(m["licence"]),
                "attribution": m["attribution"],
            }
            for m in instruments.values()
        ],
    }


#: Safety items shown with their question and answer, in order (INSTRUMENTS.md §4).
SAFETY_ITEMS = (
    ("asq", "asq_1"),
    ("asq", "asq_2"),
    ("asq", "asq_3"),
    ("asq", "asq_4"),
    ("asq", "asq_5"),
    ("phq9", "phq9_9"),
    ("withdrawal_family", "fam_self_harm_talk"),
    ("withdrawal_family", "fam_safety_now"),
    ("withdrawal_family", "fam_conflict"),
)


def _answer_label(meta: Mapping[str, Any], item: str, value: object, lang: str) -> str:
    """An answer in words where the option has a label, else the value."""
    if isinstance(value, str):
        return value  # a time "HH:MM" or free text
    shown = format_number(value)  # type: ignore[arg-type]
    label = meta.get("item_options", {}).get(item, {}).get(shown)
    return f"{_localised(label, lang)} ({shown})" if label else shown


def _answers(
    snapshot: Mapping[str, Any],
    instruments: Mapping[str, Mapping[str, Any]],
    answers: Mapping[str, Mapping[str, Any]],
    lang: str,
) -> dict[str, Any]:
    """The clinician's safety items and item-level answers, with question text where
    the licence lets it ship (else the item code alone)."""

    def question(code: str, item: str) -> str:
        text = instruments.get(code, {}).get("item_text", {}).get(item)
        return _localised(text, lang) if text else ""

    safety = []
    for code, item in SAFETY_ITEMS:
        given = answers.get(code)
        if given is None:
            answer = texts.text("not_asked", lang)
        elif given.get(item) is None:
            answer = texts.text("value.none", lang)
        else:
            answer = _answer_label(instruments.get(code, {}), item, given[item], lang)
        safety.append(
            {
                "code": item,
                "question": question(code, item),
                "answer": answer,
                "positive": given is not None and (given.get(item) or 0) > 0,
            }
        )
    items = [
        {
            "instrument": short_name(code, instruments.get(code, {}), lang),
            "rows": [
                {
                    "code": item,
                    "question": question(code, item),
                    "answer": _answer_label(
                        instruments.get(code, {}), item, value, lang
                    )
                    if value is not None
                    else texts.text("value.none", lang),
                }
                for item, value in given.items()
            ],
        }
        for code, given in answers.items()
        if code in snapshot.get("instruments", {})
    ]
    return {"safety_items": safety if answers else [], "item_answers": items}


def not_screened(snapshot: Mapping[str, Any], lang: str) -> list[str]:
    """The safety instruments not given, named as not screened (INSTRUMENTS.md §6)."""
    answered = snapshot.get("instruments", {})

    def asked(code: str, item: str | None) -> bool:
        result = answered.get(code)
        return result is not None and (item is None or item not in result["missing"])

    found = []
    if not (
        asked("asq", None)
        or asked("phq9", "phq9_9")
        or asked(_FAMILY_MODULE, "fam_self_harm_talk")
    ):
        found.append(texts.text("not_screened.suicide_risk", lang))
    if not asked(_FAMILY_MODULE, "fam_safety_now"):
        found.append(texts.text("not_screened.family_safety", lang))
    return found


def _no_total(
    snapshot: Mapping[str, Any], instruments: Mapping[str, Any], lang: str
) -> str:
    names = [
        short_name(code, instruments[code], lang)
        for code in snapshot.get("instruments", {})
        if code in instruments and instruments[code]["range"] is None
    ]
    if not names:
        return ""
    return texts.text("no_total_modules", lang, names=texts.join(names, lang))


def _licence_summary(note: str) -> str:
    """The licence note's first sentence when it is short; long notes are for admins."""
    first = re.sub(r"\s*\([^)]*\)", "", note.split(". ")[0]).strip().rstrip(".")
    return f"{first}." if first and len(first) <= 100 else ""


def _status(criterion: str, value: object) -> str:
    if value is None or value == "unknown":
        return "unknown"
    if criterion == "duration":
        return {"meets": "met", "at_risk": "partly"}.get(str(value), "not_met")
    if criterion == "going_out":
        return "not_met" if value == "not_marked" else "met"
    return "met" if value is True else "not_met"


def value_label(criterion: str, value: object, lang: str) -> str:
    """A criterion's value in words (INSTRUMENTS.md §5 C1-C4)."""
    if criterion in ("duration", "going_out"):
        return texts.text(f"{criterion}.{value or 'unknown'}", lang)
    if value is None:
        return texts.text("value.none", lang)
    prefix = "onset" if criterion == "onset_before_30" else "impairment"
    return texts.text(f"{prefix}.{'true' if value else 'false'}", lang)


def _criteria_rows(
    snapshot: Mapping[str, Any], instruments: Mapping[str, Any], lang: str
) -> list[dict[str, Any]]:
    evidence = snapshot.get("criteria_evidence", {})
    by_source = snapshot.get("criteria_by_source", {})
    rows = []
    for name in CRITERIA:
        value = snapshot["criteria"].get(name)
        status = _status(name, value)
        source = evidence.get(name, {}).get("source")
        values = by_source.get(name, {})
        rows.append(
            {
                "sources": [
                    {
                        "source": who,
                        "label": texts.text(f"source.{who}", lang),
                        "value": value_label(name, values[who], lang)
                        if who in values
                        else "—",
                        "decided": who == source,
                    }
                    for who in ("self", "family", "clinician")
                ],
                "name": name,
                "label": texts.text(f"criterion.{name}", lang),
                "status": status,
                "status_label": texts.text(f"status.{status}", lang),
                "value_label": value_label(name, value, lang),
                "source_label": texts.text(f"source.{source or 'none'}", lang),
                "because": _because_text(
                    evidence.get(name, {}).get("because", []), instruments, lang
                ),
            }
        )
    return rows


def _comparison(snapshot: Mapping[str, Any], lang: str) -> dict[str, Any]:
    answered = snapshot.get("instruments", {})
    rows = [
        {
            "label": texts.text(f"criterion.{d['criterion']}", lang),
            "self": value_label(d["criterion"], d["self"], lang),
            "family": value_label(d["criterion"], d["family"], lang),
        }
        for d in snapshot.get("disagreements", [])
    ]
    if rows:
        state = "differ"
    elif _SELF_MODULE in answered and _FAMILY_MODULE in answered:
        state = "agree"
    else:
        state = "single"
    return {"state": state, "rows": rows}


def _score_row(
    code: str, result: Mapping[str, Any], meta: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    lo, hi = meta["range"]
    total = result.get("total")
    band_label = ""
    for band in meta["bands"]:
        if band["code"] == result.get("band"):
            band_label = _localised(band["label"], lang)
    if result.get("band") == "acute_positive":
        band_label = texts.text("band.acute_positive", lang)
    missing = list(result.get("missing", []))
    item_texts = meta.get("item_text", {})
    missing_text = (
        texts.text(
            "missing_items",
            lang,
            items=texts.join(
                (
                    f"{code} ({_localised(item_texts[code], lang)})"
                    if code in item_texts
                    else code
                    for code in missing
                ),
                lang,
                long=True,
            ),
        )
        if missing
        else ""
    )
    lower_bound = result.get("lower_bound")
    subscales = []
    for sub_code, value in result.get("subscales", {}).items():
        sub = meta["subscales"].get(sub_code, {"label": {}, "range": None})
        sub_range = sub["range"] or [lo, hi]
        subscales.append(
            {
                "label": _localised(sub["label"], lang) or sub_code,
                "value": format_number(value),
                "max": format_number(sub_range[1]),
                "chart": chart(value, sub_range[0], sub_range[1], [], []),
            }
        )
    return {
        "code": code,
        "name": instrument_name(meta["name"], lang),
        "short_name": short_name(code, meta, lang),
        "version": texts.text("version_short", lang, version=meta["version"]),
        "total": format_number(total),
        "max": format_number(hi),
        "score_text": texts.text(
            "score_of", lang, total=format_number(total), max=format_number(hi)
        )
        if total is not None
        else texts.text("incomplete_items", lang, n=len(missing)),
        "complete": total is not None,
        "missing_text": missing_text,
        "lower_bound_text": texts.text(
            "lower_bound", lang, value=format_number(lower_bound)
        )
        if lower_bound is not None
        else "",
        "may_change": _may_change(meta, lang)
        if missing and lower_bound is None
        else "",
        # A cut-off's source is the bank's published note (a citation, in English)
        # unless the report has a message of its own for it.
        "cutoff_sources": [
            {
                "label": texts.text("cutoff_source", lang),
                "text": texts.text(source, lang) if texts.has(source) else source,
                "lang": lang if texts.has(source) else "en",
            }
            for source in meta.get("cutoff_sources", [])
        ],
        "band_label": band_label,
        "cutoffs": [
            texts.text("cutoff", lang, value=format_number(c)) for c in meta["cutoffs"]
        ],
        "chart": chart(total, lo, hi, meta["bands"], meta["cutoffs"]),
        # The chart's alternative text (PDF/UA): everything the bar shows, in words.
        "chart_label": texts.join(
            (
                part
                for part in (
                    texts.text(
                        "label_value",
                        lang,
                        label=short_name(code, meta, lang),
                        value=(
                            texts.text(
                                "score_of",
                                lang,
                                total=format_number(total),
                                max=format_number(hi),
                            )
                            if total is not None
                            else texts.text("incomplete_items", lang, n=len(missing))
                        ),
                    ),
                    texts.join(
                        (
                            texts.text("cutoff", lang, value=format_number(c))
                            for c in meta["cutoffs"]
                        ),
                        lang,
                    ),
                    band_label,
                )
                if part
            ),
            lang,
            long=True,
        ),
        "subscales": subscales,
    }


def chart(
    value: float | None,
    lo: float,
    hi: float,
    bands: Sequence[Mapping[str, Any]],
    cutoffs: Sequence[float],
) -> dict[str, Any]:
    """Geometry of one score bar: band segments, cut-off lines and the score marker.

    Numbers only; ``_chart.html`` draws them as inline SVG. Positions are in
    ``CHART_WIDTH`` units along a linear scale from ``lo`` to ``hi``.
    """
    span = (hi - lo) or 1.0

    def x(v: float) -> float:
        return round(min(max((v - lo) / span, 0.0), 1.0) * CHART_WIDTH, 2)

    segments = []
    ordered = sorted(bands, key=lambda b: b["min"])
    for n, band in enumerate(ordered):
        end = ordered[n + 1]["min"] if n + 1 < len(ordered) else hi
        current = value is not None and band["min"] <= value <= band["max"]
        segments.append(
            {
                "x": x(band["min"]),
                "width": round(x(end) - x(band["min"]), 2),
                "shade": "current" if current else ("even" if n % 2 == 0 else "odd"),
            }
        )
    if not segments:
        segments.append({"x": 0.0, "width": CHART_WIDTH, "shade": "even"})
    cut_xs = [x(c) for c in cutoffs]
    return {
        "width": CHART_WIDTH,
        "view_width": CHART_WIDTH + 4,
        "segments": segments,
        "cutoffs": [
            {"x": cx, "label": format_number(c)}
            for cx, c in zip(cut_xs, cutoffs, strict=True)
        ],
        # The marker is 3 units wide, centred on the score.
        "marker": None if value is None else round(x(value) - 1.5, 2),
        "lo": format_number(lo),
        "hi": format_number(hi),
        # End labels give way to a cut-off label that would overlap them.
        "show_lo": all(cx > 22 for cx in cut_xs),
        "show_hi": all(cx < CHART_WIDTH - 22 for cx in cut_xs),
    }


# --- Family summary -------------------------------------------------------------------


def _family(
    snapshot: Mapping[str, Any],
    meta: ReportMeta,
    lang: str,
    category: str,
    shared: Sequence[str] = (),
    full: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The family summary: the family's own answers and what follows from them.

    Nothing from the young person's own answers appears unless the clinician chose
    to share it (``shared``); then it is named as shared, never as the parent's.
    """

    def t(key: str, **values: object) -> str:
        return texts.text(key, lang, **values)

    emergency = emergency_number(lang)
    answered = _FAMILY_MODULE in snapshot.get("instruments", {})
    negative = category == "screen_negative"
    flags = snapshot.get("flags", [])
    codes = {f["code"]: f for f in flags}
    other = [f for f in flags if f["code"] not in ("suicide_risk", "family_safety")]
    safety = codes.get("family_safety")
    shared_safety = "safety" in shared and _self_raised_suicide(full or {})
    boxes: list[dict[str, Any]] = []
    if "suicide_risk" in codes:
        boxes.append(
            {
                "kind": "suicide",
                "urgent": True,
                "title": t("fam.urgent.title"),
                "body": t("fam.urgent.body", emergency=emergency),
                "contacts": crisis_contacts(lang, meta.get("crisis_contacts")),
            }
        )
    if shared_safety and "suicide_risk" not in codes:
        boxes.append(
            {
                "kind": "shared",
                "urgent": True,
                "title": t("fam.shared.title"),
                "body": t("fam.shared.safety"),
                "contacts": crisis_contacts(lang, meta.get("crisis_contacts")),
            }
        )
    if safety is not None:
        urgent_safety = safety["severity"] == "urgent"
        boxes.append(
            {
                "kind": "home" if urgent_safety else "conflict",
                "urgent": urgent_safety,
                "title": t(
                    "fam.safety.title" if urgent_safety else "fam.conflict.title"
                ),
                "body": t(
                    "fam.safety.body" if urgent_safety else "fam.conflict.body",
                    emergency=emergency,
                ),
                "contacts": dv_contacts(lang),
            }
        )
    has_urgent = any(f["severity"] == "urgent" for f in flags) or shared_safety
    if not answered:
        meaning = t("fam.none")
    elif category == "incomplete":
        meaning = t("fam.meaning.incomplete", missing=_missing_words(snapshot, lang))
    else:
        meaning = t(f"fam.meaning.{category}")
    family_missing = set(
        snapshot.get("instruments", {}).get(_FAMILY_MODULE, {}).get("missing", [])
    )
    if has_urgent:
        why = t("fam.why.urgent")
    elif negative:
        why = t("fam.why.negative")
    else:
        why = t("fam.why")
    minor = snapshot["age"] < ADULT_AGE
    return {
        "has_urgent": has_urgent,
        "boxes": boxes,
        "prepared": t(
            "fam.prepared",
            org=meta["organisation"],
            date=format_date(meta["report_date"], lang),
            age=snapshot["age"],
        ),
        "contacts": crisis_contacts(lang, meta.get("crisis_contacts")),
        "answered": answered,
        "told_heading": t("fam.h.told"),
        "told": _told(snapshot, lang, "fam") if answered else [],
        "also": [t(f"fam.flag.{f['code']}") for f in flags],
        "not_asked": t("fam.not_asked.safety")
        if answered and {"fam_safety_now", "fam_self_harm_talk"} & family_missing
        else "",
        "meaning": meaning,
        "meaning_other": t("fam.meaning.other")
        if other and category in ("screen_positive", "at_risk")
        else "",
        "why": why,
        "why_heading": t("fam.h.why_negative")
        if negative and not has_urgent
        else t("fam.h.why"),
        "how_heading": t("fam.h.how_negative")
        if negative and not has_urgent
        else t("fam.h.how"),
        "how": texts.lines("fam.how" if minor else "fam.how.adult", lang),
    }


def _self_raised_suicide(full: Mapping[str, Any]) -> bool:
    """Whether the young person's own answers raised ``suicide_risk``."""
    for flag in full.get("flags", []):
        if flag["code"] == "suicide_risk":
            return any(
                respondent_of(_parse_because(b)[0]) == "self" for b in flag["because"]
            )
    return False


def suicide_share_suggestion(full: Mapping[str, Any]) -> str | None:
    """``"minor"`` (sharing suggested), ``"adult"`` (their choice) or None.

    Only when the young person's own answers raised ``suicide_risk``: for a minor the
    app suggests sharing it with the family; for an adult it is their choice to make
    with the clinician.
    """
    if not _self_raised_suicide(full):
        return None
    return "minor" if full.get("age", ADULT_AGE) < ADULT_AGE else "adult"


def _self(
    snapshot: Mapping[str, Any], meta: ReportMeta, lang: str, category: str
) -> dict[str, Any]:
    """The young person's own summary, addressed to them, from their answers only."""

    def t(key: str, **values: object) -> str:
        return texts.text(key, lang, **values)

    answered_codes = set(snapshot.get("instruments", {}))
    answered = _SELF_MODULE in answered_codes
    flags = snapshot.get("flags", [])
    suicide = any(f["code"] == "suicide_risk" for f in flags)
    if not answered:
        meaning = t("self.meaning.none")
    elif category == "incomplete":
        meaning = t("self.meaning.incomplete", missing=_missing_words(snapshot, lang))
    else:
        meaning = t(f"self.meaning.{category}")
    minor = snapshot["age"] < ADULT_AGE
    screened = bool({"asq", "phq9"} & answered_codes)
    return {
        "has_urgent": suicide,
        "prepared": t(
            "self.prepared",
            org=meta["organisation"],
            date=format_date(meta["report_date"], lang),
        ),
        "urgent_body": t("self.urgent.body", emergency=emergency_number(lang)),
        "contacts": crisis_contacts(lang, meta.get("crisis_contacts"))
        + (youth_contacts(lang) if minor else ()),
        "answered": answered,
        "told": _told(snapshot, lang, "self") if answered else [],
        "meaning": meaning,
        "not_screened": "" if screened or suicide else t("self.not_screened"),
        "how": texts.lines("self.how.minor" if minor else "self.how.adult", lang),
    }


def _missing_words(snapshot: Mapping[str, Any], lang: str) -> str:
    # wording.recommendation renders the missing answers in plain words already.
    full = wording.recommendation(
        "incomplete", lang, missing=snapshot["outcome"].get("missing", ())
    )
    template = wording.phrase("outcome.incomplete", lang)
    head, _, tail = template.partition("{missing}")
    return full.removeprefix(head).removesuffix(tail)


def _evidence_values(snapshot: Mapping[str, Any], criterion: str) -> dict[str, str]:
    """The family's answers behind ``criterion``, by item code.

    Numbers come from the family report when there is one (the young person's own
    answers stay theirs), else from the self-report; a clinician's rating or another
    source gives none, and the summary then uses words for the combined value.
    """
    entry = snapshot.get("criteria_evidence", {}).get(criterion, {})
    has_family = _FAMILY_MODULE in snapshot.get("instruments", {})
    if entry.get("source") != ("family" if has_family else "self"):
        return {}
    return {
        item: value for _, item, value in map(_parse_because, entry.get("because", []))
    }


def _told(snapshot: Mapping[str, Any], lang: str, reader: str) -> list[dict[str, str]]:
    """ "What you told us": the reader's own answers to the four criteria.

    ``snapshot`` is the reader's own result, so every number is theirs; where they
    gave no number the criterion's value is put in words, or "not answered".
    """

    def t(key: str, **values: object) -> str:
        return texts.text(key, lang, **values)

    criteria = snapshot["criteria"]
    not_answered = t("fam.not_answered")

    months = _evidence_values(snapshot, "duration").get("months_withdrawn")
    if months is None:
        duration = value_label("duration", criteria.get("duration"), lang)
    elif float(months) < 1:
        duration = t("fam.months_lt1")
    elif float(months) == 1:
        duration = t("fam.month")
    else:
        duration = t("fam.months", n=months)

    going = _evidence_values(snapshot, "going_out")
    if going.get("rarely_leaves_room") == "1":
        going_out = t(f"{reader}.room")
    elif going.get("days_out_per_week") == "1":
        going_out = t("fam.day")
    elif "days_out_per_week" in going:
        going_out = t("fam.days", n=going["days_out_per_week"])
    else:
        going_out = t(f"fam.going_out.{criteria.get('going_out') or 'unknown'}")

    impact = criteria.get("impairment_or_distress")
    onset_age = _evidence_values(snapshot, "onset_before_30").get("onset_age")
    onset_value = criteria.get("onset_before_30")
    if onset_age is not None:
        onset = t("fam.onset_age", n=onset_age)
    elif onset_value is None:
        onset = not_answered
    else:
        onset = value_label("onset_before_30", onset_value, lang)
    return [
        {"label": t("fam.told.duration"), "value": duration},
        {"label": t("fam.told.going_out"), "value": going_out},
        {
            "label": t("fam.told.impact"),
            "value": not_answered
            if impact is None
            else t(f"{reader}.impact.true" if impact else "fam.impact.false"),
        },
        {"label": t("fam.told.onset"), "value": onset},
    ]


def _translation_line(
    shown: TranslationShown, instruments: Mapping[str, Any], lang: str
) -> str:
    """ "PHQ-9: source (citation); validated in …; licence: …" for the report's
    header."""
    code = shown["instrument"]
    name = short_name(code, instruments[code], lang) if code in instruments else code
    where = shown["source"] + (f" ({shown['citation']})" if shown["citation"] else "")
    if shown["validated"]:
        status = gettext("validated in %(population)s") % {
            "population": shown["population"]
        }
    else:
        status = gettext("working translation, not validated")
    return gettext(
        "Translation of %(instrument)s: %(source)s; %(status)s; licence: %(licence)s"
    ) % {
        "instrument": name,
        "source": where,
        "status": status,
        "licence": shown.get("licence", ""),
    }
