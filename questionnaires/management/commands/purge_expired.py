"""Delete anonymous family self-checks older than their retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from questionnaires.services.invitations import family_checks_purge, retention_days


class Command(BaseCommand):
    help = (
        "Delete anonymous family self-checks (with their answers) once "
        "FAMILY_CHECK_RETENTION_DAYS have passed. Safe to run as often as you like."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = family_checks_purge()
        self.stdout.write(
            f"Deleted {deleted} anonymous check(s) older than {retention_days()} days."
        )
