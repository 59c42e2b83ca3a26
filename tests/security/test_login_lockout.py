"""Sign-in lock-out (django-axes, database handler) and the login rate limit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

LIMIT = 5  # LOGIN_FAILURE_LIMIT's default


def _attempt(client: Client, username: str, password: str, address: str) -> str:
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )
    return f"{response.status_code} {response.content.decode()}"


def _fail_until_locked(client: Client, username: str, address: str) -> str:
    for _ in range(LIMIT):
        _attempt(client, username, "wrong password", address)
    return _attempt(client, username, "wrong password", address)


def test_too_many_failures_lock_the_username_with_a_clear_page(
    client: Client, clinician: User
) -> None:
    page = _fail_until_locked(client, "alice", "10.0.0.1")
    assert page.startswith("429 ")
    assert "too many unsuccessful sign-in attempts" in page
    assert "try again in 15 minutes" in page
    assert "alice" not in page


def test_a_locked_username_stays_locked_even_with_the_right_password(
    client: Client, clinician: User
) -> None:
    _fail_until_locked(client, "alice", "10.0.0.1")
    page = _attempt(Client(), "alice", PASSWORD, "10.0.0.2")
    assert page.startswith("429 ")


def test_the_lock_out_page_is_the_same_for_an_unknown_username(
    client: Client, clinician: User
) -> None:
    known = _fail_until_locked(client, "alice", "10.0.0.1")
    unknown = _fail_until_locked(Client(), "nobody-here", "10.0.0.2")
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", known) == csrf.sub("", unknown)


def test_the_lock_out_is_stored_in_the_database_for_every_app_server(
    client: Client, clinician: User
) -> None:
    _fail_until_locked(client, "alice", "10.0.0.1")
    assert AccessAttempt.objects.filter(username="alice").exists()
    cache.clear()  # another server shares the database, not this process' memory
    assert _attempt(Client(), "alice", PASSWORD, "10.0.0.9").startswith("429 ")


def test_sign_in_works_again_after_the_cool_off(
    client: Client, clinician: User
) -> None:
    _fail_until_locked(client, "alice", "10.0.0.1")
    later = timezone.now() + dt.timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        page = _attempt(Client(), "alice", PASSWORD, "10.0.0.2")
    assert page.startswith("302 ")


def test_failures_below_the_limit_keep_the_usual_message(
    client: Client, clinician: User
) -> None:
    for _ in range(LIMIT - 1):
        page = _attempt(client, "alice", "wrong password", "10.0.0.1")
        assert page.startswith("200 ")
        assert "enter a correct username and password" in page
    assert _attempt(client, "alice", PASSWORD, "10.0.0.1").startswith("302 ")


def test_many_sign_in_posts_from_one_address_are_rate_limited(
    client: Client, settings: object, clinician: User
) -> None:
    settings.LOGIN_RATE_LIMIT = "3/m"  # type: ignore[attr-defined]
    statuses = [_attempt(client, f"user{n}", "wrong", "10.0.0.7")[:3] for n in range(4)]
    assert statuses == ["200", "200", "200", "429"]
    page = _attempt(client, "alice", PASSWORD, "10.0.0.7")
    assert page.startswith("429 ")
    assert re.search(r"Wait a minute", page)
    # Another address is not affected, and reading the page is never counted.
    assert client.get("/accounts/login/", REMOTE_ADDR="10.0.0.7").status_code == 200
    assert _attempt(Client(), "alice", PASSWORD, "10.0.0.8").startswith("302 ")


@pytest.mark.django_db
def test_login_page_is_not_counted_as_a_failure(client: Client) -> None:
    for _ in range(LIMIT + 1):
        assert client.get("/accounts/login/").status_code == 200
    assert not AccessAttempt.objects.exists()
