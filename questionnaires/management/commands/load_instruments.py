"""Load every bundled instrument definition and protocol into the question bank.

Idempotent: a version already loaded with the same content is left alone, and a run
that changes nothing says so. A bundled file whose content differs from the loaded
version of the same number is refused: a published version never changes, so the
file needs a new version number.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from questionnaires.bank import loader
from questionnaires.bank.protocols import load_bundled_protocols
from questionnaires.services.bank import BankError, bank_import, protocol_load

ACTOR = "manage.py load_instruments"


class Command(BaseCommand):
    help = "Load the bundled instruments and protocols into the question bank."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            definitions = loader.load_bundled()
            specs = load_bundled_protocols(definitions)
        except loader.DefinitionError as exc:
            raise CommandError(str(exc)) from exc
        refused: list[str] = []
        changes = 0
        for definition in definitions:
            label = f"{definition.code} v{definition.version}"
            try:
                result = bank_import(
                    document=loader.dump(definition), actor_label=ACTOR
                )
            except BankError as exc:
                refused += [f"{label}: {p}" for p in exc.problems]
                continue
            if result.created:
                changes += 1
                self.stdout.write(f"{label}: loaded and published")
        for spec in specs:
            try:
                loaded = protocol_load(spec=spec, actor_label=ACTOR)
            except BankError as exc:
                refused += [f"protocol {p}" for p in exc.problems]
                continue
            changes += loaded.changed
            if loaded.changed:
                self.stdout.write(
                    f"protocol {spec.code}: {loaded.protocol.get_status_display()}"
                )
            for problem in loaded.problems:
                self.stdout.write(f"protocol {spec.code} left as draft: {problem}")
        if refused:
            raise CommandError(
                "Refused:\n" + "\n".join(f"  {problem}" for problem in refused)
            )
        if changes:
            self.stdout.write(self.style.SUCCESS(f"{changes} change(s) loaded."))
        else:
            self.stdout.write(
                f"Nothing changed: {len(definitions)} instrument versions and "
                f"{len(specs)} protocols are already loaded."
            )
