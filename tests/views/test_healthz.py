from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "tasks": {"waiting": 0, "running": 0, "oldest_waiting_seconds": None},
    }


@pytest.mark.django_db
def test_healthz_reports_tasks_waiting_for_a_worker(client: Client) -> None:
    from questionnaires.tasks import send_safety_alert

    send_safety_alert.enqueue(alert_id=0)
    tasks = client.get("/healthz").json()["tasks"]
    assert tasks["waiting"] == 1 and tasks["oldest_waiting_seconds"] >= 0


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client: Client) -> None:
    with mock.patch(
        "questionnaires.views.public.connection.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_healthz_is_never_cached(client: Client) -> None:
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
