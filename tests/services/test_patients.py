"""Exporting and erasing one patient's data on request (services.patients)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse

from questionnaires.models import (
    Answer,
    AuditEvent,
    Invitation,
    Organisation,
    Patient,
    Screening,
    ScreeningPart,
)
from questionnaires.reports.data import screening_report_data
from questionnaires.reports.pdf import cache_key
from questionnaires.services import invitations
from questionnaires.services import screenings as screening_services
from questionnaires.services.patients import patient_erase, patient_export
from tests.exports.conftest import submitted  # noqa: F401 - a fixture
from tests.factories import SELF, patient_of, start_screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def screening(submitted: Screening, clinician: User) -> Screening:  # noqa: F811
    """Self-report and family parts submitted, each with an invitation link."""
    for part in submitted.parts.all():
        invitations.invitation_create(part=part, by=clinician)
    return submitted


def _owner(screening: Screening) -> Patient:
    assert screening.patient is not None
    return screening.patient


def _json(document: object) -> str:
    return json.dumps(document, cls=DjangoJSONEncoder)


def test_export_holds_every_answer_by_item_code(
    screening: Screening, clinician: User
) -> None:
    document = patient_export(patient=_owner(screening), by=clinician)
    [exported] = document["screenings"]
    own = next(p for p in exported["parts"] if p["role"] == "self")
    stored: dict[str, dict[str, Any]] = {}
    for answer in Answer.objects.filter(part__role="self").select_related(
        "instrument_version__instrument"
    ):
        code = answer.instrument_version.instrument.code
        stored.setdefault(code, {})[answer.item_code] = answer.value
    assert stored
    assert own["answers"] == stored
    assert own["result"] == screening.parts.get(role="self").result
    assert exported["result"] == screening.result


def test_export_holds_the_patient_record_and_invitation_metadata(
    screening: Screening, clinician: User
) -> None:
    document = patient_export(patient=_owner(screening), by=clinician)
    assert document["patient"] == {
        "id": _owner(screening).pk,
        "code": "A-001",
        "birth_year": 2006,
        "sex": "",
        "created_at": _owner(screening).created_at,
    }
    exported = [i for p in document["screenings"][0]["parts"] for i in p["invitations"]]
    assert sorted(i["id"] for i in exported) == sorted(
        Invitation.objects.values_list("pk", flat=True)
    )


def test_export_never_contains_token_hashes(
    screening: Screening, clinician: User
) -> None:
    text = _json(patient_export(patient=_owner(screening), by=clinician))
    hashes = list(Invitation.objects.values_list("token_hash", flat=True))
    assert hashes
    assert not any(digest in text for digest in hashes)
    assert "token" not in text


def test_export_lists_report_downloads_and_audit_events(
    screening: Screening, clinician: User
) -> None:
    screening_services.report_download_record(
        screening=screening, audience="clinician", by=clinician, lang="ja"
    )
    document = patient_export(patient=_owner(screening), by=clinician)
    [download] = document["screenings"][0]["report_downloads"]
    assert (download["audience"], download["lang"], download["by"]) == (
        "clinician",
        "ja",
        "clinician",
    )
    actions = {event["action"] for event in document["audit_events"]}
    assert {
        "screening.create",
        "invitation.create",
        "screening_part.submit",
        "report.download",
    } <= actions


def test_export_leaves_out_other_patients(
    screening: Screening, clinician: User, clinic_a: Organisation
) -> None:
    other = patient_of(clinic_a, code="A-002")
    document = patient_export(patient=other, by=clinician)
    assert document["screenings"] == []
    assert document["audit_events"] == []


def test_export_is_recorded_in_the_audit_trail(
    screening: Screening, clinician: User
) -> None:
    patient_export(patient=_owner(screening), by=clinician)
    event = AuditEvent.objects.get(action="patient.export")
    assert event.actor == clinician
    assert event.target_id == str(screening.patient_id)
    assert event.details["screenings"] == 1
    assert event.details["answers"] == Answer.objects.count()


def test_erase_removes_the_patient_and_everything_about_them(
    screening: Screening, org_admin: User
) -> None:
    patient_erase(patient=_owner(screening), by=org_admin)
    for model in (Patient, Screening, ScreeningPart, Answer, Invitation):
        assert not model.objects.exists(), model


def test_erase_keeps_other_patients(
    screening: Screening,
    org_admin: User,
    clinic_a: Organisation,
    clinic_b: Organisation,
    clinician: User,
    protocols: dict[str, Any],
) -> None:
    kept = [patient_of(clinic_a, code="A-002"), patient_of(clinic_b, code="A-001")]
    start_screening(
        patient=kept[0], by=clinician, parts=[("self", protocols[SELF], "link")]
    )
    patient_erase(patient=_owner(screening), by=org_admin)
    assert set(Patient.objects.all()) == set(kept)
    assert Screening.objects.get().patient == kept[0]


def test_erase_is_audited_with_counts_and_the_former_id_only(
    screening: Screening, org_admin: User
) -> None:
    answers = Answer.objects.count()
    former = screening.patient_id
    erasure = patient_erase(patient=_owner(screening), by=org_admin)
    event = AuditEvent.objects.get(action="patient.erase")
    assert (event.actor, event.organisation) == (org_admin, screening.organisation)
    assert event.target_id == str(former) == str(erasure.patient_pk)
    assert event.details == {
        "screenings": 1,
        "parts": 2,
        "answers": answers,
        "invitations": 2,
        "cached_reports": 0,
    }


def test_no_audit_event_keeps_personal_data_after_erasure(
    screening: Screening, org_admin: User, clinician: User
) -> None:
    patient_export(patient=_owner(screening), by=clinician)
    result = screening.result
    assert result is not None
    patient_erase(patient=_owner(screening), by=org_admin)
    trail = _json(list(AuditEvent.objects.values()))
    assert "A-001" not in trail
    assert "2006" not in trail
    assert json.dumps(result["instruments"], cls=DjangoJSONEncoder) not in trail


def test_erase_removes_the_code_from_the_admin_log(
    screening: Screening, org_admin: User, admin_user: User
) -> None:
    for obj in (_owner(screening), screening):
        LogEntry.objects.log_actions(
            user_id=admin_user.pk,
            queryset=[obj],
            action_flag=CHANGE,
            change_message="viewed",
            single_object=True,
        )
    patient_erase(patient=_owner(screening), by=org_admin)
    entries = LogEntry.objects.filter(
        content_type__in=ContentType.objects.get_for_models(Patient, Screening).values()
    )
    assert entries.count() == 2
    assert not any("A-001" in e.object_repr for e in entries)


def test_erase_deletes_the_cached_pdf_of_every_report(
    screening: Screening, org_admin: User, clinician: User
) -> None:
    client = Client()
    client.force_login(clinician)
    url = reverse(
        "questionnaires:screening-report",
        kwargs={"pk": screening.pk, "audience": "clinician"},
    )
    assert client.get(url).status_code == 200
    key = cache_key(
        screening_report_data(screening, lang="en"), audience="clinician", lang="en"
    )
    assert isinstance(cache.get(key), bytes)
    erasure = patient_erase(patient=_owner(screening), by=org_admin)
    assert cache.get(key) is None
    assert erasure.counts["cached_reports"] == 1
