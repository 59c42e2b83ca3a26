"""Print HikiScreen's performance figures (DESIGN.md §5), optionally as JSON too.

A benchmark, never a test: figures vary with the machine, so they are recorded in
docs/performance.md with the machine they came from, and no test asserts a time.
The measurements live in ``bench/benchmarks.py``, beside the product and not in it:
this command only imports them when it runs, so an installation without ``bench/``
(the production image) starts as before and this one command says what is missing.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Measure scoring and PDF speed; print the figures (--json FILE saves them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", dest="json_path", help="also write the figures here"
        )
        parser.add_argument(
            "--repeat", type=int, default=2000, help="scoring runs (median is reported)"
        )
        parser.add_argument(
            "--pdf-repeat", type=int, default=10, help="PDF renders (median reported)"
        )
        parser.add_argument(
            "--page-repeat",
            type=int,
            default=30,
            help="questionnaire page GETs and POSTs (median reported)",
        )
        parser.add_argument(
            "--export-rows",
            type=int,
            default=0,
            help="stream a CSV of N synthetic screenings, rolled back (0: skip)",
        )

    def handle(
        self,
        *args: Any,
        json_path: str | None,
        repeat: int,
        pdf_repeat: int,
        page_repeat: int = 30,
        export_rows: int = 0,
        **options: Any,
    ) -> None:
        try:
            from bench import benchmarks  # noqa: PLC0415 (only when benchmarking)
        except ImportError as error:
            raise CommandError(
                "The benchmarks are not installed here: manage.py benchmark needs the "
                "bench/ folder of a source checkout (the production image leaves it "
                f"out). ({error})"
            ) from error
        figures: dict[str, Any] = {
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
            "python": platform.python_version(),
        }
        figures.update(benchmarks.score_ms(repeat=repeat))
        figures.update(benchmarks.pdf_figures(repeat=pdf_repeat))
        figures.update(benchmarks.page_figures(repeat=page_repeat))
        if export_rows > 0:
            figures.update(benchmarks.export_figures(rows=export_rows))
        width = max(len(key) for key in figures)
        for key, value in figures.items():
            self.stdout.write(f"{key:<{width}}  {value}")
        if json_path:
            Path(json_path).write_text(json.dumps(figures, indent=2) + "\n")
            self.stdout.write(f"written to {json_path}")
