from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from questionnaires.tasks import __name__ as tasks_module

pytestmark = pytest.mark.django_db


def test_healthz_names_each_dependency_as_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "tasks": "ok",
        "task_queue": {"waiting": 0, "running": 0, "oldest_waiting_seconds": None},
    }


@pytest.mark.django_db
def test_healthz_reports_tasks_waiting_for_a_worker(client: Client) -> None:
    from questionnaires.tasks import send_safety_alert

    send_safety_alert.enqueue(alert_id=0)
    queue = client.get("/healthz").json()["task_queue"]
    assert queue["waiting"] == 1 and queue["oldest_waiting_seconds"] >= 0


def test_healthz_answers_503_when_the_database_is_unreachable(client: Client) -> None:
    with mock.patch(
        "questionnaires.selectors.connection.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_says_the_cache_is_degraded_and_still_answers_200(
    client: Client, settings: Any
) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "degraded"
    assert response.json()["status"] == "degraded"


def test_healthz_says_the_task_queue_is_degraded_when_tasks_wait_too_long(
    client: Client,
) -> None:
    an_hour_ago = timezone.now() - timedelta(hours=1)
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path=f"{tasks_module}.nothing",
        backend_name="default",
        run_after=an_hour_ago,
    )
    DBTaskResult.objects.update(enqueued_at=an_hour_ago)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["tasks"] == "degraded"


def test_healthz_is_never_cached(client: Client) -> None:
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
