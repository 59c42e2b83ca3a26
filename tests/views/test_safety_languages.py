"""Safety questions are never put silently in a language the respondent was not offered.

The ASQ has no validated Japanese or Italian translation bundled: those respondents
get HikiScreen's own translation, marked as not validated. PHQ-9 item 9 has none:
it stays English with a safety note. The clinician is told both when starting.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import Patient
from tests.factories import SELF, self_link_token
from tests.views.test_respondent_language import NOTE, _pages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("ja", "この数週間のあいだに、死んでしまいたいと思ったことはありますか。"),
        ("it", "Nelle ultime settimane hai desiderato di essere morto o morta?"),
    ],
)
def test_the_asq_is_asked_in_the_projects_own_translation_marked_not_validated(
    client: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    lang: str,
    question: str,
) -> None:
    token = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    asq = next(h for n, h in _pages(client, token).items() if n.startswith("asq-"))
    assert NOTE not in asq
    assert "In the past few weeks, have you wished you were dead?" not in asq
    assert question in asq
    note = asq[asq.index('id="translation-source"') :]
    assert "HikiScreen" in note[:300]
    not_validated = {"ja": "妥当性は確認されていません", "it": "non validata"}[lang]
    assert not_validated in note[:300]


def test_phq9_item_9_in_english_carries_a_safety_note(
    client: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    token = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    pages = _pages(client, token)
    with_item_9 = [h for h in pages.values() if 'name="phq9-phq9_9"' in h]
    assert with_item_9 and all('id="safety-language-note"' in h for h in with_item_9)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = [h for h in _pages(client, token).values() if 'name="phq9-phq9_9"' in h]
    assert not any('id="safety-language-note"' in h for h in english)


def test_the_clinician_is_told_when_starting_which_safety_questions_lack_a_translation(
    client: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    client.force_login(clinician)
    url = reverse("questionnaires:screening-start", kwargs={"pk": patient.pk})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = html[html.index('id="safety-languages"') :]
    section = section[: section.index("</section>")]
    assert "no validated translation in Japanese, Italian" in section
    assert "HikiScreen's own translation" in section
    assert "PHQ" in section and "no translation in Japanese, Italian" in section
    # Within an Italian sentence a language's name is written in lower case.
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "nessuna traduzione validata in giapponese, italiano" in html
    assert "Giapponese, Italiano" not in html


@pytest.mark.parametrize(
    ("lang", "phq9", "asq"),
    [
        (
            "ja",
            "こころとからだの質問票（PHQ-9）",
            "自殺リスクのスクリーニング質問（ASQ）",
        ),
        (
            "it",
            "Questionario sulla salute del paziente, 9 item (PHQ-9)",
            "Domande di screening del rischio di suicidio (ASQ)",
        ),
    ],
)
def test_each_instruments_page_is_headed_with_its_name_in_the_respondents_language(
    client: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    lang: str,
    phq9: str,
    asq: str,
) -> None:
    token = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    pages = _pages(client, token)
    first = {n.split("-")[0]: h for n, h in reversed(pages.items())}
    assert phq9 in first["phq9"]
    assert asq in first["asq"]
    assert "Patient Health Questionnaire" not in first["phq9"]
