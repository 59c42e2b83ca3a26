"""Small helpers shared by tests that run the project in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection, connections, transaction

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides: str | None) -> dict[str, str]:
    """A production-like environment: DEBUG off, secrets set, no test overrides."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "EMAIL_URL",
            "SECURE_SSL_REDIRECT",
            "REQUIRE_STAFF_2FA",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hikiscreen.settings",
            "SECRET_KEY": "k3y-" + "x7Qp9Lm2Vr5Ts8Wn4Yb6Hc1Jd0Fg3Ke" * 2,
            "ALLOWED_HOSTS": "hikiscreen.example.org",
            "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.org:587",
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `manage.py` with the given environment and capture its output."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def waiting_for_a_lock(backend_pid: int) -> bool:
    """Whether PostgreSQL backend ``backend_pid`` is waiting for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
            [backend_pid],
        )
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def second_blocked_by_first(
    first: Callable[[], object], second: Callable[[], object]
) -> tuple[bool, list[BaseException]]:
    """Run ``first`` in a transaction on one thread and hold it open while ``second``
    runs on another; then let the first commit. Returns whether the second was seen
    waiting for a lock (PostgreSQL) while the first held it, and the errors both
    raised, in the order raised."""
    first_done = threading.Event()
    release_first = threading.Event()
    second_pid: list[int] = []
    errors: list[BaseException] = []

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                first_done.set()
                release_first.wait(timeout=60)
        except BaseException as error:  # noqa: BLE001 (returned to the test)
            errors.append(error)
            first_done.set()
        finally:
            connections.close_all()

    def run_second() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            second()
        except BaseException as error:  # noqa: BLE001 (returned to the test)
            errors.append(error)
        finally:
            connections.close_all()

    one = threading.Thread(target=run_first)
    one.start()
    first_done.wait(timeout=60)
    two = threading.Thread(target=run_second)
    two.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
        second_pid and waiting_for_a_lock(second_pid[0])
    ):
        time.sleep(0.05)
    blocked = bool(second_pid) and waiting_for_a_lock(second_pid[0])
    release_first.set()
    one.join(timeout=60)
    two.join(timeout=60)
    return blocked, errors
