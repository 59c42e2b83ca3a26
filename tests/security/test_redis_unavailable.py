"""Finding 5: with Redis down the app serves from the database, and /healthz says so.

The cache points at a closed port (nothing listens on 127.0.0.1:1), as a deployment
whose Redis died would.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from questionnaires.models import Patient
from tests.conftest import PASSWORD
from tests.factories import SELF, self_link_token
from tests.helpers import manage, production_env

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "hikiscreen.cache.FallbackRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def dead_redis(settings: Any) -> None:
    settings.CACHES = DEAD_REDIS
    # The rate limits fail open (RATELIMIT_FAIL_OPEN) rather than refuse everyone.
    settings.RATELIMIT_FAIL_OPEN = True


def test_sign_in_works_and_the_session_is_kept_in_the_database(
    dead_redis: None, client: Client, clinician: User, caplog: Any
) -> None:
    with caplog.at_level(logging.WARNING, logger="hikiscreen.cache"):
        assert client.get(reverse("login")).status_code == 200
        response = client.post(
            reverse("login"), {"username": "alice", "password": PASSWORD}
        )
    assert response.status_code == 302
    home = client.get(reverse("questionnaires:clinic-home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == clinician
    assert "cache unavailable" in caplog.text


def test_respondent_pages_answer(
    dead_redis: None,
    client: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
) -> None:
    token = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    start = reverse("questionnaires:respond-start", kwargs={"token": token})
    assert client.get(start).status_code == 200
    page = reverse("questionnaires:respond-page", kwargs={"token": token, "number": 1})
    assert client.get(page).status_code == 200


def test_the_family_start_answers(
    dead_redis: None, client: Client, protocols: dict[str, Any]
) -> None:
    assert client.get("/family/").status_code == 200
    started = client.post("/family/", {"age": "17", "agree": "on"})
    assert started.status_code == 302
    assert client.get(started["Location"]).status_code == 200


def test_healthz_reports_the_cache_degraded_with_200(
    dead_redis: None, client: Client
) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "degraded"
    assert response.json()["database"] == "ok"


def test_an_outage_is_logged_once_not_per_request(
    dead_redis: None, caplog: Any
) -> None:
    cache = caches["default"]
    with caplog.at_level(logging.WARNING, logger="hikiscreen.cache"):
        for _ in range(5):
            assert cache.get("anything", "fallback") == "fallback"
    assert caplog.text.count("cache unavailable") == 1


def test_a_redis_url_configures_the_cache_that_survives_an_outage() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.RATELIMIT_FAIL_OPEN)"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env=production_env(REDIS_URL="redis://127.0.0.1:6379/5"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["hikiscreen.cache.FallbackRedisCache", "True"]
