"""Import FHIR QuestionnaireResponses as the answers of screening parts, in batches.

    python manage.py import_responses --user alice --screening 12 --role self FILE
    python manage.py import_responses --user alice --manifest batch.csv

FILE is a QuestionnaireResponse or a Bundle of them (docs/fhir-conformance.md). A
manifest is a CSV with the columns ``screening,role,file`` (file relative to the
manifest). Each part is imported in its own transaction, as the user would through
the upload page (they must be a member of the screening's clinic); a part with any
problem is left unchanged and its problems, each with its linkId, are printed. The
command exits non-zero if any part failed.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from questionnaires import selectors
from questionnaires.exports.streams import fhir_base
from questionnaires.forms.exports import FHIR_UPLOAD_MAX_BYTES
from questionnaires.services.fhir_import import ResponseImportError, responses_import


class Command(BaseCommand):
    help = "Import FHIR QuestionnaireResponses as answers of open screening parts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="a QuestionnaireResponse or Bundle")
        parser.add_argument("--user", required=True, help="username of the clinician")
        parser.add_argument("--screening", type=int, help="screening id (one file)")
        parser.add_argument("--role", choices=["self", "informant", "clinician"])
        parser.add_argument("--manifest", help="CSV: screening,role,file")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']!r}")
        jobs = self._jobs(options)
        failed = 0
        for screening, role, path in jobs:
            label = f"screening {screening} {role} <- {path}"
            try:
                part = selectors.part_get_for(user, screening_pk=screening, role=role)
                resource = _read(path)
                responses_import(
                    part=part,
                    resource=resource,
                    by=user,
                    source=f"command:{path.name}",
                    base=fhir_base(),
                )
            except Http404:
                failed += 1
                self.stderr.write(f"{label}: no such part for {user.username}")
            except (ResponseImportError, _BadFile) as exc:
                failed += 1
                problems = (
                    exc.problems
                    if isinstance(exc, ResponseImportError)
                    else (str(exc),)
                )
                self.stderr.write(f"{label}: nothing imported")
                for problem in problems:
                    self.stderr.write(f"  {problem}")
            else:
                self.stdout.write(f"{label}: imported and submitted")
        if failed:
            raise CommandError(f"{failed} of {len(jobs)} part(s) not imported")

    def _jobs(self, options: dict[str, Any]) -> list[tuple[int, str, Path]]:
        if options["manifest"]:
            manifest = Path(options["manifest"])
            try:
                with manifest.open(encoding="utf-8", newline="") as handle:
                    rows = list(csv.DictReader(handle))
            except OSError as exc:
                raise CommandError(f"cannot read {manifest}: {exc.strerror}") from exc
            jobs = []
            for n, row in enumerate(rows, 2):
                try:
                    jobs.append(
                        (
                            int(row["screening"]),
                            str(row["role"]),
                            manifest.parent / str(row["file"]),
                        )
                    )
                except (KeyError, TypeError, ValueError) as exc:
                    raise CommandError(
                        f"{manifest} line {n}: needs screening,role,file"
                    ) from exc
            return jobs
        if not (options["file"] and options["screening"] and options["role"]):
            raise CommandError("give FILE with --screening and --role, or --manifest")
        return [(options["screening"], options["role"], Path(options["file"]))]


class _BadFile(Exception):
    pass


def _read(path: Path) -> Any:
    try:
        if path.stat().st_size > FHIR_UPLOAD_MAX_BYTES:
            raise _BadFile(f"file larger than {FHIR_UPLOAD_MAX_BYTES} bytes")
        return json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise _BadFile(f"cannot read: {exc.strerror}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise _BadFile(f"not JSON: {exc}") from exc
