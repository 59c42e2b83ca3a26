"""Each reader's PDF is built from their own facts and tells them the truth (issue 16).

Read back from the PDFs with pdftotext, in English, Japanese and Italian: the parent's
own values, no self-report content in a family summary unless the clinician shares
it, urgent and reassuring wording never together, safety instruments not given named
as not screened, the young person addressed as "you", and the clinician's page with
missing questions, lower bounds, cut-off sources and every source's values.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from questionnaires.reports import pdf, texts
from questionnaires.reports.context import ReportData, report_context
from questionnaires.reports.crisis import dv_contacts, emergency_number, youth_contacts
from questionnaires.reports.inputs import report_from_input
from tests.reports.conftest import CASES, LANGS, example
from tests.reports.test_pdf import poppler, squash, text

AUDIENCES_ALL = ("clinician", "family", "self")


def data_of(document: dict[str, Any], lang: str) -> ReportData:
    return report_from_input(
        document,
        lang=lang,
        organisation="Test Clinic",
        patient_code="T-X",
        report_date="2025-11-24",
    )


@cache
def pdf_text(key: str, audience: str, lang: str, shared: tuple[str, ...] = ()) -> str:
    content = pdf.render_report(
        data_of(DOCUMENTS[key], lang), audience=audience, lang=lang, shared=shared
    )
    raw = poppler("pdftotext", content, "-enc", "UTF-8")
    return squash(raw, lang).strip()


def t(key: str, lang: str, **values: object) -> str:
    return squash(texts.text(key, lang, **values), lang)


DOCUMENTS: dict[str, dict[str, Any]] = {
    # Parent alone, fearing for safety at home, otherwise no sign of withdrawal.
    "home_danger": {
        "age": 19,
        "answers": {
            "withdrawal_family": {
                "months_withdrawn": 1,
                "days_out_per_week": 5,
                "rarely_leaves_room": 0,
                "onset_age": 18,
                "impair_school_work": 1,
                "impair_home": 1,
                "impair_relationships": 1,
                "distressed": 0,
                "fam_self_harm_talk": 0,
                "fam_safety_now": 1,
                "fam_conflict": 1,
            }
        },
    },
    # Self-report only, no suicide-risk question, PHQ-9 missing item 9.
    "not_screened": {
        "age": 22,
        "answers": {
            "withdrawal": {"months_withdrawn": 7, "days_out_per_week": 1},
            "gad7": {f"gad7_{n}": 1 for n in range(1, 8)},
        },
    },
    "missing_item_9": {
        "age": 16,
        "answers": {
            "withdrawal": {"months_withdrawn": 7, "days_out_per_week": 1},
            "phq9": {f"phq9_{n}": 1 for n in range(1, 9)},
        },
    },
    # An HQ-25 left unfinished whose answered items already reach 42 (H7).
    "hq25_lower_bound": {
        "age": 17,
        "answers": {
            "withdrawal": {"months_withdrawn": 1, "days_out_per_week": 5},
            "hq25": {f"hq25_{n}": 4 for n in range(2, 26)}
            | {f"hq25_{n}": 0 for n in (4, 7, 10, 15, 21, 25)},
        },
    },
}


# --- The family summary: the parent's own answers ---


@pytest.mark.parametrize("lang", LANGS)
def test_family_summary_tells_the_parents_own_values_whatever_others_said(lang):
    """Parent: 2 months, out 5 days, little effect, onset 14; the young person and
    the clinician said 12 and 11 months, out 0-1 day: the parent reads their own."""
    content = text("shared", "family", lang)
    assert t("fam.months", lang, n=2) in content
    assert t("fam.days", lang, n=5) in content
    assert t("fam.impact.false", lang) in content
    assert t("fam.onset_age", lang, n=14) in content
    for other in (t("fam.months", lang, n=12), t("fam.months", lang, n=11)):
        assert other not in content
    assert t("onset.true", lang) not in content  # never "before age 30"


@pytest.mark.parametrize("lang", LANGS)
def test_family_summary_holds_nothing_from_the_young_persons_answers_unless_shared(
    lang,
):
    content = text("shared", "family", lang)
    for key in (
        "fam.flag.suicide_risk",
        "fam.flag.depression",
        "fam.urgent.title",
        "fam.shared.title",
        "fam.shared.safety",
    ):
        assert t(key, lang) not in content, key
    shared = pdf.render_report(
        example("shared", lang), audience="family", lang=lang, shared=("safety",)
    )
    shared_text = squash(poppler("pdftotext", shared, "-enc", "UTF-8"), lang)
    assert t("fam.shared.title", lang) in shared_text
    assert t("fam.shared.safety", lang) in shared_text
    assert t("fam.flag.depression", lang) not in shared_text  # only what was shared
    # Still the parent's own values.
    assert t("fam.months", lang, n=2) in shared_text


@pytest.mark.parametrize("lang", LANGS)
def test_a_family_summary_with_no_family_answers_says_so_and_reveals_nothing(lang):
    content = text("negative", "family", lang)
    assert t("fam.none", lang) in content
    assert t("fam.meaning.screen_negative", lang) not in content
    data = example("negative")
    assert "family" not in data.own


# --- Safety wording that never contradicts ---


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("audience", AUDIENCES_ALL)
def test_urgent_and_nothing_urgent_never_appear_together(case, audience, lang):
    content = text(case, audience, lang)
    urgent_titles = [
        t(k, lang)
        for k in (
            "fam.urgent.title",
            "fam.safety.title",
            "urgent.title",
            "fam.shared.title",
        )
    ]
    if any(title in content for title in urgent_titles):
        assert t("fam.why.negative", lang) not in content


@pytest.mark.parametrize("lang", LANGS)
def test_family_safety_gives_its_own_advice_and_domestic_violence_contacts(lang):
    content = pdf_text("home_danger", "family", lang)
    assert t("fam.safety.title", lang) in content
    assert t("fam.safety.body", lang, emergency=emergency_number(lang)) in content
    for contact in dv_contacts(lang):
        assert squash(contact["phone"], lang) in content
    # A screen-negative parent still reads no reassurance beside the danger.
    assert t("fam.why.negative", lang) not in content
    assert t("fam.why.urgent", lang) in content
    assert "stay with them" not in content
    assert "そばにいてください" not in content
    assert "resti vicino" not in content


def test_domestic_violence_contacts_per_language():
    phones = {lang: {c["phone"] for c in dv_contacts(lang)} for lang in LANGS}
    assert {"#8008", "0120-279-889", "110"} <= phones["ja"]
    assert {"1522", "112"} <= phones["it"]
    assert "0808 2000 247" in phones["en"]
    assert "119" in emergency_number("ja") and "110" in emergency_number("ja")
    assert emergency_number("it") == "112"
    assert "999" in emergency_number("en")


# --- "Not asked" is said ---


@pytest.mark.parametrize("lang", LANGS)
def test_a_safety_instrument_not_given_is_named_as_not_screened(lang):
    clinician = pdf_text("not_screened", "clinician", lang)
    assert t("not_screened.suicide_risk", lang) in clinician
    assert t("not_screened.family_safety", lang) in clinician
    assert t("self.not_screened", lang) in pdf_text("not_screened", "self", lang)
    # Given: not named as not screened.
    assert t("not_screened.suicide_risk", lang) not in text("urgent", "clinician", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_missing_items_are_listed_by_question_and_may_change_the_band(lang):
    content = pdf_text("missing_item_9", "clinician", lang)
    assert "phq9_9" in content
    item_9 = "Thoughts that you would be better off dead or of hurting yourself"
    assert squash(item_9, lang) in content
    # 8 answered + item 9 (0-3): 8..11 spans mild (5-9) and moderate (10-14), M1.
    assert t("missing.range.band", lang, low=8, high=11) in content
    assert t("not_screened.suicide_risk", lang) in content


@pytest.mark.parametrize("lang", LANGS)
def test_an_unfinished_hq25_at_the_cutoff_says_so(lang):
    content = pdf_text("hq25_lower_bound", "clinician", lang)
    hq25 = data_of(DOCUMENTS["hq25_lower_bound"], lang).snapshot["instruments"]["hq25"]
    assert hq25["total"] is None
    assert hq25["lower_bound"] == 96  # 18 items x 4 + 6 reverse items x (4 - 0)
    assert t("lower_bound", lang, value=96) in content


# --- The young person's own summary ---


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", CASES)
def test_self_summary_is_addressed_to_the_young_person(case, lang):
    content = text(case, "self", lang)
    assert t("title.self", lang) in content
    for phrase in ("your young person", "stay with them", "お子さん", "Lei "):
        assert squash(phrase, lang) not in content
    adult = example(case).snapshot["age"] >= 18
    advice = texts.lines("self.how.adult" if adult else "self.how.minor", lang)
    for line in advice:
        assert squash(line, lang) in content


@pytest.mark.parametrize("lang", LANGS)
def test_self_summary_holds_only_the_young_persons_answers(lang):
    ctx = report_context(example("shared", lang), audience="self", lang=lang)
    told = {row["value"] for row in ctx["told"]}
    assert texts.text("fam.months", lang, n=12) in told
    assert ctx["has_urgent"]  # their own ASQ yes


@pytest.mark.parametrize("lang", LANGS)
def test_family_summary_advice_follows_age(lang):
    minor = text("urgent", "family", lang)  # 16
    adult = text("positive", "family", lang)  # 19
    assert squash(texts.lines("fam.how", lang)[0], lang) in minor
    assert squash(texts.lines("fam.how.adult", lang)[0], lang) in adult


# --- The clinician's page ---


@pytest.mark.parametrize("lang", LANGS)
def test_clinician_sees_every_sources_value_and_which_decided(lang):
    content = text("shared", "clinician", lang)
    assert t("decided", lang) in content
    ctx = report_context(example("shared", lang), audience="clinician", lang=lang)
    duration = next(r for r in ctx["criteria"] if r["name"] == "duration")
    cells = {c["source"]: c for c in duration["sources"]}
    assert cells["clinician"]["decided"]
    assert cells["self"]["value"] != cells["family"]["value"]
    for cell in cells.values():
        assert squash(cell["value"], lang) in content


def test_cutoff_sources_are_shown():
    assert "Richardson" in text("at_risk", "clinician", "en")  # age 17: PHQ-9 11
    positive = text("positive", "clinician", "en")
    assert "Teo" in positive and "44" in positive  # HQ-25: 42 and the lab's 44


def test_clinician_pdf_lists_crisis_and_domestic_violence_contacts():
    content = text("negative", "clinician", "en")
    assert t("h.contacts", "en") in content
    assert "0808 2000 247" in content


@pytest.mark.parametrize("lang", LANGS)
def test_an_under_18s_own_summary_lists_a_youth_line(lang):
    minor = text("urgent", "self", lang)  # 16
    adult = text("positive", "self", lang)  # 19
    for contact in youth_contacts(lang):
        assert squash(contact["phone"], lang) in minor
        assert squash(contact["phone"], lang) not in adult


@pytest.mark.parametrize("lang", LANGS)
def test_clinician_sees_each_safety_question_with_its_answer_or_not_asked(lang):
    shared = text("shared", "clinician", lang)
    assert t("h.safety_items", lang) in shared
    asq_5 = squash("asq_5 Are you having thoughts of killing yourself right now?", lang)
    assert asq_5 in shared
    assert t("value.none", lang) in shared  # asq_5 shown but unanswered
    assert t("not_asked", lang) in pdf_text("not_screened", "clinician", lang)


def test_item_level_answers_carry_the_question_and_the_option_label():
    content = text("urgent", "clinician", "en")
    assert t("h.item_answers", "en") in content
    assert "phq9_10" in content
    assert "Not at all (0)" in content or "Several days (1)" in content
