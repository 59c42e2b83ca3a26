"""Another clinic's patients and screenings are invisible (views.clinician).

Each allowed and refused request differs only in who asks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import Invitation, Patient, Screening
from questionnaires.services import invitations
from tests.factories import SELF, start_screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def screening(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> Screening:
    return start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "link")]
    )


PAGES: dict[str, Callable[[Screening], str]] = {
    "patient-detail": lambda s: reverse(
        "questionnaires:patient-detail", kwargs={"pk": s.patient_id}
    ),
    "screening-start": lambda s: reverse(
        "questionnaires:screening-start", kwargs={"pk": s.patient_id}
    ),
    "screening-detail": lambda s: reverse(
        "questionnaires:screening-detail", kwargs={"pk": s.pk}
    ),
    "screening-result": lambda s: reverse(
        "questionnaires:screening-result", kwargs={"pk": s.pk}
    ),
    "patient-list": lambda s: reverse(
        "questionnaires:patient-list", kwargs={"slug": "clinic-a"}
    ),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("who", "status"), [("colleague", 200), ("outsider", 404)])
def test_other_clinic_gets_404(
    client: Client,
    screening: Screening,
    page: str,
    who: str,
    status: int,
    request: pytest.FixtureRequest,
) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(PAGES[page](screening)).status_code == status


def test_missing_screening_and_foreign_screening_look_the_same(
    client: Client, outsider: User, screening: Screening
) -> None:
    client.force_login(outsider)
    foreign = client.get(PAGES["screening-detail"](screening))
    missing = client.get(
        reverse("questionnaires:screening-detail", kwargs={"pk": screening.pk + 999})
    )
    assert foreign.status_code == missing.status_code == 404


@pytest.mark.parametrize(("who", "status"), [("colleague", 302), ("outsider", 404)])
def test_only_the_clinic_can_create_or_revoke_links(
    client: Client,
    screening: Screening,
    clinician: User,
    who: str,
    status: int,
    request: pytest.FixtureRequest,
) -> None:
    issued = invitations.invitation_create(part=screening.parts.get(), by=clinician)
    client.force_login(request.getfixturevalue(who))
    create = client.post(
        reverse(
            "questionnaires:invitation-create",
            kwargs={"pk": screening.pk, "role": "self"},
        )
    )
    revoke = client.post(
        reverse("questionnaires:invitation-revoke", kwargs={"pk": issued.invitation.pk})
    )
    assert create.status_code == revoke.status_code == status


def test_signed_out_visitor_is_sent_to_sign_in(
    client: Client, screening: Screening
) -> None:
    response = client.get(PAGES["screening-detail"](screening))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_report_download_is_scoped_too(
    client: Client, screening: Screening, outsider: User
) -> None:
    client.force_login(outsider)
    url = reverse(
        "questionnaires:screening-report",
        kwargs={"pk": screening.pk, "audience": "clinician"},
    )
    assert client.get(url).status_code == 404
    assert not Invitation.objects.exists()
