"""Security headers on every page: CSP, permissions, referrer, framing, cookies."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponseBase
from django.test import Client

from tests.conftest import PASSWORD

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def _directives(response: HttpResponseBase) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    parts = [part.strip() for part in policy.split(";") if part.strip()]
    return dict(part.split(" ", 1) for part in parts)


def _assert_secure_headers(response: HttpResponseBase) -> None:
    assert _directives(response) == EXPECTED_CSP
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_public_page_sends_the_security_headers(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    _assert_secure_headers(response)


def test_signed_in_page_sends_the_security_headers(
    client: Client, clinician: User
) -> None:
    client.force_login(clinician)
    response = client.get("/clinic/")
    assert response.status_code == 200
    _assert_secure_headers(response)


def test_session_and_csrf_cookies_are_secure_and_http_only(
    client: Client, clinician: User
) -> None:
    login_page = client.get("/accounts/login/")
    csrf = login_page.cookies["csrftoken"]
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}
    )
    session = response.cookies["sessionid"]
    for cookie in (session, csrf):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True


def _inline_code(html: str) -> list[str]:
    """Inline scripts, style elements and style attributes: what the CSP blocks."""
    scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and "application/json" not in tag
    ]
    return scripts + re.findall(r"<style\b|\sstyle=\"", html)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/questionnaires/organisation/",
        "/admin/questionnaires/instrument/",
    ],
)
def test_admin_pages_need_no_inline_script_or_style(
    client: Client, admin_user: User, path: str
) -> None:
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 200
    _assert_secure_headers(response)
    assert _inline_code(response.content.decode()) == []


def test_admin_login_page_needs_no_inline_script_or_style(
    client: Client, db: None
) -> None:
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert _inline_code(response.content.decode()) == []
