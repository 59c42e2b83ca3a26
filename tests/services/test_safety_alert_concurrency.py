"""Two servers marking the same screening urgent at once (the young person's and the
parent's part, answered at the same moment): one alert (PostgreSQL, issue 17)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django_tasks_db.models import DBTaskResult

from questionnaires.models import Patient, SafetyAlert
from questionnaires.services import screenings as services
from tests.factories import self_and_family_screening
from tests.helpers import second_blocked_by_first

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
    blocked, errors = second_blocked_by_first(
        lambda: services.answers_save(part=own, answers={"phq9": {"phq9_9": 2}}),
        lambda: services.answers_save(
            part=family, answers={"withdrawal_family": {"fam_safety_now": 1}}
        ),
    )
    assert errors == []
    assert blocked  # the second really ran while the first held the screening
    steps = SafetyAlert.objects.filter(screening=screening)
    assert sorted(steps.values_list("step", flat=True)) == ["alert", "escalation"]
    assert DBTaskResult.objects.count() == 2  # the alert and its escalation
