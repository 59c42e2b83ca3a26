"""The per-address rate limit for respondent token views (security.ratelimits)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from questionnaires.security.ratelimits import client_ip, token_ratelimit


@token_ratelimit
def _token_view(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse(f"questionnaire {len(token)}")


def _get(rf: RequestFactory, address: str = "192.0.2.1") -> Any:
    return _token_view(rf.get("/r/x/", REMOTE_ADDR=address), token="x" * 43)


def test_token_views_answer_429_with_a_page_once_the_rate_is_exceeded(
    rf: RequestFactory, settings: Any
) -> None:
    settings.TOKEN_RATE_LIMIT = "3/m"
    statuses = [_get(rf).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = _get(rf)
    assert refused["Retry-After"] == "60"
    assert "Please wait a moment" in refused.content.decode()


def test_each_address_has_its_own_count(rf: RequestFactory, settings: Any) -> None:
    settings.TOKEN_RATE_LIMIT = "2/m"
    for _ in range(3):
        _get(rf, "192.0.2.1")
    assert _get(rf, "192.0.2.2").status_code == 200


def test_a_forged_forwarded_header_is_ignored_without_a_proxy(
    rf: RequestFactory, settings: Any
) -> None:
    settings.CLIENT_IP_HEADER = ""
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "192.0.2.1"


def test_behind_a_proxy_the_address_it_appended_counts(
    rf: RequestFactory, settings: Any
) -> None:
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/r/{t}/",
        "/r/{t}/page/1/",
        "/r/{t}/review/",
        "/r/{t}/summary.pdf",
        "/kiosk/return/",
    ],
)
def test_respondent_token_pages_are_rate_limited(
    client: Client, settings: Any, path: str
) -> None:
    settings.TOKEN_RATE_LIMIT = "2/m"
    url = path.format(t=secrets.token_urlsafe(32))
    first = [client.get(url).status_code for _ in range(2)]
    assert 429 not in first
    assert client.get(url).status_code == 429
