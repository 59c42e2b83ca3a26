"""Every bundled instrument has its Japanese and Italian name, in every version.

The names of the published instruments (PHQ-9, GAD-7, ASQ, …) are gettext messages
(``questionnaires/bank/names.py``), so a name needs no new version; HikiScreen's own
modules carry theirs in their documents. docs/translation.md.
"""

from __future__ import annotations

import pytest

from questionnaires.bank import load_bundled
from questionnaires.bank.names import BUNDLED_NAMES, instrument_name
from questionnaires.models import Instrument
from questionnaires.scoring.definitions import InstrumentDefinition
from questionnaires.scoring.wording import find_forbidden
from tests.test_translations import catalogue

VERSIONS = load_bundled()


def _id(definition: InstrumentDefinition) -> str:
    return f"{definition.code}-v{definition.version}"


@pytest.mark.parametrize("definition", VERSIONS, ids=_id)
@pytest.mark.parametrize("lang", ["ja", "it"])
def test_every_bundled_version_is_named_in_japanese_and_italian(
    definition: InstrumentDefinition, lang: str
) -> None:
    name = instrument_name(definition.name, lang)
    assert name and name != definition.name["en"]
    # The acronym a clinician knows stays in every language.
    assert definition.short_name in name or definition.code in (
        "withdrawal",
        "withdrawal_family",
        "criteria",
    )
    assert find_forbidden(name) == []


def test_the_catalogue_names_are_the_bundled_instruments_without_their_own() -> None:
    without = {d.name["en"] for d in VERSIONS if not {"ja", "it"} <= set(d.name)}
    assert set(BUNDLED_NAMES) == without


@pytest.mark.parametrize("lang", ["ja", "it"])
def test_the_catalogue_names_keep_the_glossary(lang: str) -> None:
    entries = {e.msgid: e.msgstr[0] for e in catalogue(lang) if e.msgctxt is None}
    names = [entries[name] for name in sorted(BUNDLED_NAMES)]
    avoided = {"ja": ("社会的撤退", "社会的ひきこもり", "～"), "it": ("clinica",)}[lang]
    assert [n for n in names for term in avoided if term in n] == []
    assert len(set(names)) == len(names)


def test_the_japanese_names_of_phq9_gad7_and_asq() -> None:
    by_code = {d.code: d for d in VERSIONS}
    assert (
        instrument_name(by_code["phq9"].name, "ja") == "こころとからだの質問票（PHQ-9）"
    )
    assert instrument_name(by_code["gad7"].name, "ja").endswith("（GAD-7）")
    assert "自殺" in instrument_name(by_code["asq"].name, "ja")
    assert "salute del paziente" in instrument_name(by_code["phq9"].name, "it")


def test_the_documents_own_name_comes_first_then_the_catalogue_then_english() -> None:
    phq9 = "Patient Health Questionnaire-9 (PHQ-9)"
    assert instrument_name({"en": phq9, "ja": "PHQ-9 日本語"}, "ja") == "PHQ-9 日本語"
    assert instrument_name({"en": phq9}, "ja") == "こころとからだの質問票（PHQ-9）"
    assert instrument_name({"en": phq9}, "en") == phq9
    assert instrument_name({"en": phq9}, "fr") == phq9
    assert (
        instrument_name({"en": "A clinic's own scale"}, "ja") == "A clinic's own scale"
    )


def test_the_instrument_catalogue_row_is_named_the_same_way() -> None:
    # Admin lists, the criteria form and the "translations used" lines name the
    # instrument from its catalogue row (Instrument), which a v1 import left English.
    phq9 = Instrument(code="phq9", name_en="Patient Health Questionnaire-9 (PHQ-9)")
    assert phq9.name("ja") == "こころとからだの質問票（PHQ-9）"
    assert phq9.name("en") == "Patient Health Questionnaire-9 (PHQ-9)"
    phq9.name_ja = "PHQ-9 日本語版"
    assert phq9.name("ja") == "PHQ-9 日本語版"
