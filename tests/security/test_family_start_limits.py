"""Findings 3 and 4: family checks are limited, and kept briefly when abandoned.

One limiter (questionnaires.security.ratelimits) keys every count on the client
address the settings name (CLIENT_IP_HEADER behind a proxy); a resume guess counts once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import Answer, FamilyCheck, Screening

pytestmark = pytest.mark.django_db

FAMILY = "/family/"
RESUME = "/family/resume/"
PROXY = "10.0.0.1"  # the TLS proxy every request comes through


def _start(client: Client, address: str = "192.0.2.1", **extra: Any) -> Any:
    return client.post(
        FAMILY, {"age": "17", "agree": "on"}, REMOTE_ADDR=address, **extra
    )


def test_family_starts_are_limited_per_client_address(
    client: Client, protocols: dict[str, Any], settings: Any
) -> None:
    settings.FAMILY_START_RATE_LIMIT = "3/h"
    statuses = [_start(client).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Screening.objects.count() == 3
    # Another address is not held back by the first one's starts.
    assert _start(Client(), "192.0.2.2").status_code == 302


def test_family_starts_behind_a_proxy_count_per_forwarded_address(
    client: Client, protocols: dict[str, Any], settings: Any
) -> None:
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.FAMILY_START_RATE_LIMIT = "2/h"
    for _ in range(3):
        client.post(
            FAMILY,
            {"age": "17", "agree": "on"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            REMOTE_ADDR=PROXY,
        )
    other = Client().post(
        FAMILY,
        {"age": "17", "agree": "on"},
        HTTP_X_FORWARDED_FOR="203.0.113.10",
        REMOTE_ADDR=PROXY,
    )
    assert other.status_code == 302


def test_wrong_resume_codes_behind_a_proxy_lock_out_only_their_own_address(
    client: Client, protocols: dict[str, Any], settings: Any
) -> None:
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for _ in range(12):
        client.post(
            RESUME,
            {"code": "00000-00000"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            REMOTE_ADDR=PROXY,
        )
    guessed = client.post(
        RESUME,
        {"code": "00000-00000"},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        REMOTE_ADDR=PROXY,
    )
    assert guessed.status_code == 429
    family = Client().post(
        RESUME,
        {"code": "00000-00000"},
        HTTP_X_FORWARDED_FOR="198.51.100.4",
        REMOTE_ADDR=PROXY,
    )
    assert family.status_code == 200
    assert "No check was found" in family.content.decode()


def test_a_resume_code_guess_counts_once(
    client: Client, protocols: dict[str, Any], settings: Any
) -> None:
    # Counted by the resume limit alone, not also by the token pages' limit.
    settings.TOKEN_RATE_LIMIT = "3/m"
    settings.RESUME_RATE_LIMIT = "5/m"
    statuses = [
        client.post(RESUME, {"code": "00000-00000"}).status_code for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_a_check_nobody_answered_is_purged_after_a_day(
    client: Client, protocols: dict[str, Any], settings: Any
) -> None:
    settings.FAMILY_CHECK_ABANDONED_HOURS = 24
    _start(client)
    answered_token = _start(Client(), "192.0.2.7")["Location"].split("/r/")[1]
    page = reverse(
        "questionnaires:respond-page",
        kwargs={"token": answered_token.strip("/"), "number": 2},
    )
    Client().post(
        page,
        {"withdrawal_family-months_withdrawn": "9", "action": "save"},
    )
    assert Answer.objects.exists()
    # Both checks were started 25 hours ago (their deletion date is set from then).
    FamilyCheck.objects.update(purge_after=F("purge_after") - timedelta(hours=25))
    call_command("purge_expired", verbosity=0)
    kept = Screening.objects.get()
    assert kept.parts.get().answers.exists()


def test_a_young_check_nobody_answered_is_kept(
    client: Client, protocols: dict[str, Any]
) -> None:
    _start(client)
    call_command("purge_expired", verbosity=0)
    assert Screening.objects.count() == 1


def test_a_browser_session_keeps_only_its_latest_few_resume_codes(
    client: Client, protocols: dict[str, Any]
) -> None:
    for _ in range(6):
        _start(client)
    assert len(client.session["resume_codes"]) == 3


def test_a_resume_code_is_shown_once_then_left_out_of_the_session(
    client: Client, protocols: dict[str, Any]
) -> None:
    token = _start(client)["Location"].split("/r/")[1].strip("/")
    start = reverse("questionnaires:respond-start", kwargs={"token": token})
    page = client.get(start).content.decode()
    code = page.split('id="resume-code">')[1].split("<")[0]
    stored = " ".join(str(s.get_decoded()) for s in Session.objects.all())
    assert code not in stored
    assert code.replace("-", "") not in stored
    assert 'id="resume-code"' not in client.get(start).content.decode()
    # The code still opens the check (its keyed hash is stored with the check).
    assert Client().post(RESUME, {"code": code}).status_code == 302


def test_purge_expired_also_deletes_expired_sessions(
    client: Client, protocols: dict[str, Any]
) -> None:
    _start(client)
    assert Session.objects.count() == 1
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    call_command("purge_expired", verbosity=0)
    assert not Session.objects.exists()
