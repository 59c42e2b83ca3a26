"""The benchmark command reports its figures; no test here asserts a time."""

from __future__ import annotations

import json
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bench import benchmarks
from questionnaires.scoring import score


def test_full_screening_is_valid_and_covers_every_bundled_instrument() -> None:
    definitions = benchmarks.bundled_definitions()
    answers = benchmarks.full_screening(definitions)
    result = score(definitions, answers, age=19)
    assert set(result.as_json()["instruments"]) == set(definitions)
    assert all(
        instrument["complete"]
        for instrument in result.as_json()["instruments"].values()
    )


@pytest.mark.django_db
def test_benchmark_prints_and_writes_the_figures(tmp_path: Path) -> None:
    out = StringIO()
    target = tmp_path / "bench.json"
    call_command(
        "benchmark",
        "--repeat",
        "5",
        "--pdf-repeat",
        "1",
        "--page-repeat",
        "1",
        "--json",
        str(target),
        stdout=out,
    )
    figures = json.loads(target.read_text())
    for key in ("score_ms", "pdf_ms", "pdf_layout_ms", "pdf_ratio", "pdf_cached_ms"):
        assert figures[key] > 0, key
    assert figures["pdf_bytes_ja"] > figures["pdf_bytes_en"] > 0
    assert figures["score_instruments"] == len(benchmarks.bundled_definitions())
    assert "score_ms" in out.getvalue()
    assert set(figures["queries_per_page"]) == {"get", "post"}
    for key in ("page_get_ms", "page_get_ceiling_ms", "page_post_ms", "page_get_ratio"):
        assert figures[key] > 0, key


@pytest.mark.django_db
def test_export_figures_stream_every_row_and_leave_the_database_as_it_was() -> None:
    from questionnaires.models import Organisation, Screening

    figures = benchmarks.export_figures(rows=30)

    assert figures["export_rows"] == 30
    assert figures["export_bytes"] > 0
    assert figures["export_peak_mb_tenth"] > 0
    assert figures["export_peak_mb"] > 0
    assert figures["export_rows_per_s"] > 0
    assert not Organisation.objects.exists()
    assert not Screening.objects.exists()


def test_without_the_bench_folder_the_benchmark_command_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As in the production image, which leaves bench/ out: importing it fails.
    monkeypatch.setitem(sys.modules, "bench", None)
    with pytest.raises(CommandError, match="bench/ folder"):
        call_command("benchmark", stdout=StringIO())
