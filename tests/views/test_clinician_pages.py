"""Clinician pages: patients, starting screenings, links, criteria, results."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.formats import date_format

from questionnaires.models import (
    AuditEvent,
    Invitation,
    Organisation,
    Patient,
    Screening,
)
from questionnaires.services import screenings as services
from tests.factories import (
    CLINICIAN,
    FAMILY,
    SELF,
    patient_of,
    start_screening,
    submitted_self_and_family,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Client, clinician: User) -> Client:
    client.force_login(clinician)
    return client


def test_patient_list_searches_by_code(
    signed_in: Client, clinic_a: Organisation
) -> None:
    patient_of(clinic_a, code="ALPHA-1")
    patient_of(clinic_a, code="BETA-2")
    url = reverse("questionnaires:patient-list", kwargs={"slug": "clinic-a"})
    text = signed_in.get(url, {"q": "alp"}).content.decode()
    assert "ALPHA-1" in text
    assert "BETA-2" not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "", "birth_year": "2005"}, "This field is required"),
        ({"code": "X", "birth_year": "1800"}, "Enter a birth year between"),
        ({"code": "X", "birth_year": "abc"}, "Enter a whole number"),
        ({"code": "X", "birth_year": "2005", "sex": "robot"}, "Select a valid choice"),
        ({"code": "A-001", "birth_year": "2005"}, "already"),
    ],
)
def test_patient_form_errors(
    signed_in: Client, patient: Patient, data: dict[str, str], message: str
) -> None:
    url = reverse("questionnaires:patient-create", kwargs={"slug": "clinic-a"})
    response = signed_in.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Patient.objects.count() == 1


def test_creating_a_patient_leads_to_its_page(signed_in: Client) -> None:
    url = reverse("questionnaires:patient-create", kwargs={"slug": "clinic-a"})
    response = signed_in.post(url, {"code": "NEW-9", "birth_year": "2004"})
    patient = Patient.objects.get(code="NEW-9")
    assert response["Location"] == reverse(
        "questionnaires:patient-detail", kwargs={"pk": patient.pk}
    )


def test_start_screening_from_protocols(
    signed_in: Client, patient: Patient, protocols: dict[str, Any]
) -> None:
    url = reverse("questionnaires:screening-start", kwargs={"pk": patient.pk})
    response = signed_in.post(
        url,
        {
            "self_protocol": protocols[SELF].pk,
            "self_mode": "kiosk",
            "informant_protocol": protocols[FAMILY].pk,
            "informant_mode": "link",
            "clinician_protocol": protocols[CLINICIAN].pk,
            "clinician_mode": "",
        },
    )
    screening = Screening.objects.get()
    assert response["Location"] == reverse(
        "questionnaires:screening-detail", kwargs={"pk": screening.pk}
    )
    assert sorted(screening.parts.values_list("role", "mode")) == [
        ("informant", "link"),
        ("self", "kiosk"),
    ]


def test_start_screening_needs_at_least_one_part(
    signed_in: Client, patient: Patient, protocols: dict[str, Any]
) -> None:
    url = reverse("questionnaires:screening-start", kwargs={"pk": patient.pk})
    response = signed_in.post(
        url, {"self_mode": "", "informant_mode": "", "clinician_mode": ""}
    )
    assert "Choose at least one part" in response.content.decode()
    assert not Screening.objects.exists()


def test_new_link_is_shown_once_with_a_qr_code(
    signed_in: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("informant", protocols[FAMILY], "link")]
    )
    signed_in.post(
        reverse(
            "questionnaires:invitation-create",
            kwargs={"pk": screening.pk, "role": "informant"},
        )
    )
    detail = reverse("questionnaires:screening-detail", kwargs={"pk": screening.pk})
    first = signed_in.get(detail).content.decode()
    assert "/r/" in first
    assert "<svg" in first
    again = signed_in.get(detail).content.decode()
    assert 'readonly value="http' not in again
    assert Invitation.objects.count() == 1


def test_urgent_screening_is_marked_in_lists(
    signed_in: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "link")]
    )
    services.answers_save(part=screening.parts.get(), answers={"asq": {"asq_3": 1}})
    patient_page = signed_in.get(
        reverse("questionnaires:patient-detail", kwargs={"pk": patient.pk})
    ).content.decode()
    listing = signed_in.get(
        reverse("questionnaires:patient-list", kwargs={"slug": "clinic-a"})
    ).content.decode()
    assert "Urgent" in patient_page
    assert "Urgent" in listing
    detail = signed_in.get(
        reverse("questionnaires:screening-detail", kwargs={"pk": screening.pk})
    ).content.decode()
    assert "Urgent" in detail


def _full_screening(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> Screening:
    return submitted_self_and_family(
        patient=patient,
        by=clinician,
        protocols=protocols,
        own={
            "withdrawal": {"months_withdrawn": 2.0, "days_out_per_week": 5},
            "asq": {"asq_1": 1, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 0},
            "phq9": {f"phq9_{n}": 2 for n in range(1, 10)},
        },
        family={"withdrawal_family": {"months_withdrawn": 9.0, "days_out_per_week": 1}},
    )


def test_result_page_shows_urgent_first_then_outcome_criteria_scores_and_comparison(
    signed_in: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = _full_screening(clinician, patient, protocols)
    url = reverse("questionnaires:screening-result", kwargs={"pk": screening.pk})
    text = signed_in.get(url).content.decode()
    assert text.index("Urgent") < text.index("Outcome")
    assert "asq" in text.lower()
    assert "Criteria" in text
    assert "Self-report and family report" in text
    assert "Differ" in text
    assert "<svg" in text
    assert "not a diagnosis" in text
    assert AuditEvent.objects.filter(action="screening.view_result").count() == 1


def test_clinician_report_download_is_a_pdf_and_audited(
    signed_in: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = _full_screening(clinician, patient, protocols)
    url = reverse(
        "questionnaires:screening-report",
        kwargs={"pk": screening.pk, "audience": "clinician"},
    )
    response = signed_in.get(url)
    assert response.status_code == 200
    assert response.content[:4] == b"%PDF"
    assert AuditEvent.objects.filter(action="report.download").count() == 1


def test_criteria_form_saves_then_submits(
    signed_in: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = start_screening(
        patient=patient,
        by=clinician,
        parts=[("clinician", protocols[CLINICIAN], "clinician")],
    )
    url = reverse("questionnaires:screening-criteria", kwargs={"pk": screening.pk})
    assert signed_in.get(url).status_code == 200
    bad = signed_in.post(url, {"criteria-days_out_per_week": "9", "submit": "1"})
    assert "Enter 7 or less." in bad.content.decode()
    concerns = {
        f"criteria-concern_{c}": "0"
        for c in ("depression", "social_anxiety", "autism", "psychosis", "personality")
    }
    response = signed_in.post(
        url,
        {
            **concerns,
            "criteria-months_withdrawn": "8",
            "criteria-days_out_per_week": "1",
            "sofas-sofas_1": "55",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.result is not None
    assert screening.result["criteria"]["duration"] == "meets"


def test_result_page_says_how_and_when_each_part_was_answered(
    signed_in: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = _full_screening(clinician, patient, protocols)
    url = reverse("questionnaires:screening-result", kwargs={"pk": screening.pk})
    text = signed_in.get(url).content.decode()
    start = text.index("Who answered what, and when")
    table = text[start : text.index("</table>", start)]
    how = {
        "kiosk": "on the clinic&#x27;s device",
        "link": "through an invitation link",
        "clinician": "entered by the clinician",
    }
    for part in screening.parts.all():
        assert part.submitted_at is not None
        role = {"self": "Young person (self-report)", "informant": "Family member"}
        assert role[part.role] in table
        assert how[part.mode] in table
        assert date_format(part.submitted_at.date(), "DATE_FORMAT") in table
