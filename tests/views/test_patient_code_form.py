"""The add-patient form shows a name-like code's refusal next to the code field."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import Organisation, Patient

pytestmark = pytest.mark.django_db


def _post(clinician: User, clinic: Organisation, **data: object) -> object:
    client = Client()
    client.force_login(clinician)
    url = reverse("questionnaires:patient-create", kwargs={"slug": clinic.slug})
    return client.post(url, {"birth_year": 2006, "sex": "", **data})


def test_a_date_as_code_is_refused_on_the_code_field(
    clinician: User, clinic_a: Organisation
) -> None:
    response = _post(clinician, clinic_a, code="2006-04-01")

    assert response.status_code == 200  # type: ignore[attr-defined]
    errors = response.context["form"].errors  # type: ignore[attr-defined]
    assert "“2006-04-01” looks like a date." in errors["code"]
    assert not Patient.objects.exists()


def test_ticking_our_code_scheme_saves_it(
    clinician: User, clinic_a: Organisation
) -> None:
    response = _post(clinician, clinic_a, code="Ward Seven", own_scheme="on")

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert Patient.objects.get().code == "Ward Seven"
