"""The patient list: urgent first, an outcome column, keyset pages, flat cost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from questionnaires import selectors
from questionnaires.models import (
    Organisation,
    Patient,
    SafetyAcknowledgement,
    Screening,
)
from questionnaires.services import safety

pytestmark = pytest.mark.django_db

LIST = reverse("questionnaires:patient-list", kwargs={"slug": "clinic-a"})


@pytest.fixture
def signed_in(client: Client, clinician: User) -> Client:
    client.force_login(clinician)
    return client


def _patients(clinic: Organisation, codes: list[str]) -> list[Patient]:
    return Patient.objects.bulk_create(
        Patient(organisation=clinic, code=code, birth_year=2006) for code in codes
    )


def _screening(patient: Patient, **fields: Any) -> Screening:
    return Screening.objects.create(
        organisation=patient.organisation, patient=patient, age=18, **fields
    )


def _codes(client: Client, **params: str) -> list[str]:
    page = client.get(LIST, params).context["page"]
    return [p.code for p in page.patients]


def test_urgent_patients_come_first_then_the_others_by_code(
    signed_in: Client, clinic_a: Organisation
) -> None:
    a, b, c, d = _patients(clinic_a, ["A-1", "B-1", "C-1", "D-1"])
    now = timezone.now()
    _screening(c, urgent_at=now - timedelta(hours=2))
    _screening(d, urgent_at=now - timedelta(hours=1))
    _screening(a)
    assert _codes(signed_in) == ["D-1", "C-1", "A-1", "B-1"]
    html = signed_in.get(LIST).content.decode()
    assert html.count('class="table-danger"') == 2


def test_an_acknowledged_urgent_screening_leaves_the_top_of_the_list(
    signed_in: Client, clinician: User, clinic_a: Organisation
) -> None:
    a, b = _patients(clinic_a, ["A-1", "B-1"])
    screening = _screening(b, urgent_at=timezone.now())
    assert _codes(signed_in) == ["B-1", "A-1"]
    safety.urgent_acknowledge(
        screening=screening,
        outcome=SafetyAcknowledgement.Outcome.values[0],
        note="Seen today.",
        by=clinician,
    )
    assert _codes(signed_in) == ["A-1", "B-1"]


def test_the_list_shows_each_patients_last_outcome(
    signed_in: Client, clinic_a: Organisation
) -> None:
    (patient,) = _patients(clinic_a, ["OUT-1"])
    _screening(patient, result={"outcome": {"category": "screen_negative"}})
    later = _screening(patient, result={"outcome": {"category": "at_risk"}})
    Screening.objects.filter(pk=later.pk).update(
        created_at=timezone.now() + timedelta(minutes=1)
    )
    html = signed_in.get(LIST).content.decode()
    assert "Last outcome" in html
    assert "At risk" in html
    assert "Screen negative" not in html


def test_patients_are_paged_by_code_without_repeats(
    signed_in: Client, clinic_a: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "PATIENT_PAGE_SIZE", 3)
    _patients(clinic_a, [f"P-{n:02d}" for n in range(7)])
    (urgent,) = _patients(clinic_a, ["P-03x"])
    _screening(urgent, urgent_at=timezone.now())
    seen: list[str] = []
    after = ""
    for _ in range(5):
        response = signed_in.get(LIST, {"after": after} if after else {})
        page = response.context["page"]
        seen += [p.code for p in page.patients]
        after = page.next_after
        if not after:
            break
    assert seen == ["P-03x"] + [f"P-{n:02d}" for n in range(7)]


def test_search_by_code_pages_within_the_matches(
    signed_in: Client, clinic_a: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "PATIENT_PAGE_SIZE", 2)
    _patients(clinic_a, ["AB-1", "AB-2", "AB-3", "ZZ-1"])
    first = signed_in.get(LIST, {"q": "ab"}).context["page"]
    assert [p.code for p in first.patients] == ["AB-1", "AB-2"]
    second = _codes(signed_in, q="ab", after=first.next_after)
    assert second == ["AB-3"]


def test_patient_list_query_count_does_not_grow_with_patients(
    signed_in: Client, clinic_a: Organisation
) -> None:
    def queries_with(patients: int) -> int:
        start = Patient.objects.count()
        made = _patients(clinic_a, [f"Q-{start + n:05d}" for n in range(patients)])
        Screening.objects.bulk_create(
            Screening(organisation=clinic_a, patient=p, age=18) for p in made
        )
        _screening(made[0], urgent_at=timezone.now())
        total = 0
        for params in ({}, {"after": "Q-00010"}, {"q": "Q-0"}):
            with CaptureQueriesContext(connection) as queries:
                signed_in.get(LIST, params)
            total += len(queries)
        return total

    signed_in.get(LIST)  # the session's first page loads the sign-in state once
    assert queries_with(60) == queries_with(600)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_a_code_search_can_be_answered_from_the_trigram_index(
    clinic_a: Organisation,
) -> None:
    """Migration 0010's index is on the very expression the search's
    ``code__icontains`` compares, so a code that matches nothing need not read the
    clinic's patients."""
    _patients(clinic_a, [f"P-{n:05d}" for n in range(200)])
    with connection.cursor() as cursor:
        # A table this small is read whole unless the planner is told not to;
        # then only an index on the LIKE's own expression can answer it.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Patient.objects.filter(code__icontains="zzz9").explain()
    assert "patient_code_trgm_idx" in plan, plan
    plan = Patient.objects.filter(code__contains="ZZZ9").explain()
    assert "patient_code_trgm_idx" not in plan, plan  # not its expression
