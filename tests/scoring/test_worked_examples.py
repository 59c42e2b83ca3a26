"""Whole screenings from ``worked_examples.json`` through the bundled definitions.

Each row states the answers and the parts of the DESIGN.md §3 output it checks; the
table is the specification a clinician can read (STYLE.md §8).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.scoring.support import run

EXAMPLES = json.loads((Path(__file__).parent / "worked_examples.json").read_text())


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_worked_example(example: dict[str, Any]) -> None:
    data = run(example["answers"], age=example["age"]).as_json()
    expect = example["expect"]
    for code, fields in expect.get("instruments", {}).items():
        for key, value in fields.items():
            assert data["instruments"][code][key] == value, (code, key)
    for key, value in expect.get("criteria", {}).items():
        assert data["criteria"][key] == value, key
    if "disagreements" in expect:
        assert data["disagreements"] == expect["disagreements"]
    assert data["outcome"]["category"] == expect["outcome"]
    assert data["outcome"]["missing"] == expect.get("missing", [])
    flags = [[f["code"], f["severity"], f["because"]] for f in data["flags"]]
    assert flags == expect["flags"]
    if "recommendation_contains" in expect:
        assert expect["recommendation_contains"] in data["outcome"]["recommendation"]


def test_output_has_the_design_contract_keys() -> None:
    data = run(EXAMPLES[0]["answers"], age=EXAMPLES[0]["age"]).as_json()
    assert {
        "engine_version",
        "instruments",
        "criteria",
        "disagreements",
        "flags",
        "outcome",
    } <= set(data)
    assert {"total", "subscales", "band", "complete"} <= set(
        data["instruments"]["withdrawal"]
    )
    assert {"category", "recommendation", "missing"} <= set(data["outcome"])
    json.dumps(data)
