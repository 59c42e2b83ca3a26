"""Patient codes stay pseudonymous and unique ignoring case and spaces."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from questionnaires.models import Organisation, Patient
from questionnaires.services.patients import patient_code_problems
from questionnaires.services.screenings import patient_create


@pytest.mark.parametrize(
    "code",
    [
        "Taro Yamada",
        "Yamada, Taro",
        "Maria Rossi",
        "Anna-Lena O'Neil",
        "2005-03-14",
        "14/03/2005",
        "3.4.05",
        "20050314",
        "taro@example.jp",
        "+81 90 1234 5678",
        "090-1234-5678",
    ],
)
def test_codes_that_look_like_a_name_date_email_or_phone_are_caught(code: str) -> None:
    assert patient_code_problems(code)


@pytest.mark.parametrize(
    "code",
    [
        "DEMO-001",
        "P-2024-0012",
        "HS 0001",
        "taro yamada",
        "Taro",
        "12345678",
        "20051314",
        "AB-12-CD",
        "90-1234",
        "Clinic A-17",
    ],
)
def test_ordinary_codes_pass(code: str) -> None:
    assert patient_code_problems(code) == []


def test_the_message_says_what_it_looks_like_and_how_to_override() -> None:
    assert patient_code_problems("Taro Yamada") == [
        "“Taro Yamada” looks like a name (two capitalised words)."
    ]


@pytest.mark.django_db
def test_a_name_like_code_is_refused_unless_it_is_the_clinics_own_scheme(
    clinic_a: Organisation, clinician: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        patient_create(
            organisation=clinic_a, code="Ward Seven", birth_year=2006, by=clinician
        )
    assert "This is our code scheme" in " ".join(refused.value.message_dict["code"])

    patient = patient_create(
        organisation=clinic_a,
        code="Ward Seven",
        birth_year=2006,
        by=clinician,
        own_scheme=True,
    )
    assert patient.code == "Ward Seven"


@pytest.mark.django_db
@pytest.mark.parametrize("again", ["demo-001", "DEMO-001", "De mo-001", " DEMO - 001"])
def test_a_code_differing_only_in_case_or_spaces_is_already_used(
    clinic_a: Organisation, clinician: User, again: str
) -> None:
    patient_create(
        organisation=clinic_a, code="DEMO-001", birth_year=2006, by=clinician
    )

    with pytest.raises(ValidationError, match="already used in this clinic"):
        patient_create(organisation=clinic_a, code=again, birth_year=2006, by=clinician)


@pytest.mark.django_db
def test_a_code_differing_by_a_character_is_a_new_patient(
    clinic_a: Organisation, clinician: User
) -> None:
    patient_create(
        organisation=clinic_a, code="DEMO-001", birth_year=2006, by=clinician
    )

    assert patient_create(
        organisation=clinic_a, code="DEMO-0011", birth_year=2006, by=clinician
    )


@pytest.mark.django_db
def test_the_same_code_in_another_clinic_is_allowed(
    clinic_a: Organisation, clinic_b: Organisation, clinician: User
) -> None:
    patient_create(
        organisation=clinic_a, code="DEMO-001", birth_year=2006, by=clinician
    )

    assert patient_create(
        organisation=clinic_b, code="demo-001", birth_year=2006, by=clinician
    )


@pytest.mark.django_db
def test_the_database_refuses_a_case_variant_written_past_the_service(
    clinic_a: Organisation,
) -> None:
    Patient.objects.create(organisation=clinic_a, code="DEMO-001", birth_year=2006)

    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(
            organisation=clinic_a, code="demo - 001", birth_year=2006
        )
