"""A patient's data on request: the JSON export and erasure pages (views.clinician).

Each allowed and refused request differs only in who asks.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import AuditEvent, Patient

pytestmark = pytest.mark.django_db


def _export(patient: Patient) -> str:
    return reverse("questionnaires:patient-export", kwargs={"pk": patient.pk})


def _erase(patient: Patient) -> str:
    return reverse("questionnaires:patient-erase", kwargs={"pk": patient.pk})


@pytest.mark.parametrize("who", ["clinician", "colleague", "org_admin"])
def test_the_clinic_downloads_the_patient_export_as_json(
    client: Client, patient: Patient, who: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.get(_export(patient))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["patient"]["code"] == "A-001"
    assert AuditEvent.objects.filter(
        action="patient.export", target_id=str(patient.pk)
    ).exists()


def test_other_clinic_and_missing_patient_get_the_same_404(
    client: Client, patient: Patient, outsider: User
) -> None:
    client.force_login(outsider)
    missing = Patient(pk=patient.pk + 999)
    for url in (_export(patient), _export(missing), _erase(patient), _erase(missing)):
        assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="patient.export").exists()


def test_signed_out_visitor_is_sent_to_sign_in(
    client: Client, patient: Patient
) -> None:
    for url in (_export(patient), _erase(patient)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_only_an_org_admin_may_erase(
    client: Client, patient: Patient, clinician: User, org_admin: User
) -> None:
    client.force_login(clinician)
    refused = client.post(_erase(patient), {"code": "A-001"})
    assert refused.status_code == 404
    assert Patient.objects.filter(pk=patient.pk).exists()
    client.force_login(org_admin)
    assert client.get(_erase(patient)).status_code == 200


def test_erase_page_asks_for_the_code_and_changes_nothing(
    client: Client, patient: Patient, org_admin: User
) -> None:
    client.force_login(org_admin)
    page = client.get(_erase(patient))
    assert b'name="code"' in page.content
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_wrong_code_erases_nothing(
    client: Client, patient: Patient, org_admin: User
) -> None:
    client.force_login(org_admin)
    response = client.post(_erase(patient), {"code": "A-002"})
    assert response.status_code == 400
    assert b"does not match" in response.content
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert not AuditEvent.objects.filter(action="patient.erase").exists()


def test_typing_the_code_erases_the_patient(
    client: Client, patient: Patient, org_admin: User
) -> None:
    client.force_login(org_admin)
    response = client.post(_erase(patient), {"code": " A-001 "})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "questionnaires:patient-list", kwargs={"slug": "clinic-a"}
    )
    assert not Patient.objects.filter(pk=patient.pk).exists()
    assert AuditEvent.objects.get(action="patient.erase").target_id == str(patient.pk)
    assert client.get(_export(patient)).status_code == 404


@pytest.mark.parametrize(("who", "erase_link"), [("clinician", 0), ("org_admin", 1)])
def test_patient_page_links_the_export_and_erasure_for_admins(
    client: Client,
    patient: Patient,
    who: str,
    erase_link: int,
    request: pytest.FixtureRequest,
) -> None:
    client.force_login(request.getfixturevalue(who))
    page = client.get(
        reverse("questionnaires:patient-detail", kwargs={"pk": patient.pk})
    ).content.decode()
    assert _export(patient) in page
    assert page.count(_erase(patient)) == erase_link
