"""Keeping the task queue whole: what a dead worker left behind runs again.

django-tasks-db's ``db_worker`` marks a task RUNNING when it claims it and never
looks at it again: a worker killed mid-task (a deploy, an OOM kill, a lost host)
leaves the row RUNNING forever. :func:`task_queue_sweep`, run by every
``manage.py run_tasks`` loop, puts such rows back to READY once they have run for
longer than any task should (``TASK_STALE_AFTER``), so they run again; tasks are
idempotent, so a slow task that was in fact still running does no harm.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from questionnaires.services import safety

logger = logging.getLogger(__name__)


def task_queue_sweep(*, now: datetime.datetime | None = None) -> int:
    """Re-queue tasks left RUNNING by a dead worker, and lost alert steps."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.TASK_STALE_AFTER)
    # One conditional UPDATE: two sweepers at once re-queue each row once.
    requeued = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY)
    if requeued:
        logger.warning("task queue: %s task(s) left running were re-queued", requeued)
    return requeued + safety.safety_alerts_sweep(now=now)


@dataclass(frozen=True)
class QueueHealth:
    """What /healthz reports about the queue: counts and the oldest waiting task."""

    ready: int
    running: int
    oldest_ready_seconds: int | None


def task_queue_health(*, now: datetime.datetime | None = None) -> QueueHealth:
    """Tasks waiting (due now) and running, and how long the oldest has waited."""
    now = now or timezone.now()
    ready = DBTaskResult.objects.ready()
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    return QueueHealth(
        ready=ready.count(),
        running=DBTaskResult.objects.running().count(),
        oldest_ready_seconds=int((now - oldest).total_seconds()) if oldest else None,
    )
