"""Delete what has outlived its use: old anonymous checks, expired export files, and
expired sessions.

Run it from cron (docs/operations.md), e.g. hourly:
``python manage.py purge_expired``.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from questionnaires.services.export_files import export_files_purge
from questionnaires.services.invitations import (
    abandoned_hours,
    family_checks_purge,
    retention_days,
)


class Command(BaseCommand):
    help = (
        "Delete anonymous family self-checks (with their answers) once "
        "FAMILY_CHECK_RETENTION_DAYS have passed, or FAMILY_CHECK_ABANDONED_HOURS "
        "when nothing was answered; the files of background exports past "
        "EXPORT_FILE_DAYS (their records stay); and expired sessions (Django's "
        "clearsessions). "
        "Safe to run as often as you like."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = family_checks_purge()
        self.stdout.write(
            f"Deleted {deleted} anonymous check(s) older than {retention_days()} "
            f"days, or {abandoned_hours()} hours with no answer."
        )
        purged = export_files_purge()
        self.stdout.write(f"Deleted the files of {purged} expired export(s).")
        # Sessions hold resume codes and sign-ins: expired ones go from the database.
        call_command("clearsessions")
        self.stdout.write("Deleted expired sessions.")
