"""`manage.py score INPUT.json` (DESIGN.md §3): no database, every bad code named."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.helpers import manage, production_env

SCREENING = {
    "age": 19,
    "answers": {
        "withdrawal": {
            "months_withdrawn": 6.5,
            "days_out_per_week": 1,
            "rarely_leaves_room": 0,
            "onset_age": 15,
            "impair_school_work": 6,
            "impair_home": 2,
            "impair_relationships": 2,
            "distressed": 1,
            "sleep_time": "03:00",
            "wake_time": "15:00",
        },
        "phq9": {f"phq9_{n}": 1 for n in range(1, 9)} | {"phq9_9": 1, "phq9_10": 1},
    },
}


def write(tmp_path: Path, document: Any) -> str:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document))
    return str(path)


def score(path: str, *args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("score", path, *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_score_prints_the_design_contract(tmp_path: Path) -> None:
    result = score(write(tmp_path, SCREENING))
    assert result["engine_version"]
    assert result["instruments"]["phq9"] == result["instruments"]["phq9"] | {
        "total": 9,
        "band": "mild",
        "complete": True,
        "subscales": {},
    }
    assert result["criteria"] == {
        "duration": "meets",
        "going_out": "moderate",
        "impairment_or_distress": True,
        "onset_before_30": True,
    }
    assert result["disagreements"] == []
    assert [(f["code"], f["severity"], f["because"]) for f in result["flags"]] == [
        ("suicide_risk", "urgent", ["phq9.phq9_9=1"]),
        (
            "sleep_reversal",
            "moderate",
            ["withdrawal.sleep_time=03:00", "withdrawal.wake_time=15:00"],
        ),
    ]
    assert result["outcome"]["category"] == "screen_positive"
    assert result["outcome"]["missing"] == []
    assert "comprehensive assessment" in result["outcome"]["recommendation"]


def test_an_incomplete_screening_scores_what_it_can_and_names_the_missing(
    tmp_path: Path,
) -> None:
    incomplete = {
        "age": 16,
        "answers": {
            "withdrawal": {"onset_age": 14},
            "gad7": {f"gad7_{n}": 2 for n in range(1, 8)},
            "phq9": {"phq9_1": 3, "phq9_9": 0},
        },
    }
    result = score(write(tmp_path, incomplete))
    assert result["outcome"]["category"] == "incomplete"
    assert result["outcome"]["missing"] == [
        "withdrawal.months_withdrawn",
        "withdrawal.days_out_per_week",
    ]
    assert result["outcome"]["recommendation"]
    assert result["criteria"]["duration"] == "unknown"
    assert result["criteria"]["going_out"] == "unknown"
    phq9 = result["instruments"]["phq9"]
    assert (phq9["total"], phq9["band"], phq9["complete"]) == (None, None, False)
    gad7 = result["instruments"]["gad7"]
    assert (gad7["total"], gad7["band"], gad7["complete"]) == (14, "moderate", True)
    assert [f["code"] for f in result["flags"]] == ["anxiety"]


def test_score_speaks_the_requested_language(tmp_path: Path) -> None:
    result = score(write(tmp_path, SCREENING), "--lang", "it", "--format", "json")
    assert "valutazione completa" in result["outcome"]["recommendation"]


def test_score_in_japanese_reads_the_gettext_catalogue(tmp_path: Path) -> None:
    result = score(write(tmp_path, SCREENING), "--lang", "ja")
    assert result["notice"] == (
        "これはスクリーニングの結果のまとめであり、診断ではありません。"
    )
    assert "心の健康の専門家" in result["outcome"]["recommendation"]


def test_bad_input_names_every_offending_code(tmp_path: Path) -> None:
    bad = {
        "age": 9,
        "answers": {
            "phq9": {"phq9_1": 4, "phq9_77": 1},
            "madeup": {},
            "withdrawal": {"onset_age": 12},
        },
    }
    with pytest.raises(CommandError) as exc:
        score(write(tmp_path, bad))
    for code in ("age", "phq9_1", "phq9_77", "madeup"):
        assert code in str(exc.value)


def test_onset_after_the_age_is_refused(tmp_path: Path) -> None:
    bad = {"age": 19, "answers": {"withdrawal": {"onset_age": 20}}}
    with pytest.raises(CommandError, match="onset_age"):
        score(write(tmp_path, bad))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("[1, 2]", "input must be an object"),
        ('{"age": 19, "answer": {}}', "unknown input key"),
        ("{nope", "not valid JSON"),
    ],
)
def test_malformed_input_is_a_clear_error(
    tmp_path: Path, document: str, message: str
) -> None:
    path = tmp_path / "input.json"
    path.write_text(document)
    with pytest.raises(CommandError, match=message):
        score(str(path))


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        score(str(tmp_path / "absent.json"))


def test_score_exits_non_zero_with_the_codes_on_stderr_and_no_database(
    tmp_path: Path,
) -> None:
    bad = write(tmp_path, {"age": 200, "answers": {"gad7": {"gad7_1": 9}}})
    # An unreachable database proves the command never connects to one.
    env = production_env(DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    failed = manage("score", bad, env=env)
    assert failed.returncode != 0
    assert "age" in failed.stderr and "gad7_1" in failed.stderr
    assert failed.stdout == ""
    ok = manage("score", write(tmp_path, SCREENING), env=env)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["outcome"]["category"] == "screen_positive"
