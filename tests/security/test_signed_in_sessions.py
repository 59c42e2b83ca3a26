"""Idle time-out for clinicians and staff, and no-store on pages with patient data."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import Patient
from questionnaires.security.sessions import LAST_SEEN
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _idle_for(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def test_a_session_idle_past_the_time_out_is_signed_out(
    clinician: User, settings: Any
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = _signed_in(clinician)
    home = reverse("questionnaires:clinic-home")
    assert client.get(home).status_code == 200
    _idle_for(client, 31 * 60)
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    # Signed out for good: the next request is not let in either.
    assert client.get(home).status_code == 302


def test_a_session_in_use_stays_signed_in(clinician: User, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = _signed_in(clinician)
    home = reverse("questionnaires:clinic-home")
    client.get(home)
    _idle_for(client, 29 * 60)
    assert client.get(home).status_code == 200
    _idle_for(client, 29 * 60)  # the last request reset the clock
    assert client.get(home).status_code == 200


def test_the_idle_time_out_is_configurable(clinician: User, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 60
    client = _signed_in(clinician)
    client.get(reverse("questionnaires:clinic-home"))
    _idle_for(client, 61)
    assert client.get(reverse("questionnaires:clinic-home")).status_code == 302


@pytest.mark.parametrize(
    "name", ["clinic-home", "patient-list", "patient-detail", "screening-start"]
)
def test_pages_with_patient_data_are_never_stored(
    clinician: User, patient: Patient, name: str
) -> None:
    args_by_name: dict[str, list[object]] = {
        "clinic-home": [],
        "patient-list": [patient.organisation.slug],
        "patient-detail": [patient.pk],
        "screening-start": [patient.pk],
    }
    args = args_by_name[name]
    response = _signed_in(clinician).get(reverse(f"questionnaires:{name}", args=args))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
