"""The report context is pure: every word and number a PDF shows, without rendering."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from questionnaires.reports import texts
from questionnaires.reports.context import (
    CHART_WIDTH,
    ReportMeta,
    build_context,
    chart,
    format_date,
    format_number,
    report_context,
)
from questionnaires.reports.crisis import DEFAULT_CONTACTS, Contact, crisis_contacts
from questionnaires.reports.inputs import report_from_input
from questionnaires.scoring import wording
from tests.reports.conftest import AUDIENCES, CASES, LANGS, example


def strings(value: Any) -> Iterator[str]:
    """Every string inside a context (dicts, lists, tuples), recursively."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def context(case: str, audience: str, lang: str) -> dict[str, Any]:
    return report_context(example(case, lang), audience=audience, lang=lang)


def own_flags(case: str, audience: str) -> list[dict[str, Any]]:
    """The flags of the result an audience's report is built from."""
    data = example(case)
    if audience == "clinician":
        return list(data.snapshot["flags"])
    return list(data.own.get(audience, {}).get("flags", []))


META: ReportMeta = {
    "organisation": "Clinic",
    "patient_code": "X-1",
    "report_date": "2025-01-31",
    "respondents": [],
}


def all_texts() -> list[tuple[str, str, str]]:
    """Every report message as (key, lang, text), through gettext in each language."""
    found = []
    for lang in LANGS:
        for key in texts.message_keys():
            raw = texts.text(key, lang)
            if {f for _, f, _, _ in string.Formatter().parse(raw)} - {None} == {"n"}:
                found += [(key, lang, texts.text(key, lang, n=n)) for n in (1, 2)]
            else:
                found.append((key, lang, raw))
        for key in texts.line_keys():
            found += [(key, lang, line) for line in texts.lines(key, lang)]
    return found


def test_every_report_message_is_translated_with_the_same_placeholders():
    by_key: dict[str, dict[str, list[str]]] = {}
    for key, lang, text in all_texts():
        assert text.strip(), (key, lang)
        by_key.setdefault(key, {}).setdefault(lang, []).append(text)
    for key, found in by_key.items():
        assert set(found) == set(LANGS), key
        # Japanese always differs from English (bar a dash), so English text in ja
        # is a message missing from the compiled catalogue.
        assert found["ja"] != found["en"] or found["en"] == ["—"], key
    for key in texts.message_keys():
        # Unfilled (no values), each language's message names the same fields.
        fields = {
            lang: {f for _, f, _, _ in string.Formatter().parse(texts.text(key, lang))}
            - {None}
            for lang in LANGS
        }
        assert fields["ja"] == fields["en"] == fields["it"], key


def test_report_strings_and_crisis_contacts_use_no_forbidden_wording():
    found = [text for _, _, text in all_texts()]
    found += [
        str(v)
        for contacts in DEFAULT_CONTACTS.values()
        for c in contacts
        for v in c.values()
    ]
    assert [t for t in found if wording.find_forbidden(t)] == []


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_context_has_no_forbidden_wording(case, lang, audience):
    found = [
        s for s in strings(context(case, audience, lang)) if wording.find_forbidden(s)
    ]
    assert found == []


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_clinician_context_has_every_section(case, lang):
    ctx = context(case, "clinician", lang)
    for key in (
        "respondents",
        "outcome",
        "flags",
        "criteria",
        "scores",
        "comparison",
        "how_to_read",
        "references",
        "not_a_diagnosis",
        "engine_text",
    ):
        assert key in ctx, key
    # In the order of their letters, so the table reads (a), (b), (c), then onset.
    assert [row["name"] for row in ctx["criteria"]] == [
        "going_out",
        "duration",
        "impairment_or_distress",
        "onset_before_30",
    ]
    assert [row["label"][:3] for row in ctx["criteria"][:3]] == ["(a)", "(b)", "(c)"]
    assert ctx["not_a_diagnosis"] == wording.phrase("not_a_diagnosis", lang)
    assert ctx["lang"] == lang
    assert "T-" in ctx["doc_title"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_family_context_has_every_section(case, lang):
    ctx = context(case, "family", lang)
    for key in ("meaning", "why", "how", "contacts", "not_a_diagnosis"):
        assert ctx[key], key
    # "What you told us" only when the family answered.
    assert bool(ctx["told"]) is ("family" in example(case).own)
    assert ctx["contacts"] == crisis_contacts(lang)
    # A negative screen recommends no assessment, so no heading says one is next,
    # unless something urgent needs doing first.
    negative = ctx["outcome"]["category"] == "screen_negative"
    assert (ctx["why_heading"] == texts.text("fam.h.why", lang)) is (
        not negative or ctx["has_urgent"]
    )


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_urgent_box_exactly_when_an_urgent_flag_is_raised(case, audience):
    urgent = [f["code"] for f in own_flags(case, audience) if f["severity"] == "urgent"]
    ctx = context(case, audience, "en")
    assert ctx["has_urgent"] is bool(urgent)
    if audience == "clinician":
        assert [item["code"] for item in ctx["urgent"]] == urgent
        assert all(f["severity"] != "urgent" for f in ctx["flags"])


def test_examples_cover_the_four_cases():
    assert example("positive").snapshot["outcome"]["category"] == "screen_positive"
    assert example("at_risk").snapshot["outcome"]["category"] == "at_risk"
    assert example("negative").snapshot["outcome"]["category"] == "screen_negative"
    flags = example("urgent").snapshot["flags"]
    assert flags[0]["code"] == "suicide_risk"


@pytest.mark.parametrize("lang", LANGS)
def test_suicide_risk_tells_the_clinician_the_asq_pathway(lang):
    ctx = context("urgent", "clinician", lang)
    assert ctx["urgent"][0]["code"] == "suicide_risk"
    assert ctx["urgent"][0]["action"] == wording.suicide_text(
        "clinician", lang, asq_band="positive"
    )


def test_acute_positive_asks_for_a_full_evaluation_before_leaving():
    data = example("urgent")
    snapshot = {
        **data.snapshot,
        "instruments": {
            **data.snapshot["instruments"],
            "asq": {**data.snapshot["instruments"]["asq"], "band": "acute_positive"},
        },
    }
    ctx = build_context(
        snapshot, data.instruments, audience="clinician", lang="en", meta=data.meta
    )
    assert ctx["urgent"][0]["action"] == wording.suicide_text(
        "clinician", "en", asq_band="acute_positive"
    )
    asq = next(s for s in ctx["scores"] if s["code"] == "asq")
    assert asq["band_label"] == "Acute positive"


@pytest.mark.parametrize("case", CASES)
def test_score_numbers_equal_the_snapshot(case):
    data = example(case)
    scores = {s["code"]: s for s in context(case, "clinician", "en")["scores"]}
    for code, result in data.snapshot["instruments"].items():
        if result["total"] is None:
            assert code not in scores or not scores[code]["complete"]
            continue
        assert scores[code]["total"] == str(result["total"])
        assert scores[code]["score_text"].startswith(f"{result['total']} of ")


def test_phq9_cutoff_follows_age():
    adult = {s["code"]: s for s in context("positive", "clinician", "en")["scores"]}
    teen = {s["code"]: s for s in context("urgent", "clinician", "en")["scores"]}
    assert adult["phq9"]["cutoffs"] == ["cut-off 10"]
    assert teen["phq9"]["cutoffs"] == ["cut-off 11"]
    assert adult["hq25"]["cutoffs"] == ["cut-off 42"]


def test_chart_places_marker_bands_and_cutoffs_on_a_linear_scale():
    bands = [{"min": 0, "max": 4}, {"min": 5, "max": 9}, {"min": 10, "max": 27}]
    geometry = chart(27, 0, 27, bands, [10])
    assert geometry["marker"] == CHART_WIDTH - 1.5
    assert [s["x"] for s in geometry["segments"]] == [
        0,
        round(5 / 27 * 300, 2),
        round(10 / 27 * 300, 2),
    ]
    assert geometry["segments"][-1]["shade"] == "current"
    assert geometry["cutoffs"] == [{"x": round(10 / 27 * 300, 2), "label": "10"}]
    assert chart(None, 0, 27, bands, [])["marker"] is None


def test_comparison_lists_disagreements_or_says_why_there_are_none():
    differ = context("at_risk", "clinician", "en")["comparison"]
    assert differ["state"] == "differ"
    assert differ["rows"][0]["self"] == "under 3 months"
    assert differ["rows"][0]["family"] == "3 to under 6 months"
    assert context("urgent", "clinician", "en")["comparison"]["state"] == "agree"
    assert context("negative", "clinician", "en")["comparison"]["state"] == "single"


def test_family_summary_does_not_reveal_the_young_persons_own_flags():
    """PHQ-9 and GAD-7 are self-report: the parent's summary does not name them."""
    shared = context("shared", "family", "en")
    assert shared["also"] == []
    assert not shared["has_urgent"]
    ctx = context("urgent", "family", "en")
    assert "low mood" not in ctx["also"]
    assert "a lot of worry" not in ctx["also"]
    assert "talk of death, suicide or self-harm" in ctx["also"]


def test_family_summary_uses_the_familys_numbers():
    told = {
        row["label"]: row["value"] for row in context("at_risk", "family", "en")["told"]
    }
    assert told["Staying mostly at home"] == "about 4 months"
    assert told["Going out"] == "2 days a week"


def test_a_bare_design_md_snapshot_renders():
    """Only the DESIGN.md §3 keys: older or foreign snapshots still make a report."""
    snapshot = {
        "engine_version": "0.9",
        "age": 20,
        "instruments": {
            "gad7": {"total": None, "subscales": {}, "band": None, "complete": False}
        },
        "criteria": {
            "duration": "unknown",
            "going_out": "unknown",
            "impairment_or_distress": None,
            "onset_before_30": None,
        },
        "disagreements": [],
        "flags": [],
        "outcome": {
            "category": "incomplete",
            "recommendation": "",
            "missing": ["months_withdrawn", "days_out_per_week"],
        },
    }
    instruments = {"gad7": dict(example("positive").instruments["gad7"])}
    for audience in AUDIENCES:
        for lang in LANGS:
            ctx = build_context(
                snapshot, instruments, audience=audience, lang=lang, meta=META
            )
            assert not ctx["has_urgent"]
            assert [s for s in strings(ctx) if wording.find_forbidden(s)] == []
    gad7: dict[str, Any] = {
        "total": None,
        "subscales": {},
        "band": None,
        "complete": False,
    }
    answered = {"gad7": gad7, "withdrawal_family": gad7}
    family = build_context(
        {**snapshot, "instruments": answered},
        instruments,
        audience="family",
        lang="en",
        meta=META,
    )
    assert "how many months" in family["meaning"]


def test_own_summary_says_less_than_a_month_not_zero_months():
    told = context("negative", "self", "en")["told"]
    assert told[0]["value"] == "less than a month"


@pytest.mark.parametrize(
    ("months", "said"),
    [("1", "about 1 month"), ("1.0", "about 1 month"), ("2", "about 2 months")],
)
def test_family_summary_says_one_month_in_the_singular(months, said):
    data = example("at_risk")
    own = data.own["family"]
    evidence = {
        **own["criteria_evidence"],
        "duration": {
            "source": "family",
            "because": [f"withdrawal_family.months_withdrawn={months}"],
        },
    }
    snapshot = {**own, "criteria_evidence": evidence}
    ctx = build_context(
        snapshot, data.instruments, audience="family", lang="en", meta=data.meta
    )
    assert ctx["told"][0]["value"] == said


def test_dates_are_written_the_readers_way():
    # Django's DATE_FORMAT with the project's overrides (hikiscreen/formats).
    assert format_date("2025-01-31", "en") == "31 Jan 2025"
    assert format_date("2025-01-31", "it") == "31/01/2025"
    assert format_date("2025-01-31", "ja") == "2025年1月31日"


def test_decimals_are_written_the_readers_way():
    assert format_number(2.5, "it") == "2,5"
    assert format_number(2.5, "en") == "2.5"
    assert format_number(12.0, "it") == "12"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_japanese_text_is_followed_by_full_width_colons(case, audience):
    ctx = context(case, audience, "ja")
    half_width = [
        s for s in strings(ctx) if re.search(r"[\u3040-\u30ff\u4e00-\u9fff）]: ", s)
    ]
    assert half_width == []


@pytest.mark.parametrize(
    ("audience", "lang", "problem"),
    [("family", "fr", "language"), ("patient", "en", "audience")],
)
def test_unknown_language_or_audience_is_refused(audience, lang, problem):
    data = example("positive")
    with pytest.raises(ValueError, match=problem):
        build_context(
            data.snapshot,
            data.instruments,
            audience=audience,
            lang=lang,
            meta=data.meta,
        )


def test_organisation_contacts_override_the_default():
    own: dict[str, list[Contact]] = {
        "en": [{"name": "Clinic duty line", "phone": "0100", "hours": "9-17"}]
    }
    assert crisis_contacts("en", own)[0]["name"] == "Clinic duty line"
    assert crisis_contacts("ja", own) == DEFAULT_CONTACTS["ja"]


def test_context_module_imports_no_weasyprint_or_orm():
    import questionnaires.reports.context as module

    source = Path(str(module.__file__)).read_text(encoding="utf-8")
    # gettext and localized formats are allowed (django.utils); ORM and templates not.
    pattern = (
        r"^\s*(from|import) "
        r"(django\.(db|template|apps)|weasyprint|questionnaires\.models)"
    )
    assert not re.search(pattern, source, re.M)


def _phq9_score_row(answered_total: int, lang: str = "en") -> dict[str, Any]:
    """The clinician's PHQ-9 score row for a 16-year-old with item 9 unanswered."""
    phq9: dict[str, int | None] = {f"phq9_{n}": 0 for n in range(1, 10)}
    phq9["phq9_9"] = None
    for n in range(1, 9):
        step = min(3, answered_total - sum(v or 0 for v in phq9.values()))
        phq9[f"phq9_{n}"] = step
    data = report_from_input(
        {"age": 16, "answers": {"phq9": phq9}},
        lang=lang,
        organisation="Clinic",
        patient_code="X-1",
        report_date="2025-01-31",
    )
    ctx = report_context(data, audience="clinician", lang=lang)
    return next(row for row in ctx["scores"] if row["code"] == "phq9")


def test_missing_answers_that_cannot_change_the_band_say_so_with_the_range():
    # 1 + item 9 (0-3) stays within minimal (0-4) and below the cut-off of 11.
    assert _phq9_score_row(1)["may_change"] == texts.text(
        "missing.range.same", "en", low="1", high="4"
    )


def test_missing_answers_that_can_change_the_band_say_so_with_the_range():
    assert _phq9_score_row(2)["may_change"] == texts.text(
        "missing.range.band", "en", low="2", high="5"
    )


def test_missing_answers_that_can_reach_a_cut_off_inside_a_band_say_so():
    # 10..13 is all moderate, but the under-18 cut-off of 11 is within reach.
    assert _phq9_score_row(10)["may_change"] == texts.text(
        "missing.range.cutoff", "en", low="10", high="13"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_missing_answers_range_is_said_in_every_language(lang):
    row = _phq9_score_row(2, lang)
    assert row["may_change"] == texts.text(
        "missing.range.band", lang, low="2", high="5"
    )
    assert "{" not in row["may_change"]


#: The name of PHQ-9, which every example answers, in each report language.
PHQ9_NAME = {
    "en": "Patient Health Questionnaire-9 (PHQ-9)",
    "ja": "こころとからだの質問票（PHQ-9）",
    "it": "Questionario sulla salute del paziente, 9 item (PHQ-9)",
}


@pytest.mark.parametrize("lang", LANGS)
def test_clinician_report_names_the_instruments_in_its_language(lang):
    ctx = context("positive", "clinician", lang)
    names = [r["name"] for r in ctx["references"]] + [s["name"] for s in ctx["scores"]]
    english = {m["name"]["en"] for m in example("positive", lang).instruments.values()}
    assert PHQ9_NAME[lang] in names
    if lang != "en":
        assert set(names) & english == set()
