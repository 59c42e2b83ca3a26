"""The safety loop's pages: the urgent queue on the clinic home, acknowledging,
the clinic's alert settings and the closed-loop figures (issue 17)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import AlertSettings, AuditEvent, Organisation, Screening
from questionnaires.services import safety
from questionnaires.services import screenings as services
from tests.factories import SELF, start_screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def urgent(patient: Any, clinician: User, protocols: Any) -> Screening:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "link")]
    )
    services.answers_save(part=screening.parts.get(), answers={"asq": {"asq_1": 1}})
    screening.refresh_from_db()
    return screening


def test_clinic_home_lists_the_urgent_screening_until_it_is_acknowledged(
    client: Client, clinician: User, urgent: Screening
) -> None:
    client.force_login(clinician)
    home = client.get(reverse("questionnaires:clinic-home")).content.decode()
    assert 'id="urgent-queue"' in home and "A-001" in home
    url = reverse("questionnaires:screening-acknowledge", args=[urgent.pk])
    response = client.post(url, {"outcome": "contacted", "note": "Called, seen tmrw"})
    assert response.status_code == 302
    home = client.get(reverse("questionnaires:clinic-home")).content.decode()
    assert 'id="urgent-queue"' not in home
    detail = client.get(reverse("questionnaires:screening-detail", args=[urgent.pk]))
    assert "Contacted, follow-up arranged" in detail.content.decode()
    assert AuditEvent.objects.filter(
        action="screening.urgent_acknowledge", actor=clinician
    ).exists()


def test_link_screening_tells_the_clinician_to_contact_the_person_today(
    client: Client, clinician: User, urgent: Screening
) -> None:
    client.force_login(clinician)
    page = client.get(reverse("questionnaires:screening-detail", args=[urgent.pk]))
    text = page.content.decode()
    assert "Contact the person today" in text
    assert "before the person leaves" not in text


def test_kiosk_screening_tells_the_clinician_to_assess_before_they_leave(
    client: Client, clinician: User, patient: Any, protocols: Any
) -> None:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "kiosk")]
    )
    services.answers_save(part=screening.parts.get(), answers={"phq9": {"phq9_9": 1}})
    client.force_login(clinician)
    page = client.get(reverse("questionnaires:screening-detail", args=[screening.pk]))
    assert "before the person leaves" in page.content.decode()


def test_org_admin_sets_alert_addresses_and_hours(
    client: Client, org_admin: User, clinic_a: Organisation
) -> None:
    client.force_login(org_admin)
    url = reverse("questionnaires:organisation-alerts", args=[clinic_a.slug])
    response = client.post(
        url,
        {
            "addresses": " duty@a.example \n\nlead@a.example",
            "escalate_after": "30",
            "opens_at": "08:30",
            "closes_at": "17:00",
            "open_days": ["1", "2", "3", "4", "5", "6"],
        },
    )
    assert response.status_code == 302
    saved = AlertSettings.objects.get(organisation=clinic_a)
    assert saved.address_list == ["duty@a.example", "lead@a.example"]
    assert (saved.escalate_after, saved.open_days) == (30, "123456")


def test_alert_settings_refuse_a_bad_address(
    client: Client, org_admin: User, clinic_a: Organisation
) -> None:
    client.force_login(org_admin)
    url = reverse("questionnaires:organisation-alerts", args=[clinic_a.slug])
    response = client.post(
        url,
        {
            "addresses": "not an address",
            "escalate_after": "60",
            "opens_at": "09:00",
            "closes_at": "18:00",
        },
    )
    assert response.status_code == 200
    assert not AlertSettings.objects.exists()


@pytest.mark.parametrize(
    "page", ["organisation-alerts", "organisation-safety", "organisation-safety-csv"]
)
def test_clinicians_who_are_not_org_admins_get_404(
    client: Client, clinician: User, clinic_a: Organisation, page: str
) -> None:
    client.force_login(clinician)
    assert (
        client.get(reverse(f"questionnaires:{page}", args=[clinic_a.slug])).status_code
        == 404
    )


def test_figures_give_median_p90_escalations_and_open_per_month(
    client: Client,
    clinician: User,
    org_admin: User,
    clinic_a: Organisation,
    protocols: Any,
) -> None:
    from tests.factories import patient_of

    start = datetime.datetime(2026, 5, 4, 1, 0, tzinfo=datetime.UTC)
    minutes_to_ack = [10, 20, 30, None]
    for n, minutes in enumerate(minutes_to_ack):
        with time_machine.travel(start, tick=False):
            person = patient_of(clinic_a, code=f"F-{n}")
            screening = start_screening(
                patient=person, by=clinician, parts=[("self", protocols[SELF], "link")]
            )
            services.answers_save(
                part=screening.parts.get(), answers={"phq9": {"phq9_9": 3}}
            )
        if minutes is not None:
            with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
                safety.urgent_acknowledge(
                    screening=screening, outcome="assessed", note="", by=clinician
                )
    client.force_login(org_admin)
    with time_machine.travel(start + datetime.timedelta(days=3)):
        csv_text = client.get(
            reverse("questionnaires:organisation-safety-csv", args=[clinic_a.slug])
        ).content.decode()
        page = client.get(
            reverse("questionnaires:organisation-safety", args=[clinic_a.slug])
        )
    assert csv_text.splitlines()[1] == "2026-05,4,3,20,30,0,1"
    assert 'id="safety-figures"' in page.content.decode()


def test_the_start_mode_decides_the_action_and_revoking_asks_first(
    client: Client, clinician: User, patient: Any, protocols: Any
) -> None:
    by_link = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "link")]
    )
    on_device = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "kiosk")]
    )
    client.force_login(clinician)
    client.post(
        reverse(
            "questionnaires:invitation-create",
            kwargs={"pk": by_link.pk, "role": "self"},
        )
    )
    link_page = client.get(
        reverse("questionnaires:screening-detail", args=[by_link.pk])
    ).content.decode()
    assert 'id="create-link-self"' in link_page
    assert 'id="hand-over-self"' not in link_page
    assert "HikiScreen does not send the link" in link_page
    assert "Yes, revoke the link" in link_page.split("<details", 1)[1]
    device_page = client.get(
        reverse("questionnaires:screening-detail", args=[on_device.pk])
    ).content.decode()
    assert 'id="hand-over-self"' in device_page
    assert 'id="create-link-self"' not in device_page


def test_the_clinic_export_page_links_the_safety_csv_for_org_admins_only(
    client: Client, clinician: User, org_admin: User, clinic_a: Organisation
) -> None:
    url = reverse("questionnaires:organisation-export", args=[clinic_a.slug])
    client.force_login(org_admin)
    assert 'id="safety-csv"' in client.get(url).content.decode()
    client.force_login(clinician)
    assert 'id="safety-csv"' not in client.get(url).content.decode()


def test_clinic_home_shows_only_the_oldest_urgent_screenings_and_says_more_wait(
    client: Client,
    clinician: User,
    urgent: Screening,
    patient: Any,
    protocols: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    newer = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "link")]
    )
    services.answers_save(part=newer.parts.get(), answers={"asq": {"asq_2": 1}})
    monkeypatch.setattr("questionnaires.selectors.URGENT_QUEUE_SHOWN", 1)
    client.force_login(clinician)

    home = client.get(reverse("questionnaires:clinic-home")).content.decode()

    detail = reverse("questionnaires:screening-detail", args=[urgent.pk])
    assert detail in home
    assert reverse("questionnaires:screening-detail", args=[newer.pk]) not in home
    assert "Only the oldest urgent screening is shown here" in home
