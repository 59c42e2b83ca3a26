"""Broken and replayed requests at the respondent pages: each gets a clear page and no
saved answer is lost (issue 8). Tampered values are in test_hostile_input.py."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.views import defaults

from questionnaires.models import Answer, AuditEvent, Patient, ScreeningPart
from questionnaires.scoring.engine import check_value
from questionnaires.services import invitations
from questionnaires.services import screenings as screening_services
from tests.factories import SELF
from tests.security.respondents import (
    family_check,
    field_name,
    link_part,
    pages,
    stored,
    url,
)

pytestmark = pytest.mark.django_db

PHQ = {f"phq9-phq9_{n}": "1" for n in range(1, 10)}


@pytest.fixture
def part_and_token(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> tuple[ScreeningPart, str]:
    return link_part(patient=patient, by=clinician, protocol=protocols[SELF])


def page_number(part: ScreeningPart, instrument: str, item: str) -> int:
    for page in pages(part):
        if page.instrument.code == instrument and any(
            i.code == item for i in page.items
        ):
            return page.number
    raise AssertionError(f"{instrument}.{item} is on no page")


def save_phq(client: Client, part: ScreeningPart, token: str) -> str:
    """Answer the PHQ-9 page through the view; return its URL."""
    page = url("page", token, number=page_number(part, "phq9", "phq9_1"))
    assert client.post(page, {**PHQ, "phq9-phq9_1": "2"}).status_code == 302
    return page


def text(response: Any) -> str:
    return str(response.content.decode())


# --- Missing CSRF token ---------------------------------------------------------------


@pytest.mark.parametrize("lost", ["token", "cookie"])
def test_post_failing_the_csrf_check_gets_a_friendly_page_and_changes_no_answer(
    part_and_token: tuple[ScreeningPart, str], lost: str
) -> None:
    """No token in the form (a tampered post), or no cookie (cleared mid-page)."""
    part, token = part_and_token
    browser = Client(enforce_csrf_checks=True)
    page = url("page", token, number=page_number(part, "phq9", "phq9_1"))
    assert browser.get(page).status_code == 200  # sets the CSRF cookie
    csrf = browser.cookies[django_settings.CSRF_COOKIE_NAME].value
    screening_services.answers_save(part=part, answers={"phq9": {"phq9_1": 2}})
    data = {**PHQ, "phq9-phq9_1": "3"}
    if lost == "cookie":
        browser.cookies.clear()
        data["csrfmiddlewaretoken"] = csrf
    response = browser.post(page, data)
    assert response.status_code == 403
    body = text(response)
    assert "This page was not sent" in body
    assert "reload the page" in body
    assert "Answers you saved before are kept" in body
    assert "CSRF" not in body  # no jargon
    assert stored(part) == {("phq9", "phq9_1"): 2}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("ja", "このページは送信されませんでした"),
        ("it", "Questa pagina non è stata inviata"),
    ],
)
def test_the_csrf_page_speaks_the_respondents_language(
    part_and_token: tuple[ScreeningPart, str], lang: str, message: str
) -> None:
    part, token = part_and_token
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[django_settings.LANGUAGE_COOKIE_NAME] = lang
    response = browser.post(url("page", token, number=1), {"action": "next"})
    assert response.status_code == 403
    assert message in text(response)


@pytest.mark.parametrize(
    ("view", "status", "message"),
    [
        (defaults.bad_request, 400, "This could not be read"),
        (defaults.permission_denied, 403, "This page is not open to you"),
        (defaults.server_error, 500, "Answers you saved before are kept"),
    ],
)
def test_error_pages_say_what_happened_and_what_to_do(
    rf: RequestFactory, view: Any, status: int, message: str
) -> None:
    request = rf.get("/")
    with translation.override("en"):  # no middleware here to choose the language
        response = (
            view(request)
            if view is defaults.server_error
            else view(request, Exception())
        )
    assert response.status_code == status
    assert message in text(response)
    assert "HikiScreen is a screening aid" in text(response)


def test_post_with_the_pages_csrf_token_is_accepted(
    part_and_token: tuple[ScreeningPart, str],
) -> None:
    part, token = part_and_token
    browser = Client(enforce_csrf_checks=True)
    page = url("page", token, number=page_number(part, "phq9", "phq9_1"))
    browser.get(page)
    csrf = browser.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = browser.post(page, {**PHQ, "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert stored(part)[("phq9", "phq9_1")] == 1


# --- Oversized bodies -----------------------------------------------------------------


def _over_the_size_limit() -> dict[str, str]:
    return {"note": "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}


def _too_many_fields() -> dict[str, str]:
    return {f"f{n}": "1" for n in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}


@pytest.mark.parametrize("extra", [_over_the_size_limit, _too_many_fields])
@pytest.mark.parametrize("enforce_csrf", [False, True])
def test_oversized_post_gets_a_clear_400_and_changes_nothing(
    part_and_token: tuple[ScreeningPart, str], enforce_csrf: bool, extra: Any
) -> None:
    """With CSRF checks on the middleware reads the body first: the same page."""
    part, token = part_and_token
    page = save_phq(Client(), part, token)
    before = stored(part)
    browser = Client(enforce_csrf_checks=enforce_csrf)
    browser.get(page)
    csrf = browser.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = browser.post(
        page, {**PHQ, "phq9-phq9_1": "3", "csrfmiddlewaretoken": csrf, **extra()}
    )
    assert response.status_code == 400
    assert "This could not be read" in text(response)
    assert "Answers you saved before are kept" in text(response)
    assert stored(part) == before


# --- Replayed submissions -------------------------------------------------------------


def test_replayed_submission_and_page_post_keep_the_first_result(
    part_and_token: tuple[ScreeningPart, str],
) -> None:
    part, token = part_and_token
    client = Client()
    page = save_phq(client, part, token)
    submit = url("submit", token)
    first = client.post(submit)
    replays = [client.post(submit), Client().post(submit)]
    assert first["Location"] == url("done", token)
    assert all(r["Location"] == url("done", token) for r in replays)
    assert AuditEvent.objects.filter(action="screening_part.submit").count() == 1
    part.refresh_from_db()
    result, submitted_at = part.result, part.submitted_at
    # The page POST replayed after submission (used link) changes no answer.
    replayed_page = client.post(page, {**PHQ, "phq9-phq9_1": "3"}, follow=True)
    assert "Your answers have been sent" in text(replayed_page)
    assert stored(part)[("phq9", "phq9_1")] == 2
    part.refresh_from_db()
    assert (part.result, part.submitted_at) == (result, submitted_at)


def test_submission_replayed_after_the_link_is_revoked_records_nothing_more(
    part_and_token: tuple[ScreeningPart, str], clinician: User
) -> None:
    part, token = part_and_token
    client = Client()
    save_phq(client, part, token)
    client.post(url("submit", token))
    invitation = part.invitations.get()
    invitations.invitation_revoke(invitation=invitation, by=clinician)
    response = client.post(url("submit", token))
    assert response.status_code == 404
    assert "This link cannot be used" in text(response)
    assert AuditEvent.objects.filter(action="screening_part.submit").count() == 1


@pytest.mark.parametrize(
    "token", ["x" * 19, "x" * 5000, "\x00" * 30, "\u00fc" * 30, "%00" * 10]
)
@pytest.mark.parametrize(
    "name", ["start", "page", "review", "submit", "saved", "done", "report"]
)
def test_a_forged_token_gets_the_invalid_link_page_on_every_respondent_url(
    token: str, name: str
) -> None:
    path = url(name, token, **({"number": 1} if name == "page" else {}))
    client = Client()
    for response in (client.get(path), client.post(path, {"action": "next"})):
        assert response.status_code in (404, 405)
        if response.status_code == 404:
            assert "This link cannot be used" in text(response)


# --- Links that stop working mid-questionnaire ----------------------------------------


def _revoke(part: ScreeningPart, by: User) -> Any:
    invitations.invitation_revoke(invitation=part.invitations.get(), by=by)
    return time_machine.travel(timezone.now())


def _expire(part: ScreeningPart, by: User) -> Any:
    return time_machine.travel(
        timezone.now() + timedelta(days=invitations.LINK_DAYS + 1)
    )


@pytest.mark.parametrize("stop", [_revoke, _expire], ids=["revoked", "expired"])
def test_link_that_stops_mid_questionnaire_shows_a_clear_page_and_keeps_answers(
    part_and_token: tuple[ScreeningPart, str], clinician: User, stop: Any
) -> None:
    part, token = part_and_token
    client = Client()
    page = save_phq(client, part, token)
    before = stored(part)
    with stop(part, clinician):
        response = client.post(page, {**PHQ, "phq9-phq9_1": "0"})
        assert response.status_code == 404
        assert "This link cannot be used" in text(response)
        assert "ask them for a new link" in text(response)
        assert stored(part) == before
    # A new link for the same part carries on with every saved answer.
    fresh = invitations.invitation_create(part=part, by=clinician).token
    again = text(
        client.get(url("page", fresh, number=page_number(part, "phq9", "phq9_1")))
    )
    assert 'value="2" id="id_phq9-phq9_1_2" checked' in again
    assert stored(part) == before


# --- A second tab ---------------------------------------------------------------------


def test_stale_second_tab_keeps_the_answers_the_first_tab_saved(
    part_and_token: tuple[ScreeningPart, str],
) -> None:
    """Last write per item wins; an item a tab did not send is not cleared."""
    part, token = part_and_token
    first, second = Client(), Client()
    page = url("page", token, number=page_number(part, "phq9", "phq9_1"))
    first.get(page)
    second.get(page)  # opened before the first tab saved anything
    first.post(page, {"phq9-phq9_1": "2", "phq9-phq9_2": "2", "action": "save"})
    # The stale tab answers another question (the radios it left alone send nothing)
    # and changes one the first tab answered.
    second.post(page, {"phq9-phq9_2": "3", "phq9-phq9_3": "1", "action": "save"})
    assert stored(part) == {
        ("phq9", "phq9_1"): 2,
        ("phq9", "phq9_2"): 3,
        ("phq9", "phq9_3"): 1,
    }


def answered_on(client: Client, page: str) -> str:
    """The page's hidden list of the items it shows answered."""
    found = re.search(r'name="answered" value="([^"]*)"', text(client.get(page)))
    assert found is not None
    return found.group(1)


def test_stale_second_tab_does_not_empty_a_box_the_first_tab_filled(
    part_and_token: tuple[ScreeningPart, str],
) -> None:
    """A browser sends every box, empty or not; only a box shown filled is cleared."""
    part, token = part_and_token
    first, second = Client(), Client()
    page = url(
        "page", token, number=page_number(part, "withdrawal", "months_withdrawn")
    )
    stale = answered_on(second, page)
    first.post(
        page,
        {
            "answered": answered_on(first, page),
            "withdrawal-months_withdrawn": "9",
            "action": "save",
        },
    )
    second.post(
        page,
        {
            "answered": stale,
            "withdrawal-months_withdrawn": "",
            "withdrawal-days_out_per_week": "2",
            "action": "save",
        },
    )
    assert stored(part) == {
        ("withdrawal", "months_withdrawn"): 9,
        ("withdrawal", "days_out_per_week"): 2,
    }


DAYS = "withdrawal-days_out_per_week"


@pytest.fixture
def days_page(part_and_token: tuple[ScreeningPart, str]) -> tuple[ScreeningPart, str]:
    """The part and the URL of its page asking for days out per week."""
    part, token = part_and_token
    number = page_number(part, "withdrawal", "days_out_per_week")
    return part, url("page", token, number=number)


@pytest.mark.parametrize("sends_list", [True, False], ids=["page", "no-list"])
def test_a_box_emptied_where_it_was_shown_filled_clears_its_answer(
    days_page: tuple[ScreeningPart, str], sends_list: bool
) -> None:
    """A client without the page's list (an older page, a script) clears as before."""
    part, page = days_page
    client = Client()
    client.post(page, {DAYS: "2", "action": "save"})
    shown = answered_on(client, page)
    assert shown == "days_out_per_week"
    listed = {"answered": shown} if sends_list else {}
    client.post(page, {**listed, DAYS: "", "action": "save"})
    assert ("withdrawal", "days_out_per_week") not in stored(part)


def test_autosave_tells_the_page_what_an_empty_box_may_clear_now(
    days_page: tuple[ScreeningPart, str],
) -> None:
    part, page = days_page
    client = Client()
    data = {"answered": answered_on(client, page), "action": "autosave"}
    saved = client.post(page, {**data, DAYS: "2"})
    assert saved.status_code == 204
    assert saved["X-Answered"] == "days_out_per_week"
    data["answered"] = saved["X-Answered"]  # as static/js/autosave.js does
    emptied = client.post(page, {**data, DAYS: ""})
    assert emptied["X-Answered"] == ""
    assert ("withdrawal", "days_out_per_week") not in stored(part)


# --- Losing the session ---------------------------------------------------------------


def test_losing_the_session_mid_family_check_loses_no_answer(
    protocols: dict[str, Any],
) -> None:
    browser = Client()
    part, token = family_check(browser)
    first = pages(part)[0]
    item = first.items[0]
    value = str(item.options[0].value)
    browser.post(
        url("page", token, number=first.number),
        {field_name(first, item.code): value, "action": "save"},
    )
    browser.session.flush()  # the session (and its resume code) is gone
    browser.cookies.clear()
    after = browser.get(url("page", token, number=first.number))
    assert after.status_code == 200
    assert f'value="{value}"' in text(after)
    second = pages(part)[1]
    response = browser.post(
        url("page", token, number=second.number),
        {"withdrawal_family-months_withdrawn": "9", "action": "save"},
    )
    assert response.status_code == 302
    assert stored(part) == {
        ("withdrawal_family", item.code): int(value),
        ("withdrawal_family", "months_withdrawn"): 9,
    }


def test_losing_the_session_on_a_kiosk_keeps_answers_and_still_locks_the_clinic(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    part, _ = link_part(
        patient=patient, by=clinician, protocol=protocols[SELF], mode="kiosk"
    )
    tablet = Client()
    tablet.force_login(clinician)
    handed = tablet.post(
        reverse(
            "questionnaires:screening-hand-over",
            kwargs={"pk": part.screening_id, "role": "self"},
        )
    )
    token = handed["Location"].split("/r/")[1].strip("/")
    save_phq(tablet, part, token)
    tablet.cookies.clear()  # e.g. the browser was restarted
    assert stored(part)[("phq9", "phq9_1")] == 2
    save_phq(tablet, part, token)  # the questionnaire goes on: it needs only the link
    # Without the hand-over session only a sign-in opens the clinic again.
    back = tablet.get(reverse("questionnaires:kiosk-return"))
    assert back.status_code == 302
    assert tablet.get(reverse("questionnaires:clinic-home")).status_code == 302
    assert Answer.objects.filter(part=part).count() == len(PHQ)


# --- Values the engine must refuse too ------------------------------------------------


def test_time_with_non_ascii_digits_is_refused_and_not_stored(
    part_and_token: tuple[ScreeningPart, str],
) -> None:
    part, token = part_and_token
    number = page_number(part, "withdrawal", "sleep_time")
    arabic_indic = "1\u0663:3\u0663"  # matched \d, but no clock reads it
    response = Client().post(
        url("page", token, number=number), {"withdrawal-sleep_time": arabic_indic}
    )
    assert response.status_code == 422
    assert "Enter a time as HH:MM" in text(response)
    assert ("withdrawal", "sleep_time") not in stored(part)
    sleep_time = next(i for p in pages(part) for i in p.items if i.code == "sleep_time")
    assert check_value(sleep_time, arabic_indic, 19) is not None
