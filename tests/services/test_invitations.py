"""Invitation links and anonymous family checks (services.invitations)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from questionnaires import selectors
from questionnaires.models import (
    Answer,
    AuditEvent,
    FamilyCheck,
    Invitation,
    Patient,
    Screening,
)
from questionnaires.reports.inputs import report_from_input
from questionnaires.reports.pdf import cache_key, cache_owner, render_report_cached
from questionnaires.services import invitations as services
from questionnaires.services import screenings as screening_services
from tests.factories import FAMILY, SELF, start_screening
from tests.helpers import ROOT

EXAMPLES = ROOT / "questionnaires/reports/examples"

pytestmark = pytest.mark.django_db


@pytest.fixture
def part(clinician: User, patient: Patient, protocols: dict[str, Any]) -> Any:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], "link")]
    )
    return screening.parts.get()


def test_token_is_random_long_and_stored_only_hashed(
    part: Any, clinician: User
) -> None:
    issued = services.invitation_create(part=part, by=clinician)
    assert len(issued.token) >= 43  # 256 bits in URL-safe base64
    stored = Invitation.objects.get()
    assert issued.token not in stored.token_hash
    assert stored.token_hash == selectors.token_hash(issued.token)


def test_token_opens_its_invitation(part: Any, clinician: User) -> None:
    issued = services.invitation_create(part=part, by=clinician)
    assert selectors.invitation_get_by_token(issued.token) == issued.invitation


def test_resending_makes_a_new_link_and_the_old_one_stops_working(
    part: Any, clinician: User
) -> None:
    old = services.invitation_create(part=part, by=clinician)
    new = services.invitation_create(part=part, by=clinician)
    assert new.token != old.token
    with pytest.raises(selectors.InvalidLink):
        selectors.invitation_get_by_token(old.token)
    assert selectors.invitation_get_by_token(new.token) == new.invitation


def test_revoked_link_stops_working_and_revoking_is_audited(
    part: Any, clinician: User
) -> None:
    issued = services.invitation_create(part=part, by=clinician)
    services.invitation_revoke(invitation=issued.invitation, by=clinician)
    services.invitation_revoke(invitation=issued.invitation, by=clinician)
    with pytest.raises(selectors.InvalidLink):
        selectors.invitation_get_by_token(issued.token)
    assert AuditEvent.objects.filter(action="invitation.revoke").count() == 1


def test_expired_link_stops_working(part: Any, clinician: User) -> None:
    issued = services.invitation_create(part=part, by=clinician)
    later = timezone.now() + timedelta(days=15)
    with time_machine.travel(later), pytest.raises(selectors.InvalidLink):
        selectors.invitation_get_by_token(issued.token)


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "y" * 200])
def test_unknown_or_malformed_token_is_invalid(token: str) -> None:
    with pytest.raises(selectors.InvalidLink):
        selectors.invitation_get_by_token(token)


def test_submission_marks_the_link_used(part: Any, clinician: User) -> None:
    issued = services.invitation_create(part=part, by=clinician)
    screening_services.part_submit(part=part)
    issued.invitation.refresh_from_db()
    assert issued.invitation.used_at is not None


@pytest.fixture
def family_protocol(protocols: dict[str, Any]) -> Any:
    return protocols[FAMILY]


def test_family_check_stores_no_organisation_and_a_hashed_resume_code(
    family_protocol: Any,
) -> None:
    started = services.family_check_start(
        age=17, language="en", protocol=family_protocol
    )
    check = FamilyCheck.objects.get()
    assert started.screening.organisation is None
    assert started.screening.patient is None
    plain = services.normalise_resume_code(started.resume_code)
    assert plain not in check.resume_code_hash
    assert len(plain) == services.RESUME_LENGTH


def test_resume_code_gives_a_new_link_to_the_same_answers(family_protocol: Any) -> None:
    started = services.family_check_start(
        age=17, language="en", protocol=family_protocol
    )
    screening_services.answers_save(
        part=started.part, answers={"withdrawal_family": {"months_withdrawn": 4.0}}
    )
    typed = started.resume_code.lower().replace("-", " ")
    token = services.family_check_resume(code=typed)
    assert token is not None
    invitation = selectors.invitation_get_by_token(token)
    assert invitation.part == started.part
    with pytest.raises(selectors.InvalidLink):
        selectors.invitation_get_by_token(started.token)


def test_wrong_resume_code_finds_nothing(family_protocol: Any) -> None:
    services.family_check_start(age=17, language="en", protocol=family_protocol)
    assert services.family_check_resume(code="00000-00000") is None


def test_purge_deletes_only_expired_anonymous_checks(
    family_protocol: Any, part: Any, settings: Any
) -> None:
    settings.FAMILY_CHECK_RETENTION_DAYS = 30
    old = services.family_check_start(age=17, language="en", protocol=family_protocol)
    screening_services.answers_save(
        part=old.part, answers={"withdrawal_family": {"months_withdrawn": 4.0}}
    )
    later = timezone.now() + timedelta(days=20)
    recent = services.family_check_start(
        age=16, language="en", protocol=family_protocol, now=later
    )
    # Answered: a check nobody answered goes after a day (FAMILY_CHECK_ABANDONED_HOURS).
    screening_services.answers_save(
        part=recent.part, answers={"withdrawal_family": {"months_withdrawn": 2.0}}
    )
    assert services.family_checks_purge(now=timezone.now() + timedelta(days=31)) == 1
    assert not Screening.objects.filter(pk=old.screening.pk).exists()
    assert not Answer.objects.filter(part=old.part).exists()
    assert Screening.objects.filter(pk=recent.screening.pk).exists()
    assert Screening.objects.filter(pk=part.screening_id).exists()  # clinic data kept


def test_purge_deletes_the_cached_summary_pdf_of_a_purged_check(
    family_protocol: Any, settings: Any
) -> None:
    settings.FAMILY_CHECK_RETENTION_DAYS = 30
    old = services.family_check_start(age=17, language="en", protocol=family_protocol)
    example = json.loads((EXAMPLES / "negative.json").read_text())
    data = report_from_input(
        example, lang="en", organisation="", patient_code="", report_date="2026-01-01"
    )
    render_report_cached(
        data, audience="family", lang="en", owner=cache_owner(old.screening.pk)
    )
    key = cache_key(data, audience="family", lang="en")
    assert isinstance(cache.get(key), bytes)
    services.family_checks_purge(now=timezone.now() + timedelta(days=31))
    assert cache.get(key) is None
