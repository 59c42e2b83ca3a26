"""Two servers marking the same screening urgent at once (the young person's and the
parent's part, answered at the same moment): one alert (PostgreSQL, issue 17)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django_tasks_db.models import DBTaskResult

from questionnaires.models import Patient, SafetyAlert
from questionnaires.services import screenings as services
from tests.factories import self_and_family_screening
from tests.helpers import waiting_for_a_lock

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_parts_turning_urgent_at_once_open_one_alert(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    screening = self_and_family_screening(
        patient=patient, by=clinician, protocols=protocols
    )
    own = screening.parts.get(role="self")
    family = screening.parts.get(role="informant")
    first_saved = threading.Event()
    release_first = threading.Event()
    second_pid: list[int] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                services.answers_save(part=own, answers={"phq9": {"phq9_9": 2}})
                first_saved.set()
                release_first.wait(timeout=60)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
            first_saved.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            services.answers_save(
                part=family, answers={"withdrawal_family": {"fam_safety_now": 1}}
            )
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    first_saved.wait(timeout=60)
    two = threading.Thread(target=second)
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
    assert errors == []
    assert blocked  # the second really ran while the first held the screening
    steps = SafetyAlert.objects.filter(screening=screening)
    assert sorted(steps.values_list("step", flat=True)) == ["alert", "escalation"]
    assert DBTaskResult.objects.count() == 2  # the alert and its escalation
