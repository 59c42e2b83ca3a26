"""Run a background worker: django-tasks-db's ``db_worker`` plus the queue sweep.

Each round sweeps the queue (tasks a dead worker left RUNNING go back to READY, lost
alert steps are enqueued again), then runs every task that is due with
``db_worker --batch``, then sleeps ``--interval`` seconds. Ctrl-C or SIGTERM stops it
after the task in hand, as ``db_worker`` does. Run one or more per deployment.
"""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from questionnaires.services.task_queue import task_queue_sweep


class Command(BaseCommand):
    help = "Run background tasks (db_worker) and re-queue lost ones, until stopped."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--sweep-every", type=float, default=60.0, help="seconds between sweeps"
        )
        parser.add_argument(
            "--once", action="store_true", help="one round, then exit (tests, cron)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"run_tasks-{get_random_string(12)}"
        if options["verbosity"] < 2:
            # db_worker --batch says "Starting worker" and "No more tasks" at INFO
            # every round; tasks' own logs (the django_tasks logger) stay.
            logging.getLogger("django_tasks_db").addFilter(_warnings_only)
        last_sweep = 0.0
        self.stdout.write(f"Task worker {worker_id} started")
        try:
            while True:
                if time.monotonic() - last_sweep >= options["sweep_every"]:
                    task_queue_sweep()
                    last_sweep = time.monotonic()
                call_command(
                    "db_worker",
                    batch=True,
                    startup_delay=False,
                    reload=False,
                    worker_id=worker_id,
                    verbosity=options["verbosity"],
                )
                if options["once"]:
                    return
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("Task worker stopped")


def _warnings_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING
