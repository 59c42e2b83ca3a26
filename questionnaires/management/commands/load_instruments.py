"""Load every bundled instrument definition and protocol into the question bank.

Idempotent: a version already loaded with the same content is left alone, and a run
that changes nothing says so. A bundled file whose content differs from the loaded
version of the same number is refused: a published version never changes, so the
file needs a new version number.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from questionnaires.bank import loader
from questionnaires.bank.protocols import load_bundled_protocols
from questionnaires.services.bank import (
    LICENSED_TEXT_MISSING,
    BankError,
    bank_import,
    protocol_load,
    protocols_waiting_for_text,
)

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
                if not problem.endswith(LICENSED_TEXT_MISSING):
                    self.stdout.write(f"protocol {spec.code} left as draft: {problem}")
        if refused:
            raise CommandError(
                "Refused:\n" + "\n".join(f"  {problem}" for problem in refused)
            )
        waiting = waiting_sentence()
        if waiting:
            self.stdout.write(waiting)
        if changes:
            self.stdout.write(self.style.SUCCESS(f"{changes} change(s) loaded."))
        else:
            self.stdout.write(
                f"Nothing changed: {len(definitions)} instrument versions and "
                f"{len(specs)} protocols are already loaded."
            )


def waiting_sentence() -> str:
    """One sentence: which protocols wait for licensed text, and where to enter it."""
    waiting = protocols_waiting_for_text()
    if not waiting:
        return ""
    codes = sorted({p.code for protocols in waiting.values() for p in protocols})
    places = ", ".join(
        f"{v.instrument.code} v{v.number} at "
        f"{reverse('admin:bank-licensed-text', args=[v.pk])}"
        for v in sorted(waiting, key=lambda v: v.instrument.code)
    )
    return (
        f"{len(codes)} protocol(s) wait for licensed item text ({', '.join(codes)}): "
        f"an admin who holds the licence pastes the items, one per line, or uploads "
        f"a CSV for {places} in the admin, and each protocol publishes as soon as "
        "all of its text is in."
    )
