"""Background tasks (Django's Tasks API through the django-tasks backport).

Each task is thin: it calls one service. Tasks are enqueued with
``transaction.on_commit`` by the service whose change causes them, so a rolled-back
change never sends anything, and run by ``manage.py db_worker`` beside the app servers.
"""

from __future__ import annotations

from django_tasks import task

from questionnaires.services import export_files, report_cache


@task()
def write_organisation_export(*, export_id: int, download_url: str) -> None:
    """Write a large clinic export to its file and tell the clinician."""
    export_files.organisation_export_write(
        export_id=export_id, download_url=download_url
    )


@task()
def prerender_reports(*, screening_id: int, part_id: int) -> None:
    """Render the reports a submission makes available into the report cache."""
    report_cache.reports_prerender(screening_id=screening_id, part_id=part_id)
