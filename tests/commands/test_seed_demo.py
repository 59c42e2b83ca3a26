from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import (
    Answer,
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    Patient,
    Screening,
    ScreeningPart,
)
from questionnaires.services import screenings


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_clinic_and_prints_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    output = _seed()
    assert "clinician  / hikiscreen-demo" in output
    assert "admin      / hikiscreen-demo" in output
    users = get_user_model().objects
    assert users.get(username="admin").is_staff
    assert users.get(username="clinician").check_password("hikiscreen-demo")
    assert (
        Membership.objects.get(
            user__username="clinician", organisation__name="Demo Clinic"
        ).role
        == Membership.Role.CLINICIAN
    )


@pytest.mark.django_db
def test_seed_demo_is_idempotent() -> None:
    _seed()
    _seed()
    assert Organisation.objects.filter(name="Demo Clinic").count() == 1
    assert (
        get_user_model().objects.filter(username__in=["admin", "clinician"]).count()
        == 2
    )
    assert Membership.objects.count() == 2


@pytest.mark.django_db
def test_seed_demo_uses_demo_password_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")
    assert "another-demo-pass" in _seed()
    assert (
        get_user_model()
        .objects.get(username="clinician")
        .check_password("another-demo-pass")
    )


# --- Demo patients ----------------------------------------------------------------

LINK = re.compile(r"https?://\S+?(/r/[^/\s]+/)")


def _seed_with(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _demo_screenings(code: str) -> list[Screening]:
    return list(
        Screening.objects.filter(
            organisation__slug="demo-clinic", patient__code=code
        ).order_by("created_at")
    )


def _snapshot() -> dict[str, Any]:
    return {
        "counts": [
            model.objects.count()
            for model in (
                Patient,
                Screening,
                ScreeningPart,
                Answer,
                Invitation,
                AuditEvent,
            )
        ],
        "screenings": list(
            Screening.objects.order_by("pk").values_list(
                "pk", "created_at", "completed_at", "urgent_at", "result"
            )
        ),
        "invitations": list(
            Invitation.objects.order_by("pk").values_list(
                "pk", "token_hash", "revoked_at", "used_at"
            )
        ),
        "passwords": list(
            get_user_model().objects.order_by("pk").values_list("password", flat=True)
        ),
    }


@pytest.mark.django_db
def test_seed_demo_creates_demo_patients_with_submitted_scored_screenings(
    protocols: dict[str, Any],
) -> None:
    output = _seed()
    patients = Patient.objects.filter(organisation__slug="demo-clinic")
    codes = sorted(patients.values_list("code", flat=True))
    assert codes == [f"DEMO-00{n}" for n in range(1, 6)]
    assert "Demo patients created: DEMO-001" in output
    submitted = Screening.objects.filter(
        organisation__slug="demo-clinic", completed_at__isnull=False
    )
    assert submitted.count() == 6
    for screening in submitted:
        assert 12 <= screening.age <= 25  # adolescents and young adults, every year
        assert screening.result is not None
        assert screening.result["outcome"]["category"] != "incomplete"
        assert all(
            instrument["complete"]
            for instrument in screening.result["instruments"].values()
        )
        assert all(part.is_submitted for part in screening.parts.all())


@pytest.mark.django_db
def test_the_patient_screened_three_times_has_a_trend_over_past_months(
    protocols: dict[str, Any],
) -> None:
    _seed()
    screenings = _demo_screenings("DEMO-001")
    dates = [s.created_at for s in screenings]
    assert len(dates) == 3
    assert dates[-1] < timezone.now() - timedelta(days=7)
    assert dates[-1] - dates[0] > timedelta(days=90)
    assert [s.result["outcome"]["category"] for s in screenings if s.result] == [
        "at_risk",
        "screen_positive",
        "screen_negative",
    ]
    phq9 = [s.result["instruments"]["phq9"]["total"] for s in screenings if s.result]
    assert len(set(phq9)) == 3


@pytest.mark.django_db
def test_the_patient_page_draws_the_trend_for_the_demo_clinician(
    client: Client, protocols: dict[str, Any]
) -> None:
    _seed()
    client.force_login(get_user_model().objects.get(username="clinician"))
    patient = Patient.objects.get(code="DEMO-001")
    response = client.get(
        reverse("questionnaires:patient-detail", kwargs={"pk": patient.pk})
    )
    assert response.status_code == 200
    charts = {chart["code"]: chart for chart in response.context["trend"]["charts"]}
    assert len(charts["phq9"]["points"]) == 3


@pytest.mark.django_db
def test_self_and_family_reports_disagree_on_a_criterion_of_a_positive_screen(
    protocols: dict[str, Any],
) -> None:
    _seed()
    [screening] = _demo_screenings("DEMO-002")
    assert screening.result is not None
    assert screening.result["outcome"]["category"] == "screen_positive"
    assert {p.role for p in screening.parts.all()} == {"self", "informant"}
    [disagreement] = screening.result["disagreements"]
    assert disagreement["self"] != disagreement["family"]


@pytest.mark.django_db
def test_the_suicide_risk_demo_screening_is_marked_urgent(
    protocols: dict[str, Any],
) -> None:
    _seed()
    [screening] = _demo_screenings("DEMO-003")
    assert screening.is_urgent
    assert screening.result is not None
    assert screening.result["flags"][0]["code"] == "suicide_risk"
    assert screening.parts.get().crisis_at is not None
    urgent = Screening.objects.filter(
        organisation__slug="demo-clinic", urgent_at__isnull=False
    )
    assert list(urgent) == [screening]


@pytest.mark.django_db
def test_an_at_risk_screening_carries_the_clinicians_rating(
    protocols: dict[str, Any],
) -> None:
    _seed()
    [screening] = _demo_screenings("DEMO-004")
    assert screening.result is not None
    assert screening.result["outcome"]["category"] == "at_risk"
    clinician_part = screening.parts.get(role="clinician")
    assert clinician_part.submitted_by == get_user_model().objects.get(
        username="clinician"
    )


@pytest.mark.django_db
def test_running_seed_demo_twice_creates_and_changes_nothing(
    protocols: dict[str, Any],
) -> None:
    _seed()
    before = _snapshot()
    output = _seed()
    assert _snapshot() == before
    assert "already exist: nothing changed" in output
    assert not LINK.search(output)


@pytest.mark.django_db
def test_a_missing_demo_patient_is_made_again_and_the_others_are_left_alone(
    protocols: dict[str, Any],
) -> None:
    _seed()
    Patient.objects.get(code="DEMO-004").delete()
    kept = list(Screening.objects.order_by("pk").values_list("pk", "result"))
    output = _seed()
    assert "Demo patients created: DEMO-004 " in output
    assert Patient.objects.filter(organisation__slug="demo-clinic").count() == 5
    assert (
        list(
            Screening.objects.filter(pk__in=[pk for pk, _ in kept])
            .order_by("pk")
            .values_list("pk", "result")
        )
        == kept
    )


@pytest.mark.django_db
def test_the_printed_link_opens_the_respondent_start_page(
    client: Client, protocols: dict[str, Any]
) -> None:
    match = LINK.search(_seed())
    assert match is not None
    response = client.get(match.group(1))
    assert response.status_code == 200
    assert "questionnaires/respond/start.html" in [t.name for t in response.templates]
    [screening] = _demo_screenings("DEMO-005")
    assert screening.completed_at is None


@pytest.mark.django_db
def test_new_link_replaces_the_open_screenings_link(
    client: Client, protocols: dict[str, Any]
) -> None:
    first = LINK.search(_seed())
    again = LINK.search(_seed_with("--new-link"))
    assert first is not None
    assert again is not None
    assert again.group(1) != first.group(1)
    assert client.get(again.group(1)).status_code == 200
    assert client.get(first.group(1)).status_code != 200


@pytest.mark.django_db
def test_no_patients_flag_makes_only_the_clinic_and_accounts(
    protocols: dict[str, Any],
) -> None:
    output = _seed_with("--no-patients")
    assert "clinician  / " in output
    assert not Patient.objects.exists()
    assert "Demo patients" not in output


@pytest.mark.django_db
def test_without_the_published_protocols_seed_demo_says_to_load_instruments() -> None:
    output = _seed()
    assert "run `manage.py load_instruments` first" in output
    assert not Patient.objects.exists()
    assert get_user_model().objects.filter(username="clinician").exists()


@pytest.mark.django_db
def test_new_link_after_the_open_screening_was_answered_says_there_is_none(
    protocols: dict[str, Any],
) -> None:
    _seed()
    part = ScreeningPart.objects.get(screening__patient__code="DEMO-005")
    screenings.part_submit(part=part, now=timezone.now())
    before = Invitation.objects.count()
    output = _seed_with("--new-link")
    assert "DEMO-005 has no open screening any more" in output
    assert not LINK.search(output)
    assert Invitation.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_the_demo_clinic_alert_reaches_its_alert_address_through_a_worker(
    protocols: dict[str, Any],
) -> None:
    from django.core import mail

    _seed()
    call_command("run_tasks", once=True, sweep_every=0, verbosity=0)
    # The demo's urgent screening is weeks old, so its escalation is due too.
    alert, escalation = mail.outbox
    assert alert.subject == "A screening needs a safety assessment today"
    assert alert.to == ["clinician@example.org", "duty@demo-clinic.example"]
    assert escalation.to == ["admin@example.org"]
