"""The engine's approved wording keeps the glossary of docs/translation.md."""

from __future__ import annotations

import pytest

from questionnaires.scoring import wording
from questionnaires.scoring.wording import all_phrases
from tests.test_translations import catalogue

#: Terms the glossary replaces, per language (docs/translation.md).
AVOIDED = {
    "ja": ("社会的撤退", "社会的ひきこもり", "精神保健の専門家", "臨床家"),
    "it": ("clinica", "vostro ragazzo", "il/la giovane"),
}


@pytest.mark.parametrize("lang", sorted(AVOIDED))
def test_result_wording_uses_the_glossary_terms(lang: str) -> None:
    found = [
        (key, term)
        for key, phrase_lang, text in all_phrases()
        if phrase_lang == lang
        for term in AVOIDED[lang]
        if term in text.lower()
    ]
    assert found == []


# -- one translation system: the phrases are the gettext catalogues' entries


@pytest.mark.parametrize("lang", ["ja", "it"])
def test_every_phrase_is_translated_in_the_catalogue_and_its_compiled_form(
    lang: str,
) -> None:
    entries = {e.msgid: e for e in catalogue(lang) if e.msgctxt is None}
    missing = [m for m in wording.messages() if m not in entries]
    assert missing == [], f"{lang}: not in django.po (run makemessages): {missing}"
    untranslated = [
        m
        for m in wording.messages()
        if not entries[m].msgstr[0].strip() or "fuzzy" in entries[m].flags
    ]
    assert untranslated == []
    # What the engine says is the catalogue's text: the .mo is compiled from the .po.
    stale = [
        m
        for m in wording.messages()
        if wording.translate(m, lang) != entries[m].msgstr[0]
    ]
    assert stale == [], f"{lang}: django.mo is older than django.po: {stale}"


def test_every_phrase_key_is_a_message() -> None:
    keys = {key for key, _, _ in all_phrases()}
    assert {wording.phrase(key) for key in keys} <= set(wording.messages())
    assert len(keys) >= 28


def test_a_language_without_a_catalogue_reads_english() -> None:
    assert wording.phrase("not_a_diagnosis", "fr") == wording.phrase("not_a_diagnosis")
    assert wording.translate("; ", "xx") == "; "


def test_lists_and_sentences_are_joined_the_way_each_language_writes() -> None:
    unmet = ["duration", "onset_before_30"]
    assert wording.unmet_explanation(unmet, "en") == (
        "Not met or not known: withdrawal lasting 6 months or more; "
        "began before age 30."
    )
    assert wording.unmet_explanation(unmet, "ja") == (
        "満たしていない、または不明な項目：6か月以上続くひきこもり、30歳より前に始まった。"
    )
    positive = {
        lang: wording.recommendation("screen_positive", lang, comorbidity=True)
        for lang in ("en", "ja", "it")
    }
    for lang, text in positive.items():
        first = wording.phrase("outcome.screen_positive", lang)
        second = wording.phrase("comorbidity", lang)
        assert text == first + ("" if lang == "ja" else " ") + second


def test_japanese_uses_the_one_wave_dash() -> None:
    assert "1〜3か月" in wording.phrase("outcome.at_risk", "ja")
    assert not [text for _, lang, text in all_phrases() if "～" in text]
