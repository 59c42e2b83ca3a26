"""The anonymous family self-check at /family/ (views.family)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from questionnaires.models import FamilyCheck, Screening

pytestmark = pytest.mark.django_db

FAMILY_ANSWERS = {
    "withdrawal_family-months_withdrawn": "9",
    "withdrawal_family-days_out_per_week": "1",
    "withdrawal_family-rarely_leaves_room": "0",
    "withdrawal_family-onset_age": "15",
}


def test_family_page_says_what_is_kept_and_for_how_long(
    client: Client, protocols: dict[str, Any], settings: Any
) -> None:
    settings.FAMILY_CHECK_RETENTION_DAYS = 30
    text = client.get("/family/").content.decode()
    assert "30 days" in text
    assert "not a diagnosis" in text
    assert "name" in text


def test_family_start_explains_the_age_limit_and_where_else_to_ask(
    client: Client, protocols: dict[str, Any]
) -> None:
    response = client.post("/family/", {"age": "5", "agree": "on"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "meant for ages 10 and over" in text
    assert "family doctor" in text
    assert "Ensure this value" not in text
    assert not Screening.objects.exists()


def test_family_start_age_message_is_translated(
    client: Client, protocols: dict[str, Any]
) -> None:
    response = client.post(
        "/family/", {"age": "5", "agree": "on"}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert "かかりつけ医" in response.content.decode()
    assert not Screening.objects.exists()


def _start(client: Client) -> str:
    response = client.post("/family/", {"age": "17", "agree": "on"})
    assert response.status_code == 302
    return response["Location"].split("/r/")[1].strip("/")


def test_family_check_shows_a_resume_code_and_stores_nothing_identifying(
    client: Client, protocols: dict[str, Any]
) -> None:
    token = _start(client)
    start = client.get(
        reverse("questionnaires:respond-start", kwargs={"token": token})
    ).content.decode()
    assert 'id="resume-code"' in start
    screening = Screening.objects.get()
    assert screening.patient is None and screening.organisation is None
    assert FamilyCheck.objects.count() == 1


def test_resume_code_continues_the_same_check(
    client: Client, protocols: dict[str, Any]
) -> None:
    token = _start(client)
    start = client.get(
        reverse("questionnaires:respond-start", kwargs={"token": token})
    ).content.decode()
    code = start.split('id="resume-code">')[1].split("<")[0]
    other = Client()
    response = other.post("/family/resume/", {"code": code.lower()})
    assert response.status_code == 302
    assert "/r/" in response["Location"]
    wrong = other.post("/family/resume/", {"code": "00000-00000"})
    assert "No check was found" in wrong.content.decode()


def test_resume_attempts_are_rate_limited(
    client: Client, protocols: dict[str, Any]
) -> None:
    from django.core.cache import cache

    cache.clear()
    for _ in range(10):
        client.post("/family/resume/", {"code": "00000-00000"})
    response = client.post("/family/resume/", {"code": "00000-00000"})
    assert response.status_code == 429
    cache.clear()


def test_family_gets_a_plain_language_result_and_can_download_it(
    client: Client, protocols: dict[str, Any]
) -> None:
    token = _start(client)
    page = reverse("questionnaires:respond-page", kwargs={"token": token, "number": 2})
    client.post(page, {**FAMILY_ANSWERS, "action": "save"})
    client.post(reverse("questionnaires:respond-submit", kwargs={"token": token}))
    done = client.get(
        reverse("questionnaires:respond-done", kwargs={"token": token})
    ).content.decode()
    assert "not a diagnosis" in done
    assert "What is kept" in done
    assert "9" in done
    pdf = client.get(reverse("questionnaires:respond-report", kwargs={"token": token}))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content[:4] == b"%PDF"


def test_purge_expired_command_deletes_old_checks(
    client: Client, protocols: dict[str, Any], settings: Any
) -> None:
    settings.FAMILY_CHECK_RETENTION_DAYS = 0
    _start(client)
    call_command("purge_expired", verbosity=0)
    assert not Screening.objects.exists()


def test_the_first_device_says_the_check_moved_and_how_to_go_on_there(
    client: Client, protocols: dict[str, Any]
) -> None:
    token = _start(client)
    start_url = reverse("questionnaires:respond-start", kwargs={"token": token})
    code = client.get(start_url).content.decode().split('id="resume-code">')[1]
    code = code.split("<")[0]
    Client().post("/family/resume/", {"code": code})
    first = client.get(start_url)
    assert first.status_code == 409
    text = first.content.decode()
    assert "continued on another device" in text
    assert "enter the resume code again" in text
    unknown = client.get(
        reverse("questionnaires:respond-start", kwargs={"token": "x" * 43})
    )
    assert "continued on another device" not in unknown.content.decode()
