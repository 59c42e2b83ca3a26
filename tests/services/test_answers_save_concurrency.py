"""Two saves of one part at once: the second waits for the first's lock, and then
checks (for a crisis) the answers the first committed meanwhile (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction

from questionnaires import selectors
from questionnaires.models import Patient
from questionnaires.services import screenings as services
from tests.factories import self_link_token
from tests.helpers import waiting_for_a_lock

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_save_waiting_for_the_lock_checks_the_answers_committed_meanwhile(
    clinician: User, patient: Patient, protocols: Any, monkeypatch: Any
) -> None:
    token = self_link_token(
        patient=patient, by=clinician, protocol=protocols["self_report_brief"]
    )
    checked: list[dict[str, Any]] = []
    real_urgent = services._urgent

    def spy(definitions: Any, answers: Any, age: int) -> bool:
        checked.append({code: dict(given) for code, given in answers.items()})
        return real_urgent(definitions, answers, age)

    monkeypatch.setattr(services, "_urgent", spy)
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    second_pid: list[int] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            part = selectors.invitation_get_by_token(token).part
            with transaction.atomic():
                services.answers_save(part=part, answers={"phq9": {"phq9_1": 3}})
                first_holds_lock.set()
                release_first.wait(timeout=60)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
            first_holds_lock.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            # Loaded before the first save commits, as a page POST loads its page.
            ctx_state = selectors.part_state(
                selectors.invitation_get_by_token(token).part
            )
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            services.answers_save(
                part=ctx_state.part,
                answers={"gad7": {"gad7_1": 2}},
                state=ctx_state,
            )
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    assert first_holds_lock.wait(timeout=60)
    two = threading.Thread(target=second)
    two.start()
    while two.is_alive() and not (second_pid and waiting_for_a_lock(second_pid[0])):
        two.join(timeout=0.05)  # until the second save is blocked on the part's lock
    assert two.is_alive(), errors
    release_first.set()
    one.join(timeout=60)
    two.join(timeout=60)

    assert errors == []
    assert checked[-1] == {"phq9": {"phq9_1": 3}, "gad7": {"gad7_1": 2}}
