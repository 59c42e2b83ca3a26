"""Optional TOTP two-factor sign-in, required for staff when REQUIRE_STAFF_2FA is on."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from questionnaires.models import AuditEvent
from tests.conftest import PASSWORD


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _enrolled(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(
        user=user, name="app", confirmed=True
    )
    return device


def _ready(device: TOTPDevice) -> None:
    """Forget earlier failures (django-otp slows retries) and the last code used."""
    device.refresh_from_db()
    device.throttle_reset(commit=False)
    device.last_t = -1
    device.save()


def _sign_in(client: Client, username: str) -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}, follow=True
    )


def test_clinician_enrols_with_a_qr_code_and_a_first_code(
    client: Client, clinician: User
) -> None:
    client.force_login(clinician)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert 'src="/accounts/two-factor/qr.svg"' in page.content.decode()
    qr = client.get("/accounts/two-factor/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    device = TOTPDevice.objects.get(user=clinician)
    assert not device.confirmed

    response = client.post("/accounts/two-factor/", {"otp_token": _code(device)})

    # Enrolled: the backup codes are shown once, on this page.
    assert response.status_code == 200
    assert 'id="backup-codes"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="two_factor.enrol").count() == 1
    assert client.get("/clinic/").status_code == 200


def test_a_backup_code_signs_in_once_instead_of_the_app(
    client: Client, clinician: User
) -> None:
    client.force_login(clinician)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=clinician)
    page = client.post("/accounts/two-factor/", {"otp_token": _code(device)})
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", page.content.decode())
    assert len(codes) == 10
    client.post("/accounts/logout/")
    for attempt in (1, 2):
        other = Client()
        _sign_in(other, "alice")
        response = other.post(
            "/accounts/two-factor/code/", {"otp_token": codes[0]}, follow=True
        )
        text = response.content.decode()
        if attempt == 1:
            assert response.redirect_chain[-1][0] == "/clinic/"
        else:  # used up
            assert "That code did not work" in text


def test_a_wrong_first_code_leaves_two_factor_off(
    client: Client, clinician: User
) -> None:
    client.force_login(clinician)
    client.get("/accounts/two-factor/")
    response = client.post("/accounts/two-factor/", {"otp_token": "000000"})
    assert response.status_code == 200
    assert "That code did not work" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=clinician, confirmed=True).exists()


def test_an_enrolled_clinician_must_enter_a_code_after_the_password(
    client: Client, clinician: User
) -> None:
    device = _enrolled(clinician)
    response = _sign_in(client, "alice")
    assert response.redirect_chain[-1][0] == (
        "/accounts/two-factor/code/?next=%2Fclinic%2F"
    )
    assert client.get("/clinic/").status_code == 302

    wrong = client.post(
        "/accounts/two-factor/code/", {"otp_token": "000000", "next": "/clinic/"}
    )
    assert wrong.status_code == 200
    _ready(device)
    response = client.post(
        "/accounts/two-factor/code/",
        {"otp_token": _code(device), "next": "/clinic/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/clinic/"
    assert "Clinic A" in response.content.decode()


def test_a_clinician_without_a_device_signs_in_with_the_password_only(
    client: Client, clinician: User
) -> None:
    response = _sign_in(client, "alice")
    assert response.redirect_chain[-1][0] == "/clinic/"


def test_unenrolled_staff_are_sent_to_enrolment_before_the_admin(
    client: Client, admin_user: User, settings: Any
) -> None:
    settings.REQUIRE_STAFF_2FA = True
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/?next=%2Fadmin%2F"
    page = client.get(response["Location"])
    assert "Staff accounts must use two-factor sign-in" in page.content.decode()


def _prove_by_email(client: Client) -> None:
    """The e-mailed enrolment code step of a staff account (its e-mail is set)."""
    client.post("/accounts/two-factor/", {"send": "1"})
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert code is not None
    client.post("/accounts/two-factor/", {"otp_token": code.group(1)})


def test_staff_reach_the_admin_after_enrolling(
    client: Client, admin_user: User, settings: Any
) -> None:
    settings.REQUIRE_STAFF_2FA = True
    client.force_login(admin_user)
    _prove_by_email(client)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=admin_user)
    client.post("/accounts/two-factor/", {"otp_token": _code(device)})
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_enrol_with_the_password_alone(
    client: Client, admin_user: User, settings: Any
) -> None:
    # Whoever learnt the password would otherwise enrol their own authenticator.
    settings.REQUIRE_STAFF_2FA = True
    client.force_login(admin_user)
    page = client.get("/accounts/two-factor/").content.decode()
    assert "Confirm it is you" in page
    assert "i•••@example.org" in page
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    client.post("/accounts/two-factor/", {"send": "1"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [admin_user.email]
    wrong = client.post("/accounts/two-factor/", {"otp_token": "000000"})
    assert "That code did not work" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    assert client.get("/admin/").status_code == 302


def test_staff_without_an_e_mail_address_wait_for_an_administrator(
    client: Client, admin_user: User, settings: Any
) -> None:
    settings.REQUIRE_STAFF_2FA = True
    admin_user.email = ""
    admin_user.save()
    client.force_login(admin_user)
    response = client.get("/accounts/two-factor/")
    assert response.status_code == 403
    assert "Ask an administrator to add your e-mail address" in (
        response.content.decode()
    )


def test_the_enrolment_code_is_no_second_factor_at_sign_in(
    client: Client, admin_user: User, settings: Any
) -> None:
    settings.REQUIRE_STAFF_2FA = True
    client.force_login(admin_user)
    client.post("/accounts/two-factor/", {"send": "1"})
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert code is not None
    # The e-mailed code proves the address for enrolment; it does not open the admin.
    client.post("/accounts/two-factor/code/", {"otp_token": code.group(1)})
    assert client.get("/admin/").status_code == 302


def test_the_admin_site_itself_refuses_unverified_staff(
    rf: Any, admin_user: User, settings: Any
) -> None:
    from django.contrib import admin

    settings.REQUIRE_STAFF_2FA = True
    request = rf.get("/admin/")
    request.user = admin_user
    admin_user.is_verified = lambda: False  # type: ignore[attr-defined]
    assert not admin.site.has_permission(request)
    admin_user.is_verified = lambda: True  # type: ignore[attr-defined]
    assert admin.site.has_permission(request)


def test_an_enrolled_staff_user_enters_a_code_before_the_admin(
    client: Client, admin_user: User
) -> None:
    device = _enrolled(admin_user)
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response["Location"] == "/accounts/two-factor/code/?next=%2Fadmin%2F"
    client.post("/accounts/two-factor/code/", {"otp_token": _code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_demo_admin_works_without_two_factor_when_not_required(
    client: Client, admin_user: User, settings: Any
) -> None:
    settings.REQUIRE_STAFF_2FA = False
    _sign_in(client, "iago")
    assert client.get("/admin/").status_code == 200


def test_a_clinician_turns_two_factor_off_with_a_current_code(
    client: Client, clinician: User
) -> None:
    device = _enrolled(clinician)
    client.force_login(clinician)
    client.post("/accounts/two-factor/code/", {"otp_token": _code(device)})
    client.post("/accounts/two-factor/remove/", {"otp_token": "000000"})
    assert TOTPDevice.objects.filter(user=clinician).exists()
    _ready(device)
    client.post("/accounts/two-factor/remove/", {"otp_token": _code(device)})
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert AuditEvent.objects.filter(action="two_factor.remove").count() == 1


@pytest.mark.django_db
def test_required_staff_cannot_turn_two_factor_off(
    client: Client, admin_user: User, settings: Any
) -> None:
    settings.REQUIRE_STAFF_2FA = True
    device = _enrolled(admin_user)
    client.force_login(admin_user)
    client.post("/accounts/two-factor/code/", {"otp_token": _code(device)})
    _ready(device)
    client.post("/accounts/two-factor/remove/", {"otp_token": _code(device)})
    assert TOTPDevice.objects.filter(user=admin_user).exists()


def test_the_qr_code_is_only_for_a_pending_device_of_the_user(
    client: Client, clinician: User
) -> None:
    client.force_login(clinician)
    assert client.get("/accounts/two-factor/qr.svg").status_code == 404
