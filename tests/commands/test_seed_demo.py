from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from questionnaires.models import Membership, Organisation


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
