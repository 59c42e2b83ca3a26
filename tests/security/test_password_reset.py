"""Password reset: the same answer for any address, limited, sent by a task."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db

RESET = "/accounts/password_reset/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _ask(email: str, address: str = "192.0.2.1") -> Any:
    return Client().post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_known_and_unknown_addresses_get_the_same_answer(
    clinician: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        known = _ask(clinician.email)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = _ask("nobody@example.org", "192.0.2.2")
    assert (known.status_code, known["Location"]) == (
        unknown.status_code,
        unknown["Location"],
    )
    assert known["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_the_request_only_enqueues_and_the_link_is_not_stored(
    clinician: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # A dead mail server cannot fail (or slow) the request: it sends nothing.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(clinician.email)
    assert response.status_code == 302
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "questionnaires.tasks.send_password_reset"
    assert queued.args_kwargs["kwargs"]["user_id"] == clinician.pk
    assert "reset" not in str(queued.args_kwargs)  # no token, no link


def test_requests_are_limited_per_address(clinician: User, settings: Any) -> None:
    settings.PASSWORD_RESET_RATE_LIMIT = "2/h"
    statuses = [_ask("someone@example.org").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_e_mails_to_one_account_are_limited_wherever_they_are_asked_from(
    clinician: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    settings.PASSWORD_RESET_ACCOUNT_RATE_LIMIT = "2/h"
    for n in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = _ask(clinician.email, f"192.0.2.{10 + n}")
        assert response.status_code == 302  # the same answer every time
    assert len(mail.outbox) == 2
