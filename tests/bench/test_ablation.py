"""The ablation benchmark switches each optimisation off and on (no time asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import ablation


@pytest.mark.django_db
def test_every_optimisation_is_switched_on_in_turn_and_queries_only_go_down(
    tmp_path: Path,
) -> None:
    target = tmp_path / "ablation.json"

    assert ablation.main(["--repeat", "1", "--json", str(target)]) == 0

    rows = json.loads(target.read_text())
    assert [row["on"] for row in rows] == ["(none)", *ablation.STEPS]
    posts = [row["queries"]["post"] for row in rows]
    assert posts == sorted(posts, reverse=True)
    assert posts[-1] < posts[0]
    assert all(row["post_ms"] > 0 and row["post_ceiling_ms"] > 0 for row in rows)
