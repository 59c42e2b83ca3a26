"""questionnaires.prepared: querysets compiled once give what the queryset gives."""

from __future__ import annotations

from typing import Any

import psycopg2
import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet, signals

from questionnaires import prepared, selectors
from questionnaires.models import Answer, Invitation, Patient, ScreeningPart
from questionnaires.services import invitations
from questionnaires.services import screenings as services
from tests.factories import start_screening

pytestmark = pytest.mark.django_db


def _by_hash(digest: str) -> QuerySet[Invitation]:
    return Invitation.objects.select_related(
        "part__screening__organisation",
        "part__screening__family_check",
        "part__protocol",
    ).filter(token_hash=digest)


def _answers(part_pk: int) -> QuerySet[Any]:
    return (
        Answer.objects.filter(part_id=part_pk)
        .order_by("item_code")
        .values_list("item_code", "value")
    )


def _values(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _two_links(clinician: User, patient: Patient, protocols: Any) -> list[str]:
    tokens = []
    for _ in range(2):
        screening = start_screening(
            patient=patient,
            by=clinician,
            parts=[("self", protocols["self_report_brief"], "link")],
        )
        issued = invitations.invitation_create(part=screening.parts.get(), by=clinician)
        tokens.append(issued.token)
    return tokens


def test_fetch_builds_the_same_objects_and_relations_as_the_queryset(
    clinician: User, patient: Patient, protocols: Any, django_assert_num_queries: Any
) -> None:
    for token in _two_links(clinician, patient, protocols):
        digest = selectors.token_hash(token)
        [expected] = _by_hash(digest)

        [got] = prepared.fetch("test_by_hash", _by_hash, digest)

        assert _values(got) == _values(expected)
        with django_assert_num_queries(0):
            related = [
                got.part,
                got.part.screening,
                got.part.screening.organisation,
                got.part.protocol,
            ]
            assert not hasattr(got.part.screening, "family_check")  # none, known
        originals = [
            expected.part,
            expected.part.screening,
            expected.part.screening.organisation,
            expected.part.protocol,
        ]
        assert [_values(o) for o in related] == [_values(o) for o in originals]


def test_fetch_runs_values_lists_with_each_call_s_own_values(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    tokens = _two_links(clinician, patient, protocols)
    parts = [selectors.invitation_get_by_token(t).part for t in tokens]
    version = selectors.part_state(parts[0]).versions_by_code["phq9"]
    services.answers_save(part=parts[0], answers={"phq9": {"phq9_1": 2, "phq9_2": 0}})

    rows = [prepared.fetch("test_answers", _answers, p.pk) for p in parts]

    assert rows == [[("phq9_1", 2), ("phq9_2", 0)], []]
    assert rows == [list(_answers(p.pk)) for p in parts]
    assert version.pk in {v for v, _, _ in selectors.part_answer_rows(parts[0].pk)}


def test_fetch_refuses_a_queryset_whose_sql_depends_on_its_value() -> None:
    def search(code: str) -> QuerySet[Patient]:
        return Patient.objects.filter(code__icontains=code)  # the SQL gets %code%

    with pytest.raises(ValueError, match="not preparable"):
        prepared.fetch("test_search", search, "A-0")


@pytest.mark.skipif(
    not connection.features.has_select_for_update,
    reason="the database has no row locks (SQLite)",
)
@pytest.mark.django_db(transaction=True)
def test_a_locking_fetch_outside_a_transaction_is_refused(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    [token, _] = _two_links(clinician, patient, protocols)
    part = selectors.invitation_get_by_token(token).part

    def lock(pk: int) -> QuerySet[ScreeningPart]:
        return ScreeningPart.objects.select_for_update().filter(pk=pk)

    with transaction.atomic():
        assert [p.pk for p in prepared.fetch("test_lock", lock, part.pk)] == [part.pk]
    with pytest.raises(RuntimeError, match="outside a transaction"):
        prepared.fetch("test_lock", lock, part.pk)


def test_update_writes_only_the_fields_named(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    [token, other] = _two_links(clinician, patient, protocols)
    part = selectors.invitation_get_by_token(token).part
    part.last_page, part.language, part.role = 4, "ja", "informant"

    prepared.update(part, ["last_page", "language"])

    stored = ScreeningPart.objects.get(pk=part.pk)
    assert (stored.last_page, stored.language, stored.role) == (4, "ja", "self")
    untouched = selectors.invitation_get_by_token(other).part
    assert (untouched.last_page, untouched.language) == (0, "en")


def test_update_of_a_missing_row_raises(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    [token, _] = _two_links(clinician, patient, protocols)
    part = selectors.invitation_get_by_token(token).part
    ScreeningPart.objects.filter(pk=part.pk).delete()

    with pytest.raises(DatabaseError):
        prepared.update(part, ["last_page"])


def test_update_saves_through_the_model_when_a_receiver_listens(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    [token, _] = _two_links(clinician, patient, protocols)
    part = selectors.invitation_get_by_token(token).part
    heard: list[Any] = []

    def receiver(sender: Any, instance: Any, update_fields: Any, **_: Any) -> None:
        heard.append((instance.pk, set(update_fields)))

    signals.post_save.connect(receiver, sender=ScreeningPart)
    try:
        part.last_page = 2
        prepared.update(part, ["last_page"])
    finally:
        signals.post_save.disconnect(receiver, sender=ScreeningPart)

    assert heard == [(part.pk, {"last_page"})]
    assert ScreeningPart.objects.get(pk=part.pk).last_page == 2


def test_upsert_statements_insert_then_replace_as_bulk_create_does(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    [token, _] = _two_links(clinician, patient, protocols)
    part = selectors.invitation_get_by_token(token).part
    version = selectors.part_state(part).versions_by_code["phq9"]

    def rows(values: dict[str, int]) -> list[Answer]:
        return [
            Answer(
                part=part,
                instrument_version=version,
                item_code=code,
                option_code=str(value),
                value=value,
            )
            for code, value in values.items()
        ]

    for values in ({"phq9_1": 1, "phq9_2": 2}, {"phq9_2": 3, "phq9_3": 0}):
        prepared.run(
            prepared.upsert_statements(
                rows(values),
                unique_fields=["part", "instrument_version", "item_code"],
                update_fields=["option_code", "value"],
            )
        )

    stored = Answer.objects.filter(part=part).order_by("item_code")
    assert [(a.item_code, a.option_code, a.value) for a in stored] == [
        ("phq9_1", "1", 1),
        ("phq9_2", "3", 3),
        ("phq9_3", "0", 0),
    ]


def test_run_raises_when_its_last_update_finds_no_row(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    [token, other] = _two_links(clinician, patient, protocols)
    part = selectors.invitation_get_by_token(token).part
    kept = selectors.invitation_get_by_token(other).part
    ScreeningPart.objects.filter(pk=part.pk).delete()
    kept.last_page = part.last_page = 3

    with pytest.raises(DatabaseError):
        prepared.run(
            [
                prepared.update_statement(kept, ["last_page"]),
                prepared.update_statement(part, ["last_page"]),
            ]
        )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side statements: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_its_statements_again(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    [token, other] = _two_links(clinician, patient, protocols)
    digest, second = selectors.token_hash(token), selectors.token_hash(other)
    [before] = prepared.fetch("test_reconnect", _by_hash, digest)
    connection.close()  # the server forgets what this session prepared

    [after] = prepared.fetch("test_reconnect", _by_hash, digest)
    [again] = prepared.fetch("test_reconnect", _by_hash, second)

    assert _values(after) == _values(before)
    assert again.token_hash == second
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side statements: PostgreSQL"
)
def test_a_failed_first_run_is_prepared_on_the_next(
    clinician: User, patient: Patient, protocols: Any
) -> None:
    [token, _] = _two_links(clinician, patient, protocols)
    digest = selectors.token_hash(token)

    def by_hash_alone(digest: str) -> QuerySet[Invitation]:
        # SQL of its own, so that no earlier test has prepared it on this connection.
        return Invitation.objects.filter(token_hash=digest).order_by("-kind")

    with transaction.atomic():
        with pytest.raises(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")  # the transaction is now aborted
        with pytest.raises(DatabaseError):  # so PREPARE fails with it
            prepared.fetch("test_failed_first", by_hash_alone, digest)
        transaction.set_rollback(True)

    [found] = prepared.fetch("test_failed_first", by_hash_alone, digest)

    assert found.token_hash == digest


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side statements: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_a_run_that_fails_after_its_prepare_does_not_break_the_next(
    patient: Patient,
) -> None:
    """PREPARE is not undone by a rollback: a run whose PREPARE went through but
    whose EXECUTE failed (here: a lock wait timed out) must not make every later
    run of that query on the connection fail."""

    def locked(pk: int) -> QuerySet[Patient]:
        # SQL of its own, so that no earlier test has prepared it on this connection.
        return Patient.objects.select_for_update().filter(pk=pk).order_by("-code")

    db = connection.settings_dict
    holder = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"]
    )
    try:
        with holder.cursor() as cursor:  # psycopg2 opens a transaction: row locked
            cursor.execute(
                "SELECT id FROM questionnaires_patient WHERE id = %s FOR UPDATE",
                [patient.pk],
            )
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '100ms'")
            with pytest.raises(DatabaseError):  # PREPARE ran; EXECUTE timed out
                prepared.fetch("test_failed_execute", locked, patient.pk)
            transaction.set_rollback(True)
    finally:
        holder.rollback()
        holder.close()

    with transaction.atomic():
        [found] = prepared.fetch("test_failed_execute", locked, patient.pk)

    assert found.pk == patient.pk
