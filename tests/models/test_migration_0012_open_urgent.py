"""Migration 0012 on existing data: an acknowledged urgent screening gets its
acknowledgement's time; an open one and a screening that was never urgent get none."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("questionnaires", "0011_export_file_purged_at")]
AFTER = [("questionnaires", "0012_screening_open_urgent")]


@pytest.mark.django_db(transaction=True)
def test_acknowledged_urgent_screenings_get_their_acknowledgement_time(
    executor: MigrationExecutor,
) -> None:
    old = executor.loader.project_state(BEFORE).apps
    clinic = old.get_model("questionnaires", "Organisation").objects.create(
        name="Clinic", slug="clinic"
    )
    patient = old.get_model("questionnaires", "Patient").objects.create(
        organisation=clinic, code="P-1", birth_year=2008
    )
    screening = old.get_model("questionnaires", "Screening")
    now = timezone.now()
    acknowledged, still_open, calm = (
        screening.objects.create(
            organisation=clinic, patient=patient, age=17, urgent_at=urgent
        ).pk
        for urgent in (now - datetime.timedelta(hours=3), now, None)
    )
    at = now - datetime.timedelta(hours=1)
    old.get_model("questionnaires", "SafetyAcknowledgement").objects.create(
        screening_id=acknowledged, outcome="assessed", at=at
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps

    times = dict(
        new.get_model("questionnaires", "Screening").objects.values_list(
            "pk", "safety_acknowledged_at"
        )
    )
    assert times == {acknowledged: at, still_open: None, calm: None}
