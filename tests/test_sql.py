"""questionnaires/sql.py: each named statement against the schema the models define.

Run on SQLite by default and on PostgreSQL with DATABASE_URL: every statement reads
or writes exactly what the ORM reads or writes for the same rows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from questionnaires import selectors, sql
from questionnaires.models import Answer, Patient, ScreeningPart
from questionnaires.services import screenings as services
from tests.factories import SELF, start_screening

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 5, 4, 3, 2, 1, 123456, tzinfo=UTC)
LATER = datetime(2026, 5, 5, 3, 2, 1, tzinfo=UTC)


def _part(clinician: User, patient: Patient, protocols: Any) -> ScreeningPart:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "link")]
    )
    part: ScreeningPart = screening.parts.get()
    return part


def _answered(clinician: User, patient: Patient, protocols: Any) -> ScreeningPart:
    part = _part(clinician, patient, protocols)
    services.answers_save(
        part=part,
        answers={
            "phq9": {"phq9_1": 2, "phq9_2": 0},
            "withdrawal": {"sleep_time": "23:30", "online_hours": 2.5},
        },
    )
    return part


def _orm_rows(part: ScreeningPart) -> set[tuple[int, str, Any]]:
    return set(
        Answer.objects.filter(part=part).values_list(
            "instrument_version_id", "item_code", "value"
        )
    )


def test_answer_rows_reads_what_the_orm_reads(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _answered(clinician, patient, protocols)
    rows = sql.answer_rows(part.pk)
    assert len(rows) == 4
    assert set(rows) == _orm_rows(part)
    assert {type(value) for _, _, value in rows} == {int, str, float}


def test_part_lock_with_answers_reads_the_parts_progress_and_answers(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _answered(clinician, patient, protocols)
    ScreeningPart.objects.filter(pk=part.pk).update(language="ja", last_page=3)
    part.refresh_from_db()
    with transaction.atomic():
        locked = sql.part_lock_with_answers(part.pk)
    assert locked is not None
    assert (locked.status, locked.last_page, locked.language) == (
        part.status,
        part.last_page,
        part.language,
    )
    assert locked.started is (part.started_at is not None) is True
    assert locked.crisis is (part.crisis_at is not None) is False
    assert set(locked.answers) == _orm_rows(part)


def test_part_lock_with_answers_of_a_part_without_answers_or_of_none(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _part(clinician, patient, protocols)
    with transaction.atomic():
        locked = sql.part_lock_with_answers(part.pk)
        missing = sql.part_lock_with_answers(part.pk + 1000)
    assert locked is not None
    assert locked.answers == []
    assert (locked.status, locked.started, locked.crisis) == ("pending", False, False)
    assert missing is None


@pytest.mark.django_db(transaction=True)
def test_a_row_lock_outside_a_transaction_is_refused(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _part(clinician, patient, protocols)
    with pytest.raises(RuntimeError, match="transaction"):
        sql.part_lock_with_answers(part.pk)


def _progress(part_pk: int, *, started_at: datetime | None = None) -> sql.Statement:
    return sql.part_progress_update(
        part_pk,
        status="in_progress",
        last_page=1,
        language="en",
        started_at=started_at,
        crisis_at=None,
    )


def test_answers_upsert_inserts_then_replaces_as_the_orm_would_read_them(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _part(clinician, patient, protocols)
    version = selectors.part_state(part).versions_by_code["withdrawal"]

    def answer(code: str, option: str, value: Any) -> sql.NewAnswer:
        return sql.NewAnswer(part.pk, version.pk, code, option, value)

    first = [answer("online_hours", "", 2.5), answer("sleep_time", "", "23:30")]
    progress = _progress(part.pk, started_at=WHEN)
    sql.run([*sql.answers_upsert(first, now=WHEN), progress])
    sql.run([*sql.answers_upsert([answer("online_hours", "", 4)], now=LATER), progress])

    saved = {a.item_code: a for a in Answer.objects.filter(part=part)}
    assert {code: a.value for code, a in saved.items()} == {
        "online_hours": 4,
        "sleep_time": "23:30",
    }
    assert saved["online_hours"].updated_at == LATER
    assert saved["sleep_time"].updated_at == WHEN
    assert saved["sleep_time"].instrument_version_id == version.pk


def test_answers_upsert_splits_many_answers_into_batches(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _part(clinician, patient, protocols)
    version = selectors.part_state(part).versions_by_code["phq9"]
    many = [
        sql.NewAnswer(part.pk, version.pk, f"x{n}", "1", n)
        for n in range(sql.UPSERT_BATCH * 2 + 1)
    ]
    statements = sql.answers_upsert(many, now=WHEN)
    assert len(statements) == 3
    sql.run([*statements, _progress(part.pk)])
    assert Answer.objects.filter(part=part).count() == len(many)


def test_part_progress_update_sets_the_first_start_and_crisis_only(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _part(clinician, patient, protocols)

    def update(**times: datetime | None) -> None:
        sql.run(
            [
                sql.part_progress_update(
                    part.pk, status="in_progress", last_page=2, language="it", **times
                )
            ]
        )

    update(started_at=WHEN, crisis_at=None)
    update(started_at=LATER, crisis_at=LATER)
    update(started_at=None, crisis_at=WHEN)
    part.refresh_from_db()
    assert (part.status, part.last_page, part.language) == ("in_progress", 2, "it")
    assert part.started_at == WHEN
    assert part.crisis_at == LATER


def test_an_update_of_a_part_that_is_gone_is_an_error(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _part(clinician, patient, protocols)
    with pytest.raises(DatabaseError):
        sql.run([_progress(part.pk + 1000)])


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="several statements per round trip"
)
def test_postgresql_gets_the_statements_of_a_step_in_one_round_trip(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _answered(clinician, patient, protocols)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        sql.part_lock_with_answers(part.pk)
    assert len(queries) == 1
    assert "FOR UPDATE" in queries[0]["sql"]


def test_export_answers_reads_what_the_orm_reads_per_part_and_version(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _answered(clinician, patient, protocols)
    other = _answered(clinician, patient, protocols)
    rows = sql.export_answers([part.pk, other.pk])
    assert len(rows) == 4  # two parts, two instrument versions each
    read: dict[tuple[int, int], dict[str, Any]] = {}
    for part_id, version_id, text in rows:
        read[(part_id, version_id)] = json.loads(text)
    orm: dict[tuple[int, int], dict[str, Any]] = {}
    for answer in Answer.objects.filter(part__in=[part, other]):
        key = (answer.part_id, answer.instrument_version_id)
        orm.setdefault(key, {})[answer.item_code] = answer.value
    assert read == orm
    assert read[next(iter(read))]  # not empty
    assert {type(v) for obj in read.values() for v in obj.values()} == {int, str, float}
    assert sql.export_answers([part.pk + other.pk + 1000]) == []
    assert sql.export_answers([]) == []


def test_export_results_reads_the_snapshot_less_the_keys_left_out(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    part = _answered(clinician, patient, protocols)
    services.part_submit(part=part)
    scored = part.screening
    scored.refresh_from_db()
    unscored = _part(clinician, patient, protocols).screening
    assert scored.result is not None and unscored.result is None
    assert {"notice", "age"} <= set(scored.result)
    rows = dict(
        sql.export_results([scored.pk, unscored.pk], leave_out=["notice", "age"])
    )
    assert rows[unscored.pk] is None
    read = json.loads(rows[scored.pk] or "")
    expected = {k: v for k, v in scored.result.items() if k not in ("notice", "age")}
    if connection.vendor == "postgresql":  # SQLite sends the whole snapshot
        assert read == expected
    else:
        assert read == scored.result
    assert sql.export_results([], leave_out=["age"]) == []
