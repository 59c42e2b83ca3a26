"""Hot pages run the same number of queries whatever the number of rows behind them.

Each test measures a page, adds rows (patients, screenings, answers, audit events) to
the clinic, and measures it again. The patient list and audit trail have their own
tests (test_patient_list.py, test_organisation_audit.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import benchmarks
from questionnaires.models import Organisation, Patient, Screening
from tests.factories import SELF, self_link_token

pytestmark = pytest.mark.django_db


def _queries(send: Callable[[], Any]) -> int:
    send()  # warm: per-process caches (published protocols) filled
    with CaptureQueriesContext(connection) as queries:
        response = send()
    assert response.status_code in (200, 302), response.status_code
    return len(queries)


def _grow(clinic: Organisation, protocols: dict[str, Any], count: int) -> None:
    benchmarks.synthetic_screenings(
        organisation=clinic, protocol=protocols[SELF], count=count
    )


@pytest.fixture
def signed_in(client: Client, clinician: User) -> Client:
    client.force_login(clinician)
    return client


def test_clinic_home_query_count_is_flat(
    signed_in: Client, clinic_a: Organisation, protocols: dict[str, Any]
) -> None:
    def home() -> Any:
        return signed_in.get(reverse("questionnaires:clinic-home"))

    before = _queries(home)
    _grow(clinic_a, protocols, 40)
    assert _queries(home) == before


def test_patient_page_query_count_does_not_grow_with_its_screenings(
    signed_in: Client, clinic_a: Organisation, protocols: dict[str, Any]
) -> None:
    _grow(clinic_a, protocols, 2)
    patient = Patient.objects.get(code="B-000000")

    def page() -> Any:
        return signed_in.get(
            reverse("questionnaires:patient-detail", args=[patient.pk])
        )

    before = _queries(page)
    first = Screening.objects.filter(patient=patient).first()
    assert first is not None
    for _ in range(6):  # the same submitted screening again, six times
        parts = list(first.parts.all())
        first.pk = None
        first.save()
        for part in parts:
            part.pk = None
            part.screening = first
            part.save()
    assert Screening.objects.filter(patient=patient).count() == 8
    assert _queries(page) == before


def test_result_page_query_count_is_flat(
    signed_in: Client, clinic_a: Organisation, protocols: dict[str, Any]
) -> None:
    _grow(clinic_a, protocols, 2)
    screening = Screening.objects.filter(organisation=clinic_a).first()
    assert screening is not None

    def page() -> Any:
        return signed_in.get(
            reverse("questionnaires:screening-result", args=[screening.pk])
        )

    before = _queries(page)
    _grow(clinic_a, protocols, 40)
    assert _queries(page) == before


def test_respondent_page_get_and_post_query_counts_are_flat(
    client: Client,
    clinician: User,
    patient: Patient,
    clinic_a: Organisation,
    protocols: dict[str, Any],
) -> None:
    token = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    url = reverse("questionnaires:respond-page", args=[token, 1])

    def get() -> Any:
        return client.get(url)

    def post() -> Any:
        return client.post(url, {"action": "save"})

    before = (_queries(get), _queries(post))
    _grow(clinic_a, protocols, 40)
    assert (_queries(get), _queries(post)) == before
