"""Screening services: start, save answers, submit (services.screenings)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from questionnaires.models import (
    Answer,
    AuditEvent,
    Organisation,
    Patient,
    Screening,
    ScreeningPart,
)
from questionnaires.services import screenings as services
from tests.factories import (
    CLINICIAN,
    FAMILY,
    SELF,
    Answers,
    patient_of,
    self_and_family_screening,
    start_screening,
)

pytestmark = pytest.mark.django_db

ALL_NO = {f"asq_{n}": 0 for n in range(1, 5)}
PHQ_ZERO = {f"phq9_{n}": 0 for n in range(1, 10)}


def self_only(patient: Patient, by: User, protocols: dict[str, Any]) -> Screening:
    return start_screening(
        patient=patient, by=by, parts=[("self", protocols[SELF], "link")]
    )


def submitted_self_only(
    patient: Patient, by: User, protocols: dict[str, Any], answers: Answers
) -> Screening:
    """A self-only screening with ``answers`` saved and the part submitted."""
    screening = self_only(patient, by, protocols)
    part = screening.parts.get()
    services.answers_save(part=part, answers=answers)
    services.part_submit(part=part)
    screening.refresh_from_db()
    return screening


def test_patient_code_is_unique_in_a_clinic_but_not_across_clinics(
    clinician: User, clinic_a: Organisation, clinic_b: Organisation
) -> None:
    services.patient_create(
        organisation=clinic_a, code="X1", birth_year=2005, by=clinician
    )
    services.patient_create(
        organisation=clinic_b, code="X1", birth_year=2005, by=clinician
    )
    with pytest.raises(ValidationError):
        services.patient_create(
            organisation=clinic_a, code="X1", birth_year=2004, by=clinician
        )


def test_database_refuses_a_duplicate_patient_code(clinic_a: Organisation) -> None:
    patient_of(clinic_a, code="DUP")
    with pytest.raises(IntegrityError), transaction.atomic():
        patient_of(clinic_a, code="DUP")


def test_creating_a_patient_is_audited(clinician: User, clinic_a: Organisation) -> None:
    patient = services.patient_create(
        organisation=clinic_a, code="X2", birth_year=2005, by=clinician
    )
    event = AuditEvent.objects.get(action="patient.create")
    assert event.target_id == str(patient.pk)
    assert event.actor == clinician


def test_screening_start_creates_one_part_per_audience(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = start_screening(
        patient=patient,
        by=clinician,
        parts=[
            ("self", protocols[SELF], "kiosk"),
            ("informant", protocols[FAMILY], "link"),
            ("clinician", protocols[CLINICIAN], "clinician"),
        ],
    )
    assert sorted(screening.parts.values_list("role", flat=True)) == [
        "clinician",
        "informant",
        "self",
    ]
    assert screening.organisation == patient.organisation
    assert AuditEvent.objects.filter(action="screening.create").count() == 1


@pytest.mark.parametrize(
    ("role", "protocol", "mode"),
    [
        ("self", FAMILY, "link"),  # protocol for another audience
        ("clinician", CLINICIAN, "link"),  # clinician form only by the clinician
        ("self", SELF, "clinician"),
    ],
)
def test_screening_start_refuses_a_part_that_does_not_fit(
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    role: str,
    protocol: str,
    mode: str,
) -> None:
    with pytest.raises(ValidationError):
        start_screening(
            patient=patient, by=clinician, parts=[(role, protocols[protocol], mode)]
        )


def test_screening_start_refuses_no_parts(clinician: User, patient: Patient) -> None:
    with pytest.raises(ValidationError):
        start_screening(patient=patient, by=clinician, parts=[])


def test_screening_start_refuses_a_patient_too_young_to_score(
    clinician: User, clinic_a: Organisation, protocols: dict[str, Any]
) -> None:
    child = patient_of(clinic_a, birth_year=2030)
    with pytest.raises(ValidationError):
        self_only(child, clinician, protocols)


def test_answers_survive_and_can_be_changed_and_cleared(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    part = self_only(patient, clinician, protocols).parts.get()
    services.answers_save(part=part, answers={"phq9": {"phq9_1": 2, "phq9_2": 1}})
    services.answers_save(part=part, answers={"phq9": {"phq9_1": 3, "phq9_2": None}})
    saved = dict(Answer.objects.filter(part=part).values_list("item_code", "value"))
    assert saved == {"phq9_1": 3}
    answer = Answer.objects.get(part=part)
    assert answer.option_code == "3"
    assert answer.instrument_version.instrument.code == "phq9"
    part.refresh_from_db()
    assert part.status == ScreeningPart.Status.IN_PROGRESS


def test_suicide_risk_answer_marks_the_screening_urgent_at_once(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = self_only(patient, clinician, protocols)
    part = screening.parts.get()
    quiet = services.answers_save(part=part, answers={"asq": ALL_NO})
    assert quiet.crisis is False
    outcome = services.answers_save(part=part, answers={"asq": {"asq_2": 1}})
    assert outcome.crisis is True
    screening.refresh_from_db()
    assert screening.is_urgent
    assert AuditEvent.objects.filter(action="screening.urgent").count() == 1


def test_phq9_item_9_above_zero_is_urgent(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    part = self_only(patient, clinician, protocols).parts.get()
    outcome = services.answers_save(part=part, answers={"phq9": {"phq9_9": 1}})
    assert outcome.crisis is True


def test_saving_into_a_submitted_part_is_refused(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    part = self_only(patient, clinician, protocols).parts.get()
    services.part_submit(part=part)
    with pytest.raises(services.PartSubmitted):
        services.answers_save(part=part, answers={"phq9": {"phq9_1": 1}})


def test_double_submit_records_one_submission(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = self_only(patient, clinician, protocols)
    part = screening.parts.get()
    services.answers_save(part=part, answers={"phq9": {**PHQ_ZERO, "phq9_1": 3}})
    first = services.part_submit(part=part)
    second = services.part_submit(part=part)
    assert first.submitted_at == second.submitted_at
    assert AuditEvent.objects.filter(action="screening_part.submit").count() == 1
    screening.refresh_from_db()
    assert screening.result is not None
    assert screening.result["instruments"]["phq9"]["total"] == 3
    assert screening.result["engine_version"]
    assert screening.completed_at is not None


def test_hidden_branch_answers_are_not_scored(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    """phq9_10 is shown only when an item is above 0; here none is."""
    screening = submitted_self_only(
        patient, clinician, protocols, {"phq9": {**PHQ_ZERO, "phq9_10": 3}}
    )
    assert screening.result is not None
    assert screening.result["instruments"]["phq9"]["ignored"] == ["phq9_10"]


def test_result_combines_every_submitted_part(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = self_and_family_screening(
        patient=patient, by=clinician, protocols=protocols
    )
    own = screening.parts.get(role="self")
    family = screening.parts.get(role="informant")
    services.answers_save(part=own, answers={"withdrawal": {"months_withdrawn": 2.0}})
    services.answers_save(
        part=family, answers={"withdrawal_family": {"months_withdrawn": 8.0}}
    )
    services.part_submit(part=own)
    screening.refresh_from_db()
    assert screening.result is not None
    assert screening.result["criteria"]["duration"] == "below"
    assert screening.completed_at is None
    services.part_submit(part=family)
    screening.refresh_from_db()
    assert screening.result is not None
    assert screening.result["criteria"]["duration"] == "meets"
    assert screening.result["disagreements"][0]["criterion"] == "duration"
    assert screening.result_in("ja") != screening.result
    assert screening.completed_at is not None


def test_submitting_a_suicide_answer_keeps_the_screening_urgent(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = submitted_self_only(
        patient, clinician, protocols, {"asq": {**ALL_NO, "asq_1": 1}}
    )
    assert screening.result is not None
    assert screening.result["flags"][0]["code"] == "suicide_risk"
    assert screening.is_urgent
