"""The scale benchmark's fill (bench/scale.py) makes the data set it is asked for.

It writes with COPY and skips the row-by-row foreign-key checks and index updates, so
these tests check what those would have: every row points at a row that exists, the
indexes are all back, and each screening's stored result is what the scoring engine
gives for its stored answers. PostgreSQL only (COPY); skipped on SQLite.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from bench import scale
from questionnaires import scoring, selectors
from questionnaires.models import (
    Answer,
    Organisation,
    Patient,
    SafetyAcknowledgement,
    Screening,
    ScreeningPart,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the fill uses PostgreSQL's COPY"
    ),
]

TABLES = [m._meta.db_table for m in (Patient, Screening, ScreeningPart, Answer)] + [
    "questionnaires_auditevent"
]


def _indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [TABLES],
        )
        return set(cursor.fetchall())


def _orphans(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


def test_the_fill_makes_the_screenings_asked_with_consistent_rows(
    protocols: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scale, "OPEN_URGENT", 1)  # fewer than the urgent ones
    indexes = _indexes()
    filled = scale.fill(240, seed=3)

    assert Screening.objects.count() == filled["rows"]["screening"] == 240
    by_clinic = [
        Screening.objects.filter(organisation=o).count()
        for o in Organisation.objects.filter(slug__startswith="scale-").order_by("slug")
    ]
    assert by_clinic == [round(240 * share) for share in scale.CLINIC_SHARES]
    assert Answer.objects.count() == filled["rows"]["answer"] > 240 * 20
    assert _indexes() == indexes  # every index and unique constraint built again
    assert not _orphans(
        "SELECT count(*) FROM questionnaires_screening s LEFT JOIN "
        "questionnaires_patient p ON p.id = s.patient_id "
        "WHERE p.id IS NULL OR p.organisation_id <> s.organisation_id"
    )
    assert not _orphans(
        "SELECT count(*) FROM questionnaires_screeningpart sp LEFT JOIN "
        "questionnaires_screening s ON s.id = sp.screening_id WHERE s.id IS NULL"
    )
    assert not _orphans(
        "SELECT count(*) FROM questionnaires_answer a LEFT JOIN "
        "questionnaires_screeningpart sp ON sp.id = a.part_id WHERE sp.id IS NULL"
    )
    assert not _orphans(
        "SELECT count(*) FROM questionnaires_screening s WHERE NOT EXISTS "
        "(SELECT 1 FROM questionnaires_screeningpart sp "
        "WHERE sp.screening_id = s.id AND sp.role = 'self')"
    )
    urgent = Screening.objects.filter(urgent_at__isnull=False)
    still_open = urgent.filter(safety_acknowledged_at__isnull=True)
    assert urgent.count() > 1
    assert still_open.count() == 1
    newest = urgent.order_by("-urgent_at")[: still_open.count()]
    assert set(still_open) == set(newest)
    # The sequences were moved past the copied ids: the app can add rows.
    first = Screening.objects.earliest("pk")
    assert first.patient is not None
    Screening.objects.create(
        organisation=first.organisation, patient=first.patient, age=first.age
    )


def test_each_stored_result_is_the_engines_result_for_the_stored_answers(
    protocols: dict[str, Any],
) -> None:
    scale.fill(60, seed=5)

    screenings = Screening.objects.prefetch_related("parts__protocol")
    for screening in screenings:
        definitions: dict[str, Any] = {}
        answers: dict[str, Any] = {}
        for part in screening.parts.all():
            state = selectors.part_state(part)
            definitions.update(state.definitions_by_code)
            answers.update(state.answers)
        result = scoring.score(definitions, answers, age=screening.age)
        assert screening.result == result.as_json("en")
        assert screening.result_localised["ja"] == result.as_json("ja")
        urgent = result.flag("suicide_risk") is not None
        assert (screening.urgent_at is not None) == urgent
        acknowledged = SafetyAcknowledgement.objects.filter(screening=screening)
        assert acknowledged.exists() == (screening.safety_acknowledged_at is not None)
        if not urgent:
            assert not acknowledged.exists()
