"""A questionnaire without a bundled translation says so, and is marked as English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from questionnaires.models import Answer, Patient
from tests.factories import SELF, self_link_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_language_left_active() -> Iterator[None]:
    """A request in Japanese or Italian leaves its language active in this thread
    (LocaleMiddleware); tests that run later expect the default."""
    yield
    translation.deactivate()


NOTE = 'id="language-note"'


def _pages(client: Client, token: str) -> dict[str, str]:
    """Each page's HTML, keyed by the first item field it shows."""
    found = {}
    for number in range(1, 20):
        url = reverse(
            "questionnaires:respond-page", kwargs={"token": token, "number": number}
        )
        response = client.get(url)
        if response.status_code != 200:
            break
        html = response.content.decode()
        # Item fields are named "<instrument>-<item>"; hidden helpers are not.
        first = re.search(r'name="([a-z0-9_]+-[a-z0-9_]+)"', html)
        assert first, number
        found[first[1]] = html
    return found


@pytest.mark.parametrize("lang", ["ja", "it"])
def test_untranslated_questionnaire_is_announced_and_marked_as_english(
    client: Client, clinician: User, patient: Patient, protocols: dict[str, Any], lang
) -> None:
    token = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    pages = _pages(client, token)
    phq9 = next(html for name, html in pages.items() if name.startswith("phq9-"))
    withdrawal = next(
        html for name, html in pages.items() if name.startswith("withdrawal-")
    )
    # PHQ-9 ships in English only; the withdrawal module is translated.
    assert NOTE in phq9
    assert phq9.index('<div lang="en">') < phq9.index('name="phq9-phq9_1"')
    assert NOTE not in withdrawal
    assert '<div lang="en">' not in withdrawal


def test_english_respondent_sees_no_language_note(
    client: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    token = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    assert all(NOTE not in html for html in _pages(client, token).values())


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "Enter 0 or more."), ("ja", "0 以上の数を入力してください。")],
)
def test_a_number_out_of_range_is_explained_in_plain_words(
    client: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    lang: str,
    message: str,
) -> None:
    token = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    url = reverse("questionnaires:respond-page", kwargs={"token": token, "number": 1})
    html = client.post(url, {"withdrawal-months_withdrawn": "-3"}).content.decode()
    assert message in html
    assert "Ensure this value" not in html


def test_an_italian_respondents_decimal_comma_is_stored_as_the_number(
    client: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    token = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "it"
    url = reverse("questionnaires:respond-page", kwargs={"token": token, "number": 1})
    assert 'inputmode="decimal"' in client.get(url).content.decode()
    client.post(
        url,
        {
            "withdrawal-months_withdrawn": "2,5",
            "withdrawal-days_out_per_week": "1",
            "withdrawal-rarely_leaves_room": "0",
            "withdrawal-onset_age": "10",
        },
    )
    stored = Answer.objects.get(
        part__screening__patient=patient, item_code="months_withdrawn"
    )
    assert stored.value == 2.5
    # Shown again the Italian way when the respondent comes back to the page.
    assert 'value="2,5"' in client.get(url).content.decode()
