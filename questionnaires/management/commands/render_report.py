"""Render a screening's PDF report from a ``manage.py score`` INPUT file.

``python manage.py render_report INPUT.json --audience clinician|family|self
[--lang en|ja|it] [--share safety] --out FILE.pdf`` (DESIGN.md §3): the answers are
scored with the pure engine and the bundled definitions, no database needed, and the
PDF is the one a user would get. Each instrument's answers belong to its respondent,
so ``family`` reads the family's answers only and ``self`` the young person's; with
``--share safety`` the family summary also carries the young person's safety
concern, as when a clinician chooses to share it. Bad input exits non-zero with the
engine's message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from questionnaires.reports.context import AUDIENCES, LANGUAGES, SHARE_CHOICES
from questionnaires.reports.inputs import report_from_input
from questionnaires.reports.pdf import MissingFontError, render_report
from questionnaires.scoring import InvalidInput
from questionnaires.security import untrusted_json


class Command(BaseCommand):
    help = (
        "Render the clinician report, the family summary or the young person's own "
        "summary of INPUT.json as PDF."
    )
    # Needs no database or app state, like manage.py score.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="answers, as for manage.py score")
        parser.add_argument("--audience", required=True, choices=AUDIENCES)
        parser.add_argument("--lang", default="en", choices=LANGUAGES)
        parser.add_argument("--out", required=True, type=Path, help="PDF to write")
        parser.add_argument(
            "--share",
            action="append",
            default=[],
            choices=SHARE_CHOICES,
            help="family only: share this from the young person's answers",
        )
        parser.add_argument("--organisation", default="HikiScreen")
        parser.add_argument("--patient-code", default="—")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["input"])
        try:
            document = untrusted_json.loads(path.read_bytes())
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except untrusted_json.UntrustedJSONError as exc:
            raise CommandError(f"{path} is {exc}") from exc
        try:
            data = report_from_input(
                document,
                lang=options["lang"],
                organisation=options["organisation"],
                patient_code=options["patient_code"],
                report_date=timezone.localdate().isoformat(),
            )
            pdf = render_report(
                data,
                audience=options["audience"],
                lang=options["lang"],
                shared=options["share"] if options["audience"] == "family" else (),
            )
        except (InvalidInput, MissingFontError) as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pdf)
        self.stdout.write(f"Wrote {out} ({len(pdf) // 1024} KB)")
