"""A clinician uploads a FHIR QuestionnaireResponse Bundle as the answers of an open
part: good answers are scored and reported; bad ones list every linkId, store
nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bench.benchmarks import example_value
from questionnaires.bank import latest_by_code, load_bundled
from questionnaires.exports import fhir
from questionnaires.models import Answer, AuditEvent, Patient, Screening
from tests.factories import SELF, start_screening

pytestmark = pytest.mark.django_db
BY_CODE = latest_by_code(load_bundled())


@pytest.fixture
def open_self(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> Screening:
    return start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "link")]
    )


def _bundle(age: int) -> dict[str, Any]:
    entries = []
    for code in ("withdrawal", "phq9", "gad7", "asq"):
        definition = BY_CODE[code]
        answers = {
            i.code: example_value(i)
            for i in definition.items
            if example_value(i) is not None
        }
        entries.append(
            {
                "resource": fhir.questionnaire_response(
                    definition,
                    answers,
                    resource_id=code,
                    authored="2026-01-01",
                    age=age,
                )
            }
        )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _upload(client: Client, screening: Screening, resource: Any) -> Any:
    url = reverse(
        "questionnaires:screening-import-fhir",
        kwargs={"pk": screening.pk, "role": "self"},
    )
    data = json.dumps(resource).encode()
    return client.post(url, {"file": SimpleUploadedFile("answers.json", data)})


def test_an_uploaded_bundle_is_scored_and_reported(
    client: Client, clinician: User, open_self: Screening
) -> None:
    client.force_login(clinician)
    response = _upload(client, open_self, _bundle(open_self.age))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/screenings/{open_self.pk}/result/")
    open_self.refresh_from_db()
    assert open_self.result is not None
    assert (
        open_self.result["instruments"]["phq9"]["total"] == 27
    )  # every item at its highest option
    event = AuditEvent.objects.get(action="screening_part.import_fhir")
    assert event.details["source"] == "upload:answers.json"


def test_a_bad_upload_lists_every_link_id_and_stores_nothing(
    client: Client, clinician: User, open_self: Screening
) -> None:
    client.force_login(clinician)
    bundle = _bundle(open_self.age)
    phq9 = bundle["entry"][1]["resource"]
    phq9["item"][0]["answer"] = [{"valueInteger": 3}]
    phq9["item"][4]["answer"][0]["valueCoding"]["code"] = "often"
    response = _upload(client, open_self, bundle)
    assert response.status_code == 400
    page = response.content.decode()
    assert "phq9_1" in page and "phq9_5" in page
    assert not Answer.objects.exists()
    open_self.refresh_from_db()
    assert open_self.result is None


def test_another_clinic_cannot_upload(
    client: Client, outsider: User, open_self: Screening
) -> None:
    client.force_login(outsider)
    assert _upload(client, open_self, _bundle(open_self.age)).status_code == 404
    assert not Answer.objects.exists()


def test_the_screening_page_links_each_open_part_to_the_upload(
    client: Client, clinician: User, open_self: Screening
) -> None:
    client.force_login(clinician)
    page = client.get(
        reverse("questionnaires:screening-detail", kwargs={"pk": open_self.pk})
    )
    assert (
        reverse(
            "questionnaires:screening-import-fhir",
            kwargs={"pk": open_self.pk, "role": "self"},
        )
        in page.content.decode()
    )
