"""Signing in and out, changing and resetting a password, with Django's own views."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_login_page_renders_an_accessible_form(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<label\s+for="id_username"', html)
    assert re.search(r'<label\s+for="id_password"', html)
    assert '<html lang="en">' in html
    assert 'href="#main"' in html


def test_clinician_signs_in_and_lands_on_their_clinics(
    client: Client, clinician: User
) -> None:
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/clinic/"
    assert "Clinic A" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(
    client: Client, clinician: User
) -> None:
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "not it"}
    )
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_clinic_home_requires_sign_in(client: Client, db: None) -> None:
    response = client.get("/clinic/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/clinic/")


def test_sign_out_ends_the_session(client: Client, clinician: User) -> None:
    client.force_login(clinician)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/clinic/").status_code == 302


def test_password_change_takes_effect(client: Client, clinician: User) -> None:
    client.force_login(clinician)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer new secret 42",
            "new_password2": "a much longer new secret 42",
        },
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password("a much longer new secret 42")


def test_password_reset_mails_a_link_that_lets_the_user_choose_a_new_password(
    client: Client,
    clinician: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The e-mail is sent by a background task: run it at once here.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password_reset/", {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    match = re.search(
        r"http://testserver(/accounts/reset/\S+)", str(mail.outbox[0].body)
    )
    assert match is not None
    form_page = client.get(match.group(1), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "brand new secret 4242",
            "new_password2": "brand new secret 4242",
        },
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password("brand new secret 4242")


def test_password_reset_does_not_reveal_unknown_addresses(
    client: Client, db: None
) -> None:
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
