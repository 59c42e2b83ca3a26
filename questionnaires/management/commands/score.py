"""Score a screening from a JSON file, without the database (DESIGN.md §3).

    python manage.py score INPUT.json [--format json] [--lang en|ja|it]

INPUT is ``{"age": 19, "answers": {"<instrument>": {"<item>": value, ...}, ...}}``;
the latest bundled version of each instrument is used. INPUT may also be a FHIR R4
QuestionnaireResponse or a Bundle of them (``--age`` then gives the age): each
response is read against the bundled version it names (``url|version``) and checked
as the upload is (docs/fhir-conformance.md). Output is the
``ScreeningResult.as_json()`` object on stdout. Bad input exits non-zero with every
offending code on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.bank import DefinitionError, latest_by_code, load_bundled
from questionnaires.exports import fhir
from questionnaires.scoring import InvalidInput, score
from questionnaires.scoring.wording import LANGUAGES
from questionnaires.security import untrusted_json


class Command(BaseCommand):
    help = "Score a screening from INPUT.json (no database); print the result as JSON."
    # Pure computation: no system checks, so it runs without a configured database.
    requires_system_checks: list[str] = []  # type: ignore[assignment]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="input JSON file, or - for stdin")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--lang", choices=LANGUAGES, default="en")
        parser.add_argument(
            "--age", type=int, help="the age, for FHIR input (which has none)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        document = self._read(options["input"])
        named: dict[str, Any] = {}
        if isinstance(document, dict) and document.get("resourceType") in (
            "Bundle",
            "QuestionnaireResponse",
        ):
            document, named = self._from_fhir(document, options["age"])
        if not isinstance(document, dict):
            raise CommandError('input must be an object {"age": …, "answers": {…}}')
        unknown = sorted(set(document) - {"age", "answers"})
        if unknown:
            raise CommandError(f"unknown input key(s): {', '.join(unknown)}")
        try:
            definitions = {**latest_by_code(load_bundled()), **named}
        except DefinitionError as exc:
            raise CommandError(f"bundled instruments are invalid:\n{exc}") from exc
        try:
            result = score(
                definitions, document.get("answers", {}), age=document.get("age")
            )
        except InvalidInput as exc:
            lines = "\n".join(f"  {error}" for error in exc.errors)
            raise CommandError(
                f"invalid input ({', '.join(exc.codes)}):\n{lines}"
            ) from exc
        self.stdout.write(
            json.dumps(result.as_json(options["lang"]), ensure_ascii=False, indent=2)
        )

    def _from_fhir(
        self, resource: dict[str, Any], age: int | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The score input of FHIR responses, and the versions they answer."""
        if age is None:
            raise CommandError("FHIR input needs --age")
        try:
            by_version = {(d.code, d.version): d for d in load_bundled()}
        except DefinitionError as exc:
            raise CommandError(f"bundled instruments are invalid:\n{exc}") from exc
        try:
            responses = fhir.read_responses(
                resource, lambda code, n: by_version.get((code, n)), age=age
            )
        except fhir.ResponseProblems as exc:
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(f"invalid FHIR input:\n{lines}") from exc
        document = {
            "age": age,
            "answers": {r.definition.code: r.answers for r in responses},
        }
        return document, {r.definition.code: r.definition for r in responses}

    def _read(self, name: str) -> object:
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {name}: {exc.strerror}") from exc
        try:
            return untrusted_json.loads(data)
        except untrusted_json.UntrustedJSONError as exc:
            raise CommandError(f"{name} is {exc}") from exc
