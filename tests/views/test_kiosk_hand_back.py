"""Handing a device back: wrong guesses never lock out the account or the clinic's
address, a few end the hand-over, and the page names nobody (issue 17)."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import AuditEvent
from questionnaires.services.invitations import KIOSK_RETURN_ATTEMPTS
from tests.conftest import PASSWORD
from tests.factories import SELF, start_screening

pytestmark = pytest.mark.django_db

BACK = "questionnaires:kiosk-return"


@pytest.fixture
def tablet(clinician: User, patient: Any, protocols: Any) -> tuple[Client, int]:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "kiosk")]
    )
    device = Client(REMOTE_ADDR="203.0.113.7")
    device.force_login(clinician)
    device.post(
        reverse(
            "questionnaires:screening-hand-over",
            kwargs={"pk": screening.pk, "role": "self"},
        )
    )
    return device, screening.pk


def test_the_hand_back_page_shows_no_username(tablet: tuple[Client, int]) -> None:
    device, _pk = tablet
    page = device.get(reverse(BACK)).content.decode()
    assert "alice" not in page


def test_wrong_guesses_end_the_hand_over_without_locking_anyone_out(
    tablet: tuple[Client, int], settings: Any
) -> None:
    device, _pk = tablet
    for _n in range(KIOSK_RETURN_ATTEMPTS - 1):
        wrong = device.post(reverse(BACK), {"password": "guess"})
        assert wrong.status_code == 200
        assert "not right" in wrong.content.decode()
    ended = device.post(reverse(BACK), {"password": "guess"})
    assert ended["Location"] == f"{reverse('login')}?hand_over_ended=1"
    # The hand-over is over: even the right password no longer opens it here...
    assert device.post(reverse(BACK), {"password": PASSWORD}).status_code == 302
    assert device.get(reverse("questionnaires:clinic-home")).status_code == 302
    # ...and nothing was counted against the account or the clinic's address.
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.filter(action="kiosk.hand_back_refused").count() == 1
    same_address = Client(REMOTE_ADDR="203.0.113.7")
    signed_in = same_address.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert same_address.get(reverse("questionnaires:clinic-home")).status_code == 200
