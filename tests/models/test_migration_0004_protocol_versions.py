"""Migration 0004_i19 on existing data: protocols become version 1, and patient codes
equal but for case and spaces are told apart before the new constraint."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("questionnaires", "0003_screenings")]
AFTER = [("questionnaires", "0004_protocol_versions_golden_cases_patient_codes")]


@pytest.mark.django_db(transaction=True)
def test_existing_protocols_and_colliding_patient_codes_survive_the_migration(
    executor: MigrationExecutor,
) -> None:
    old = executor.loader.project_state(BEFORE).apps
    org = old.get_model("questionnaires", "Organisation").objects.create(
        name="Clinic", slug="clinic"
    )
    other = old.get_model("questionnaires", "Organisation").objects.create(
        name="Other", slug="other"
    )
    patient = old.get_model("questionnaires", "Patient")
    for organisation, code in [
        (org, "DEMO-001"),
        (org, "demo-001"),
        (org, "Demo -001"),
        (org, "DEMO-002"),
        (other, "demo-001"),
    ]:
        patient.objects.create(organisation=organisation, code=code, birth_year=2006)
    old.get_model("questionnaires", "Protocol").objects.create(
        code="brief", name_en="Brief", audience="self"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps

    codes = new.get_model("questionnaires", "Patient").objects.order_by("pk")
    assert [(p.organisation.slug, p.code) for p in codes] == [
        ("clinic", "DEMO-001"),
        ("clinic", "demo-001 (2)"),
        ("clinic", "Demo -001 (3)"),
        ("clinic", "DEMO-002"),
        ("other", "demo-001"),
    ]
    protocol = new.get_model("questionnaires", "Protocol").objects.get()
    assert (protocol.code, protocol.number) == ("brief", 1)


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses(executor: MigrationExecutor) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)

    executor.migrate(BEFORE)

    assert "questionnaires_goldencase" not in connection.introspection.table_names()
