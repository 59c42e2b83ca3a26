"""The pure definition loader: bundled files, validation paths, round trip."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from questionnaires.bank import (
    BUNDLED_DIR,
    DefinitionError,
    dump,
    dumps,
    latest_by_code,
    load_bundled,
    parse,
    parse_json,
)
from questionnaires.scoring.definitions import FLAG_CODES

BUNDLED_FILES = sorted(BUNDLED_DIR.glob("*.json"))
EXPECTED_CODES = {
    "hq25", "hq25m", "phq9", "gad7", "asq", "minispin", "aq10_adult",
    "aq10_adolescent", "aq10_child", "pq16", "sapas", "lsns6", "ucla3", "sofas",
    "withdrawal", "withdrawal_family", "criteria",
}  # fmt: skip


def minimal() -> dict[str, Any]:
    """A small valid document to break one thing at a time."""
    return {
        "schema": "hikiscreen.instrument/1",
        "code": "demo",
        "version": 1,
        "name": {"en": "Demo"},
        "short_name": "Demo",
        "audience": "self",
        "languages": ["en"],
        "licence": {"text_may_ship": True, "note": "", "attribution": ""},
        "option_sets": {
            "freq": [
                {"code": str(v), "value": v, "label": {"en": f"v{v}"}} for v in range(4)
            ]
        },
        "items": [
            {
                "code": "demo_1",
                "kind": "likert",
                "text": {"en": "One"},
                "options": "freq",
            },
            {
                "code": "demo_2",
                "kind": "likert",
                "text": {"en": "Two"},
                "options": "freq",
            },
            {
                "code": "demo_3",
                "kind": "yes_no",
                "text": {"en": "Three"},
                "show_if": {"ref": "item:demo_1", "op": "gt", "value": 0},
                "safety": True,
            },
        ],
        "scoring": {
            "total": {"method": "sum", "items": ["demo_1", "demo_2"]},
            "bands": [
                {"code": "low", "min": 0, "max": 2, "label": {"en": "Low"}},
                {"code": "high", "min": 3, "max": 6, "label": {"en": "High"}},
            ],
            "flags": [
                {
                    "code": "anxiety",
                    "severity": "moderate",
                    "when": {"ref": "total", "op": "ge", "value": 3},
                }
            ],
        },
    }


def problems(document: dict[str, Any]) -> list[str]:
    with pytest.raises(DefinitionError) as exc:
        parse(document)
    return [str(issue) for issue in exc.value.issues]


# -- bundled files


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=[p.name for p in BUNDLED_FILES])
def test_every_bundled_file_loads_validates_and_round_trips(path: Path) -> None:
    definition = parse_json(path.read_text("utf-8"), source=path.name)
    assert path.name == f"{definition.code}-v{definition.version}.json"
    assert parse(dump(definition)) == definition
    assert parse_json(dumps(definition)) == definition


def test_every_instrument_of_instruments_md_is_bundled() -> None:
    assert set(latest_by_code(load_bundled())) == EXPECTED_CODES


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=[p.name for p in BUNDLED_FILES])
def test_bundled_items_ship_no_text_where_the_licence_forbids_it(path: Path) -> None:
    definition = parse_json(path.read_text("utf-8"))
    if not definition.licence.text_may_ship:
        for item in definition.items:
            assert item.text == {}, item.code
            assert all(o.label == {} for o in item.options), item.code


def test_bundled_flag_rules_use_only_known_codes() -> None:
    for definition in load_bundled():
        assert {f.code for f in definition.scoring.flags} <= set(FLAG_CODES)


def test_latest_by_code_takes_the_highest_version() -> None:
    first = parse(minimal())
    second = parse(minimal() | {"version": 2})
    assert latest_by_code([second, first])["demo"] is second


# -- validation: every problem, with its path


def test_a_valid_document_parses() -> None:
    definition = parse(minimal())
    assert [i.code for i in definition.items] == ["demo_1", "demo_2", "demo_3"]
    assert definition.items[2].options[1].value == 1  # yes_no default options


def test_all_problems_are_reported_together_with_json_paths() -> None:
    doc = minimal()
    doc["items"][1]["options"] = [
        {"code": "a", "value": 2, "label": {"en": "A"}},
        {"code": "a", "value": 2, "label": {"en": "B"}},
    ]
    doc["items"][2]["kind"] = "slider"
    doc["scoring"]["flags"][0]["code"] = "loneliness"
    doc["scoring"]["flags"][0]["severity"] = "low"
    assert problems(doc) == [
        "items[1].options[1].code: duplicate code a",
        "items[1].options[1].value: duplicate value 2",
        "items[2].kind: must be one of likert, single_choice, yes_no, integer, number,"
        " months, age, time_of_day, free_text",
        "scoring.flags[0].code: unknown flag code loneliness",
        "scoring.flags[0].severity: must be one of urgent, high, moderate",
    ]


def test_duplicate_item_codes_are_refused() -> None:
    doc = minimal()
    doc["items"][1]["code"] = "demo_1"
    assert "items[1].code: duplicate code demo_1" in problems(doc)


@pytest.mark.parametrize(
    ("where", "ref", "message"),
    [
        ("total", "demo_9", "scoring.total.items[2]: unknown item demo_9"),
        ("flag", "item:demo_9", "scoring.flags[0].when.ref: unknown item demo_9"),
    ],
)
def test_rules_must_name_existing_items(where: str, ref: str, message: str) -> None:
    doc = minimal()
    if where == "total":
        doc["scoring"]["total"]["items"].append(ref)
    else:
        doc["scoring"]["flags"][0]["when"]["ref"] = ref
    assert message in problems(doc)


def test_show_if_may_refer_only_to_earlier_items() -> None:
    doc = minimal()
    doc["items"][0]["show_if"] = {"ref": "item:demo_2", "op": "eq", "value": 1}
    assert problems(doc) == ["items[0].show_if.ref: demo_2 is not an earlier item"]


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        (
            [(0, 1, "low"), (3, 6, "high")],
            "scoring.bands[1].min: gap: 2-2 is in no band",
        ),
        (
            [(0, 3, "low"), (3, 6, "high")],
            "scoring.bands[1].min: overlap: 3-3 is in both low and high",
        ),
        (
            [(1, 2, "low"), (3, 6, "high")],
            "scoring.bands[0].min: gap: 0-0 is in no band",
        ),
        (
            [(0, 2, "low"), (3, 5, "high")],
            "scoring.bands[1].max: gap: 6-6 is in no band",
        ),
    ],
)
def test_bands_cover_the_whole_range_without_gaps_or_overlaps(
    bands: list[tuple[int, int, str]], message: str
) -> None:
    doc = minimal()
    doc["scoring"]["bands"] = [
        {"code": code, "min": lo, "max": hi, "label": {"en": code}}
        for lo, hi, code in bands
    ]
    assert problems(doc) == [message]


def test_band_range_accounts_for_reverse_items() -> None:
    doc = minimal()
    doc["scoring"]["total"] |= {"reverse": ["demo_2"], "reverse_base": 4}
    # demo_2 reversed contributes 1-4, so the total runs 1-7.
    assert problems(doc) == ["scoring.bands[1].max: gap: 7-7 is in no band"]


def test_english_text_is_required_where_text_may_ship() -> None:
    doc = minimal()
    doc["items"][0]["text"] = {"ja": "一"}
    doc["name"] = {}
    assert problems(doc) == [
        "items[0].text: English text (en) is required",
        "name: English text (en) is required",
    ]


def test_text_may_be_empty_where_the_licence_forbids_shipping_it() -> None:
    doc = minimal()
    doc["licence"]["text_may_ship"] = False
    for item in doc["items"]:
        item["text"] = {}
    for option in doc["option_sets"]["freq"]:
        option["label"] = {}
    assert parse(doc).licence.text_may_ship is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schema": "other/1"}, "schema: must be 'hikiscreen.instrument/1'"),
        ({"code": "Demo"}, "code: 'Demo' is not a valid code ([a-z][a-z0-9_]*)"),
        ({"version": 0}, "version: must be at least 1"),
        ({"audience": "parent"}, "audience: must be one of self, informant, clinician"),
        ({"languages": ["ja", "en"]}, "languages: must start with en"),
        ({"colour": "red"}, "colour: unknown key"),
    ],
)
def test_top_level_fields_are_validated(change: dict[str, Any], message: str) -> None:
    assert problems(minimal() | change) == [message]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"kind": "integer", "options": None},
         "items[0].min: is required for kind integer"),
        ({"kind": "yes_no", "options": "freq"},
         "items[0].options: a yes_no item has exactly the values 0 and 1"),
        ({"kind": "free_text", "options": None, "min": 1},
         "items[0].min: not allowed for kind free_text"),
        ({"options": "nope"}, "items[0].options: unknown option set nope"),
    ],
)  # fmt: skip
def test_item_kinds_and_options_are_validated(
    item: dict[str, Any], message: str
) -> None:
    doc = minimal()
    doc["scoring"] = {"total": {"method": "none"}}
    doc["items"][0] = {
        k: v for k, v in (doc["items"][0] | item).items() if v is not None
    }
    assert message in problems(doc)


def test_keyed_scores_need_a_key_for_every_item() -> None:
    doc = minimal()
    doc["scoring"]["total"] = {
        "method": "keyed",
        "items": ["demo_1", "demo_2"],
        "key": {"demo_1": [0, 1]},
    }
    doc["scoring"]["bands"] = []
    assert problems(doc) == ["scoring.total.key: no key for item demo_2"]


def test_round_trip_is_lossless_for_every_feature() -> None:
    doc = minimal()
    doc["items"].append(
        {"code": "demo_4", "kind": "number", "text": {"en": "h"}, "min": 0, "max": 24,
         "decimals": 1, "required": False, "help": {"en": "x"}, "section": {"en": "s"}}
    )  # fmt: skip
    doc["scoring"]["subscales"] = [
        {"code": "part", "label": {"en": "P"}, "method": "sum_over", "threshold": 1,
         "items": ["demo_1"]}
    ]  # fmt: skip
    doc["scoring"]["missing"] = {"rule": "prorate", "min_answered": 1}
    doc["scoring"]["flags"][0]["when"] = {
        "any": [{"ref": "subscale:part", "op": "between", "value": [1, 3]},
                {"ref": "item:demo_4", "op": "answered"}]
    }  # fmt: skip
    definition = parse(copy.deepcopy(doc))
    assert parse(json.loads(json.dumps(dump(definition)))) == definition
    assert dump(parse(dump(definition))) == dump(definition)


def test_invalid_json_text_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError):
        parse_json("{not json", source="broken.json")
