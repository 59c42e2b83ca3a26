"""Background tasks (Django's Tasks API through the django-tasks backport).

Each task is thin: it calls one service. Tasks are enqueued with
``transaction.on_commit`` by the service whose change causes them, so a rolled-back
change never sends anything, and run by ``manage.py run_tasks`` (``db_worker`` plus
the sweep of :mod:`questionnaires.services.task_queue`) beside the app servers.

django-tasks has no retry of its own. A task that may fail for a while (a mail
server down) takes the context and an ``attempt`` number and runs its service inside
:func:`retrying`: on an error the same task is enqueued again with a back-off delay,
and the failed run is recorded as failed. A task must be idempotent: a worker that
dies mid-task leaves it RUNNING, and the sweep puts it back in the queue.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import timezone
from django_tasks import TaskContext, task

from questionnaires.services import accounts, export_files, report_cache, safety

logger = logging.getLogger(__name__)

#: Runs of one task before it is left failed (about 4 hours of back-off in all).
MAX_ATTEMPTS = 10
BACKOFF_FIRST = datetime.timedelta(seconds=30)
BACKOFF_MAX = datetime.timedelta(hours=1)


def backoff(attempt: int) -> datetime.timedelta:
    """The wait before run ``attempt + 1``: doubling from 30 s, at most one hour."""
    return min(BACKOFF_FIRST * 2 ** (attempt - 1), BACKOFF_MAX)


@contextmanager
def retrying(context: TaskContext, attempt: int, **kwargs: Any) -> Iterator[None]:
    """Enqueue the running task again with ``attempt + 1`` if the block raises."""
    try:
        yield
    except Exception:
        if attempt >= MAX_ATTEMPTS:
            logger.exception("task gave up after %s attempts", attempt)
            raise
        run_after = timezone.now() + backoff(attempt)
        context.task_result.task.using(run_after=run_after).enqueue(
            attempt=attempt + 1, **kwargs
        )
        logger.warning("task failed (attempt %s), retrying at %s", attempt, run_after)
        raise


@task(takes_context=True)
def send_safety_alert(context: TaskContext, alert_id: int, attempt: int = 1) -> bool:
    """Send one step of an urgent screening's alert (idempotent)."""
    with retrying(context, attempt, alert_id=alert_id):
        return safety.safety_alert_send(alert_id=alert_id)


@task()
def send_password_reset(*, user_id: int, domain: str, use_https: bool) -> bool:
    """Send one password-reset e-mail (services.accounts.password_reset_send)."""
    return accounts.password_reset_send(
        user_id=user_id, domain=domain, use_https=use_https
    )


@task(takes_context=True)
def write_organisation_export(
    context: TaskContext, export_id: int, download_url: str, attempt: int = 1
) -> None:
    """Write a large clinic export to its file and tell the clinician."""
    with retrying(context, attempt, export_id=export_id, download_url=download_url):
        export_files.organisation_export_write(
            export_id=export_id, download_url=download_url
        )


@task(takes_context=True)
def prerender_reports(
    context: TaskContext, screening_id: int, part_id: int, attempt: int = 1
) -> None:
    """Render the reports a submission makes available into the report cache."""
    with retrying(context, attempt, screening_id=screening_id, part_id=part_id):
        report_cache.reports_prerender(screening_id=screening_id, part_id=part_id)
