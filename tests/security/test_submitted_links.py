"""A submitted clinic link shows its summary for a stated short time, then nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import Patient
from questionnaires.services import invitations
from questionnaires.services import screenings as screening_services
from tests.exports.conftest import answer_every_item
from tests.factories import SELF, start_screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_token(
    clinician: User, patient: Patient, protocols: dict[str, Any], settings: Any
) -> str:
    settings.SUBMITTED_LINK_HOURS = 24
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "link")]
    )
    part = screening.parts.get()
    token = invitations.invitation_create(part=part, by=clinician).token
    answer_every_item(part)
    screening_services.part_submit(part=part)
    return token


def _done(token: str) -> Any:
    return Client().get(reverse("questionnaires:respond-done", kwargs={"token": token}))


def _pdf(token: str) -> Any:
    return Client().get(
        reverse("questionnaires:respond-report", kwargs={"token": token})
    )


def test_the_done_page_states_how_long_it_stays(submitted_token: str) -> None:
    response = _done(submitted_token)
    assert response.status_code == 200
    assert "for 24 hours after you sent your answers" in response.content.decode()
    assert _pdf(submitted_token).status_code == 200


def test_after_that_time_the_link_shows_nothing(submitted_token: str) -> None:
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        done = _done(submitted_token)
        pdf = _pdf(submitted_token)
    assert done.status_code == 404
    assert pdf.status_code == 404
    assert "A-001" not in done.content.decode()
    assert pdf["Content-Type"] != "application/pdf"


def test_a_family_self_check_keeps_its_summary_for_its_retention(
    client: Client, protocols: dict[str, Any]
) -> None:
    started = client.post("/family/", {"age": "17", "agree": "on"})
    token = started["Location"].split("/r/")[1].strip("/")
    page = reverse("questionnaires:respond-page", kwargs={"token": token, "number": 2})
    client.post(
        page,
        {
            "withdrawal_family-months_withdrawn": "9",
            "withdrawal_family-days_out_per_week": "1",
            "withdrawal_family-rarely_leaves_room": "0",
            "withdrawal_family-onset_age": "15",
            "action": "save",
        },
    )
    client.post(reverse("questionnaires:respond-submit", kwargs={"token": token}))
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        assert _done(token).status_code == 200
