"""Database queries per questionnaire page do not grow with the number of items."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questionnaires.models import Patient
from tests.factories import load_synthetic_protocol, self_link_token

pytestmark = pytest.mark.django_db


def _queries(client: Client, clinician: User, patient: Patient, items: int) -> Any:
    protocol = load_synthetic_protocol(f"synth{items}", items=items)
    token = self_link_token(patient=patient, by=clinician, protocol=protocol)
    page = reverse("questionnaires:respond-page", kwargs={"token": token, "number": 1})
    answers = {f"synth{items}-synth{items}_{n}": "1" for n in range(1, items + 1)}
    client.get(page)  # warm the per-process definition cache
    with CaptureQueriesContext(connection) as get:
        assert client.get(page).status_code == 200
    with CaptureQueriesContext(connection) as post:
        assert client.post(page, answers).status_code == 302
    with CaptureQueriesContext(connection) as again:
        assert client.post(page, answers).status_code == 302
    return len(get), len(post), len(again)


def test_queries_per_page_are_the_same_for_3_and_60_items(
    client: Client, clinician: User, patient: Patient
) -> None:
    small = _queries(client, clinician, patient, 3)
    large = _queries(client, clinician, patient, 60)
    assert small == large
    get, post, again = large
    # GET: the token lookup (with part, screening and protocol) and the answers; the
    # published protocol's versions are cached per process. POST: the token lookup,
    # then in one transaction the part's row lock, its answers read under it, one
    # upsert of the answers and one update of the part, and the savepoint the test's
    # own transaction adds around them. On PostgreSQL the lock and the read go in
    # one round trip, the upsert and the update in another. The answers are not read
    # before the lock: this page's checks need no other page's answers.
    assert get <= 2
    assert post <= (5 if connection.vendor == "postgresql" else 7)
    assert again == post


def test_page_stays_within_a_fixed_query_budget(
    client: Client,
    clinician: User,
    patient: Patient,
    django_assert_max_num_queries: Any,
) -> None:
    protocol = load_synthetic_protocol("synth40", items=40, per_section=10)
    token = self_link_token(patient=patient, by=clinician, protocol=protocol)
    page = reverse("questionnaires:respond-page", kwargs={"token": token, "number": 2})
    client.get(page)
    with django_assert_max_num_queries(2):
        client.get(page)
