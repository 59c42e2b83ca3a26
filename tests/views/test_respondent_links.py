"""Links that cannot be used, and the kiosk hand-over (views.respondent, .kiosk)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import Invitation, Patient
from questionnaires.services import invitations
from tests.conftest import PASSWORD
from tests.factories import SELF, start_screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def part(clinician: User, patient: Patient, protocols: dict[str, Any]) -> Any:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "kiosk")]
    )
    return screening.parts.get()


def start_url(token: str) -> str:
    return reverse("questionnaires:respond-start", kwargs={"token": token})


def test_a_working_link_opens(client: Client, part: Any, clinician: User) -> None:
    issued = invitations.invitation_create(part=part, by=clinician)
    assert client.get(start_url(issued.token)).status_code == 200


def body(response: Any) -> str:
    return str(response.content.decode())


def _invalid_page(client: Client, token: str) -> tuple[int, str]:
    response = client.get(start_url(token))
    # The language switcher carries a fresh CSRF token and the page's own path.
    text = re.sub(
        r'name="(csrfmiddlewaretoken|next)"( type="hidden")? value="[^"]+"',
        "",
        body(response),
    )
    return response.status_code, text


def test_unknown_expired_and_revoked_links_give_the_same_clear_page(
    client: Client, part: Any, clinician: User
) -> None:
    unknown = _invalid_page(client, "x" * 43)
    revoked = invitations.invitation_create(part=part, by=clinician)
    invitations.invitation_revoke(invitation=revoked.invitation, by=clinician)
    expired = invitations.invitation_create(part=part, by=clinician)
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        after_expiry = _invalid_page(client, expired.token)
    assert unknown[0] == 404
    assert unknown == _invalid_page(client, revoked.token) == after_expiry
    assert "This link cannot be used" in unknown[1]
    assert "A-001" not in unknown[1]


def test_a_used_link_shows_thanks_but_no_questions(
    client: Client, part: Any, clinician: User
) -> None:
    from questionnaires.services import screenings

    issued = invitations.invitation_create(part=part, by=clinician)
    screenings.part_submit(part=part)
    response = client.get(start_url(issued.token))
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert "Thank you" in done.content.decode()
    page = reverse(
        "questionnaires:respond-page", kwargs={"token": issued.token, "number": 1}
    )
    assert client.get(page)["Location"] == response["Location"]


def test_kiosk_hand_over_signs_the_clinician_out_and_ends_on_hand_back_page(
    client: Client, part: Any, clinician: User
) -> None:
    client.force_login(clinician)
    response = client.post(
        reverse(
            "questionnaires:screening-hand-over",
            kwargs={"pk": part.screening_id, "role": "self"},
        )
    )
    token = response["Location"].split("/r/")[1].strip("/")
    assert Invitation.objects.get().kind == Invitation.Kind.KIOSK
    # The clinic is out of reach from the device now.
    home = client.get(reverse("questionnaires:clinic-home"))
    assert home.status_code == 302
    assert "/accounts/login/" in home["Location"]
    start = client.get(start_url(token)).content.decode()
    assert "My clinics" not in start
    assert (
        "Save and finish later"
        not in client.get(
            reverse("questionnaires:respond-page", kwargs={"token": token, "number": 1})
        ).content.decode()
    )
    client.post(reverse("questionnaires:respond-submit", kwargs={"token": token}))
    done = client.get(reverse("questionnaires:respond-done", kwargs={"token": token}))
    text = done.content.decode()
    assert "hand the device back" in text
    assert "A-001" not in text
    assert "Download" not in text


def test_returning_from_kiosk_needs_the_clinicians_password(
    client: Client, part: Any, clinician: User
) -> None:
    client.force_login(clinician)
    client.post(
        reverse(
            "questionnaires:screening-hand-over",
            kwargs={"pk": part.screening_id, "role": "self"},
        )
    )
    back = reverse("questionnaires:kiosk-return")
    wrong = client.post(back, {"password": "guess"})
    assert wrong.status_code == 200
    assert "not right" in wrong.content.decode()
    assert client.get(reverse("questionnaires:clinic-home")).status_code == 302
    right = client.post(back, {"password": PASSWORD})
    assert right["Location"] == reverse(
        "questionnaires:screening-detail", kwargs={"pk": part.screening_id}
    )
    assert client.get(reverse("questionnaires:clinic-home")).status_code == 200
    # The device's questionnaire link stops working once the clinician is back.
    assert Invitation.objects.get().revoked_at is not None


def test_kiosk_return_without_a_hand_over_goes_to_sign_in(client: Client) -> None:
    response = client.get(reverse("questionnaires:kiosk-return"))
    assert response.status_code == 302
