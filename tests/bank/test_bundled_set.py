"""The bundled set is the one INSTRUMENTS.md §2-§3 lists: codes, items, values, licence.

The tables below are transcribed from INSTRUMENTS.md, the specification; a bundled file
that drops an item, renames a code, changes an option value or ships text its licence
does not allow fails here.
"""

from __future__ import annotations

import json
import re

import pytest

from questionnaires.bank import latest_by_code, load_bundled, loader
from questionnaires.bank.protocols import BUNDLED_PROTOCOLS
from questionnaires.scoring.definitions import InstrumentDefinition

BUNDLED = latest_by_code(load_bundled())


def numbered(code: str, n: int) -> tuple[str, ...]:
    return tuple(f"{code}_{i}" for i in range(1, n + 1))


WITHDRAWAL_ITEMS = (
    "months_withdrawn",
    "days_out_per_week",
    "rarely_leaves_room",
    "outings_with_people",
    "onset_age",
    "impair_school_work",
    "impair_home",
    "impair_relationships",
    "distressed",
    "sleep_time",
    "wake_time",
    "online_hours",
    "online_costs",
    "school_refusal",
    "education_work",
    "wants_help",
)
FAMILY_ONLY_ITEMS = (
    "fam_self_harm_talk",
    "fam_safety_now",
    "fam_conflict",
    "fam_distress",
    "fam_contact",
    "fam_relationship",
)
CRITERIA_ITEMS = (
    "months_withdrawn",
    "days_out_per_week",
    "rarely_leaves_room",
    "onset_age",
    "impairment_significant",
    "distressed",
    "concern_depression",
    "concern_social_anxiety",
    "concern_autism",
    "concern_psychosis",
    "concern_personality",
)

#: §2: code -> (who answers, item codes, option values of the scored items).
#: ``None`` for the values: not a choice instrument (checked per item below).
SECTION_2: dict[str, tuple[str, tuple[str, ...], tuple[int, ...] | None]] = {
    "hq25": ("self", numbered("hq25", 25), (0, 1, 2, 3, 4)),
    "hq25m": ("self", numbered("hq25m", 25), (0, 1, 2, 3, 4)),
    "phq9": ("self", numbered("phq9", 10), (0, 1, 2, 3)),
    "gad7": ("self", numbered("gad7", 7), (0, 1, 2, 3)),
    "asq": ("self", numbered("asq", 5), (0, 1)),
    "minispin": ("self", numbered("minispin", 3), (0, 1, 2, 3, 4)),
    "aq10_adult": ("self", numbered("aq10_adult", 10), (0, 1, 2, 3)),
    "aq10_adolescent": ("informant", numbered("aq10_adolescent", 10), (0, 1, 2, 3)),
    "aq10_child": ("informant", numbered("aq10_child", 10), (0, 1, 2, 3)),
    "pq16": ("self", numbered("pq16", 16), (0, 1, 2, 3, 4)),
    "sapas": ("self", numbered("sapas", 8), (0, 1)),
    "lsns6": ("self", numbered("lsns6", 6), (0, 1, 2, 3, 4, 5)),
    "ucla3": ("self", numbered("ucla3", 3), (1, 2, 3)),
    "sofas": ("clinician", ("sofas_1",), None),
    "withdrawal": ("self", WITHDRAWAL_ITEMS, None),
    "withdrawal_family": ("informant", WITHDRAWAL_ITEMS + FAMILY_ONLY_ITEMS, None),
    "criteria": ("clinician", CRITERIA_ITEMS, None),
}
#: §2 "text may ship?" = no: metadata only, the text is entered under licence.
METADATA_ONLY = {
    "minispin",
    "aq10_adult",
    "aq10_adolescent",
    "aq10_child",
    "pq16",
    "sapas",
    "lsns6",
    "ucla3",
}
#: Text that may ship and does: the free instruments and the project's own modules.
TEXT_SHIPS = {"phq9", "gad7", "asq", "withdrawal", "withdrawal_family", "criteria"}
#: §3 module items: (kind family, low, high); "choice" items list their values.
MODULE_ITEMS: dict[str, tuple[str, float | None, float | None] | tuple[int, ...]] = {
    "months_withdrawn": ("months", 0, 600),
    "days_out_per_week": ("integer", 0, 7),
    "rarely_leaves_room": (0, 1),
    "outings_with_people": (0, 1),
    "onset_age": ("age", 0, 99),
    "impair_school_work": ("integer", 0, 10),
    "impair_home": ("integer", 0, 10),
    "impair_relationships": ("integer", 0, 10),
    "distressed": (0, 1),
    "sleep_time": ("time_of_day", None, None),
    "wake_time": ("time_of_day", None, None),
    "online_hours": ("number", 0, 24),
    "online_costs": (0, 1),
    "school_refusal": (0, 1),
    "education_work": (0, 1, 2),
    "wants_help": (0, 1, 2),
    "fam_self_harm_talk": (0, 1),
    "fam_safety_now": (0, 1),
    "fam_conflict": (0, 1),
    "fam_distress": (0, 1),
    "fam_contact": (0, 1, 2, 3),
    "fam_relationship": (0, 1, 2),
    "impairment_significant": (0, 1),
    "concern_depression": (0, 1),
    "concern_social_anxiety": (0, 1),
    "concern_autism": (0, 1),
    "concern_psychosis": (0, 1),
    "concern_personality": (0, 1),
}


def _definition(code: str) -> InstrumentDefinition:
    assert code in BUNDLED, f"{code} is not bundled"
    return BUNDLED[code]


def test_exactly_the_instruments_of_section_2_are_bundled() -> None:
    assert set(BUNDLED) == set(SECTION_2)


@pytest.mark.parametrize("code", sorted(SECTION_2))
def test_each_instrument_has_its_audience_and_every_item_code(code: str) -> None:
    audience, item_codes, _ = SECTION_2[code]
    definition = _definition(code)
    assert definition.audience == audience
    assert sorted(i.code for i in definition.items) == sorted(item_codes)


@pytest.mark.parametrize(
    "code", sorted(c for c, (_, _, values) in SECTION_2.items() if values)
)
def test_choice_items_have_the_option_values_of_section_2(code: str) -> None:
    values = SECTION_2[code][2]
    for item in _definition(code).items:
        assert tuple(sorted(o.value for o in item.options)) == values, item.code


def test_sofas_is_a_number_from_0_to_100_without_anchor_text() -> None:
    (item,) = _definition("sofas").items
    assert (item.kind, item.bounds) == ("integer", (0, 100))
    assert item.options == ()


@pytest.mark.parametrize("code", ["withdrawal", "withdrawal_family", "criteria"])
def test_module_items_have_the_kinds_and_ranges_of_section_3(code: str) -> None:
    for item in _definition(code).items:
        expected = MODULE_ITEMS[item.code]
        if isinstance(expected[0], int):
            values = tuple(sorted(o.value for o in item.options))
            assert values == expected, item.code
            continue
        kind, low, high = expected
        assert item.kind == kind, item.code
        if low is not None:
            assert item.bounds == (low, high), item.code
    months = _definition(code).index.items["months_withdrawn"]
    assert months.allowed_decimals == 1


@pytest.mark.parametrize("code", sorted(METADATA_ONLY))
def test_metadata_only_instruments_ship_no_text(code: str) -> None:
    definition = _definition(code)
    assert definition.licence.text_may_ship is False
    assert all(item.text == {} for item in definition.items)
    assert all(o.label == {} for item in definition.items for o in item.options)
    assert definition.licence.note


@pytest.mark.parametrize("code", sorted(TEXT_SHIPS))
def test_free_and_own_instruments_ship_english_text_for_every_item(code: str) -> None:
    definition = _definition(code)
    assert definition.licence.text_may_ship is True
    for item in definition.items:
        assert item.text.get("en"), item.code
        assert all(o.label.get("en") for o in item.options), item.code


@pytest.mark.parametrize("code", ["hq25", "hq25m"])
def test_hq25_text_waits_for_the_verbatim_items_and_says_why(code: str) -> None:
    # INSTRUMENTS.md allows the HQ-25 text to ship, unmodified; no verifiable
    # verbatim copy was available, so the bundle leaves it to an admin and says so.
    definition = _definition(code)
    assert definition.licence.text_may_ship is False
    assert "verbatim" in definition.licence.note
    assert definition.licence.attribution
    assert "Teo" in definition.citation or "Teo" in definition.licence.attribution


def test_gad7_zero_option_reads_not_at_all() -> None:
    labels = {o.value: o.label["en"] for o in _definition("gad7").items[0].options}
    assert labels[0] == "Not at all"


def test_hq25_cutoff_and_reverse_items_are_configuration_with_their_source() -> None:
    scoring = _definition("hq25").scoring
    assert [(b.code, b.min) for b in scoring.bands] == [
        ("below_cutoff", 0),
        ("above_cutoff", 42),
    ]
    assert scoring.band_source or any(b.source for b in scoring.bands)
    assert sorted(scoring.total.reverse) == sorted(
        f"hq25_{n}" for n in (4, 7, 10, 15, 21, 25)
    )
    assert scoring.subscales == ()


@pytest.mark.parametrize(
    ("code", "age_min", "age_max"),
    [
        ("hq25", 12, None),
        ("aq10_adult", 16, None),
        ("aq10_adolescent", 12, 15),
        ("aq10_child", 4, 11),
    ],
)
def test_age_ranges_of_section_2(code: str, age_min: int, age_max: int | None) -> None:
    definition = _definition(code)
    assert (definition.age_min, definition.age_max) == (age_min, age_max)


#: The project's own modules: their Japanese and Italian wording is ours to keep right.
OWN_MODULES = ("withdrawal", "withdrawal_family", "criteria")
#: docs/translation.md, glossary: what the wording must never say.
NEVER = {
    "ja": ("社会的撤退", "撤退", "臨床家", "精神保健の専門家", "若者", "～"),
    "it": (
        "il/la",
        "del/della",
        "giovane",
        "numero di emergenza",
        "clinica",
        "vostr",
        "vivete",
        " voi",
        "autovalutazione per la famiglia",
    ),
}


def _texts(value: object, lang: str) -> list[str]:
    """Every ``lang`` string of a definition document or protocols entry."""
    if isinstance(value, dict):
        own = [value[lang]] if isinstance(value.get(lang), str) else []
        return own + [t for v in value.values() for t in _texts(v, lang)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v, lang)]
    return []


def _without_wording(document: dict[str, object]) -> object:
    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("ja", "it")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(
        {k: v for k, v in document.items() if k not in ("version", "changelog")}
    )


@pytest.mark.parametrize("lang", sorted(NEVER))
def test_the_projects_own_modules_and_protocols_follow_the_glossary(
    lang: str,
) -> None:
    documents = [loader.dump(BUNDLED[code]) for code in OWN_MODULES]
    protocols = json.loads(BUNDLED_PROTOCOLS.read_text("utf-8"))
    texts = _texts(documents, lang) + _texts(protocols, lang)
    breaches = [(bad, t) for t in texts for bad in NEVER[lang] if bad in t.lower()]
    assert breaches == []
    if lang == "it":  # a decimal comma in Italian
        assert [t for t in texts if re.search(r"\d\.\d", t)] == []


def test_the_family_safety_question_names_the_young_person_in_italian() -> None:
    family = {i.code: i for i in BUNDLED["withdrawal_family"].items}
    assert (
        family["fam_self_harm_talk"].text["it"].startswith("Il ragazzo o la ragazza ")
    )
    assert "112" in family["fam_self_harm_talk"].help["it"]
    assert "119" in family["fam_self_harm_talk"].help["ja"]


@pytest.mark.parametrize("code", OWN_MODULES)
def test_a_wording_version_changes_nothing_but_japanese_and_italian_text(
    code: str,
) -> None:
    versions = [d for d in load_bundled() if d.code == code]
    first, *later = versions
    for version in later:
        assert _without_wording(loader.dump(version)) == _without_wording(
            loader.dump(first)
        )
        assert "wording only" in version.changelog


def test_the_bundled_protocols_name_the_newest_version_of_each_module() -> None:
    protocols = json.loads(BUNDLED_PROTOCOLS.read_text("utf-8"))["protocols"]
    named = {
        (entry["code"], entry["version"])
        for protocol in protocols
        for entry in protocol["instruments"]
        if entry["code"] in OWN_MODULES
    }
    assert named == {(code, BUNDLED[code].version) for code in OWN_MODULES}
