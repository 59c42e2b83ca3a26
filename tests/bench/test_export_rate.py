"""bench.export_rate streams a clinic's CSVs and reports rows, rate and memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from bench import benchmarks, export_rate
from questionnaires.models import Organisation
from tests.factories import SELF


@pytest.mark.django_db
def test_each_variant_streams_every_screening_and_reports_its_figures(
    clinic_a: Organisation, protocols: dict[str, Any], tmp_path: Path
) -> None:
    benchmarks.synthetic_screenings(
        organisation=clinic_a, protocol=protocols[SELF], count=4
    )
    profile = tmp_path / "export.prof"
    for research in (False, True):
        figures = export_rate.measure(clinic_a.slug, research=research, profile=profile)
        assert figures["rows"] == 4  # not the header, not the trailer
        assert figures["rows_per_second"] > 0
        assert figures["peak_mib"] > 0
        if connection.vendor == "sqlite":  # no server process to read
            assert figures["server_cpu_ms_per_1k"] is None
        assert profile.stat().st_size > 0
        profile.unlink()
