"""The load benchmark's whole path runs and reports its figures (no time asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_dry_run_serves_app_and_ceiling_and_counts_every_submission(
    tmp_path: Path,
) -> None:
    target = tmp_path / "bench-load.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.load", "--dry-run", "--json", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(target.read_text())
    assert figures["dry_run"] is True
    assert {(r["page"], r["concurrency"]) for r in figures["results"]} == {
        ("get", 1),
        ("get", 2),
        ("post", 1),
        ("post", 2),
    }
    for result in figures["results"]:
        for target_name in ("app", "ceiling"):
            assert result[target_name]["errors"] == 0
            assert {"rps", "p50_ms", "p95_ms"} <= set(result[target_name])
        assert "ratio" in result
    verified = figures["verified"]
    assert verified["ok"] and verified["app_posts"] > 0
    assert verified["app_rows"] == verified["app_posts"] * figures["questions"]
    assert {"ping_rps", "headroom", "bottleneck"} <= set(figures["client"])
