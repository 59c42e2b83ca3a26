"""The respondent flow through an invitation link (views.respondent)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import Answer, AuditEvent, Patient, Screening
from tests.factories import SELF, self_link_token

pytestmark = pytest.mark.django_db

PHQ = {f"phq9-phq9_{n}": "0" for n in range(1, 10)}
ASQ_NO = {f"asq-asq_{n}": "0" for n in range(1, 5)}


@pytest.fixture
def link(clinician: User, patient: Patient, protocols: dict[str, Any]) -> Any:
    return self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])


def url(name: str, token: str, **kwargs: Any) -> str:
    return reverse(f"questionnaires:respond-{name}", kwargs={"token": token, **kwargs})


def page_of(client: Client, token: str, code: str) -> int:
    """The page number whose form has a field for ``code``."""
    for number in range(1, 20):
        response = client.get(url("page", token, number=number))
        if response.status_code != 200:
            break
        if f'name="{code}"' in response.content.decode():
            return number
    raise AssertionError(f"{code} not found")


def test_start_page_says_screening_not_diagnosis_and_how_long(
    client: Client, link: str
) -> None:
    response = client.get(url("start", link))
    text = response.content.decode()
    assert response.status_code == 200
    assert "not a diagnosis" in text
    assert "takes about" in text
    assert "pages" in text


def test_each_page_has_a_progress_indicator_and_a_form(
    client: Client, link: str
) -> None:
    response = client.get(url("page", link, number=1))
    text = response.content.decode()
    assert "Page 1 of" in text
    assert "<progress" in text
    assert "<legend" in text  # radio groups are fieldsets with legends


def test_answers_survive_leaving_a_page_and_coming_back(
    client: Client, link: str
) -> None:
    number = page_of(client, link, "phq9-phq9_1")
    client.post(url("page", link, number=number), {**PHQ, "phq9-phq9_1": "2"})
    response = client.get(url("page", link, number=number))
    assert 'name="phq9-phq9_1" value="2" id="id_phq9-phq9_1_2" checked' in (
        response.content.decode()
    )


def test_save_and_finish_later_keeps_partial_answers_without_errors(
    client: Client, link: str
) -> None:
    number = page_of(client, link, "phq9-phq9_1")
    response = client.post(
        url("page", link, number=number), {"phq9-phq9_1": "1", "action": "save"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("saved", link)
    assert Answer.objects.get(item_code="phq9_1").value == 1


def test_autosave_saves_and_answers_no_content(client: Client, link: str) -> None:
    number = page_of(client, link, "phq9-phq9_1")
    response = client.post(
        url("page", link, number=number), {"phq9-phq9_3": "3", "action": "autosave"}
    )
    assert response.status_code == 204
    assert Answer.objects.get(item_code="phq9_3").value == 3


def test_missing_answer_shows_error_next_to_field_and_summary_and_keeps_others(
    client: Client, link: str
) -> None:
    number = page_of(client, link, "phq9-phq9_1")
    data = {**PHQ, "phq9-phq9_2": "3"}
    del data["phq9-phq9_5"]
    response = client.post(url("page", link, number=number), data)
    text = response.content.decode()
    assert response.status_code == 422
    assert 'id="error-summary"' in text
    assert 'href="#id_phq9-phq9_5_0"' in text
    assert 'id="id_phq9-phq9_5_error"' in text
    assert 'value="3" id="id_phq9-phq9_2_3" checked' in text
    # The valid answers were saved even though the page had an error.
    assert Answer.objects.get(item_code="phq9_2").value == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("withdrawal-months_withdrawn", "700", "Enter 600 or less."),
        ("withdrawal-months_withdrawn", "2.55", "decimal place"),
        ("withdrawal-months_withdrawn", "abc", "Enter a number"),
        ("withdrawal-days_out_per_week", "8", "Enter 7 or less."),
        ("withdrawal-days_out_per_week", "-1", "Enter 0 or more."),
        ("withdrawal-onset_age", "90", "cannot be more than the age now"),
        ("withdrawal-rarely_leaves_room", "5", "Select a valid choice"),
    ],
)
def test_every_invalid_answer_is_refused_with_a_message(
    client: Client, link: str, field: str, value: str, message: str
) -> None:
    code = field.split("-", 1)[1]
    number = page_of(client, link, field)
    response = client.post(url("page", link, number=number), {field: value})
    text = response.content.decode()
    assert response.status_code == 422
    assert message in text
    assert not Answer.objects.filter(item_code=code).exists()


def test_an_onset_age_too_high_never_tells_the_respondent_the_recorded_age(
    client: Client, link: str, patient: Patient
) -> None:
    field = "withdrawal-onset_age"
    number = page_of(client, link, field)
    response = client.post(url("page", link, number=number), {field: "90"})
    text = response.content.decode()
    assert response.status_code == 422
    assert "Please check this number" in text
    age = Screening.objects.get().age
    assert f"({age})" not in text and "age given" not in text


def test_branching_item_appears_only_when_its_condition_holds(
    client: Client, link: str
) -> None:
    number = page_of(client, link, "asq-asq_1")
    hidden = client.get(url("page", link, number=number)).content.decode()
    assert '<div id="div_id_asq-asq_5" class="mb-3 d-none">' in hidden
    assert '<div id="div_id_asq-asq_4" class="mb-3">' in hidden
    # Without JavaScript: answering yes re-shows the page with the new question.
    response = client.post(
        url("page", link, number=number), {**ASQ_NO, "asq-asq_1": "1"}
    )
    assert response.status_code == 422
    assert '<div id="div_id_asq-asq_5" class="mb-3">' in response.content.decode()
    # Answering no everywhere moves on without it.
    response = client.post(url("page", link, number=number), ASQ_NO)
    assert response.status_code == 302


def test_suicide_risk_answer_shows_crisis_information_at_once(
    client: Client, link: str
) -> None:
    number = page_of(client, link, "asq-asq_1")
    response = client.post(
        url("page", link, number=number), {**ASQ_NO, "asq-asq_2": "1"}, follow=True
    )
    text = response.content.decode()
    assert 'id="crisis"' in text
    assert text.index('id="crisis"') < text.index("<form")
    assert "116 123" in text  # a default contact (reports.crisis)
    assert Screening.objects.get().is_urgent
    # ... and on every later page, including the completion page.
    assert 'id="crisis"' in client.get(url("review", link)).content.decode()
    assert "carry on with the questions" in text
    client.post(url("submit", link))
    done = client.get(url("done", link)).content.decode()
    assert 'id="crisis"' in done
    assert "carry on with the questions" not in done  # there are none left


def test_review_lists_answers_with_change_links_then_submit_records_once(
    client: Client, link: str
) -> None:
    number = page_of(client, link, "phq9-phq9_1")
    client.post(url("page", link, number=number), {**PHQ, "phq9-phq9_1": "2"})
    review = client.get(url("review", link)).content.decode()
    assert "More than half the days" in review or "Not at all" in review
    assert url("page", link, number=number) in review
    first = client.post(url("submit", link))
    second = client.post(url("submit", link))
    assert first.status_code == second.status_code == 302
    assert AuditEvent.objects.filter(action="screening_part.submit").count() == 1
    screening = Screening.objects.get()
    assert screening.result is not None
    assert screening.result["instruments"]["phq9"]["total"] == 2


def test_after_submission_pages_lead_to_the_thank_you_page(
    client: Client, link: str
) -> None:
    client.post(url("submit", link))
    response = client.get(url("page", link, number=1))
    assert response["Location"] == url("done", link)
    posted = client.post(url("page", link, number=1), {"phq9-phq9_1": "3"})
    assert posted["Location"] == url("done", link)
    assert not Answer.objects.filter(item_code="phq9_1").exists()


def test_item_text_follows_the_language_with_english_fallback(
    client: Client, link: str
) -> None:
    client.cookies["django_language"] = "ja"
    text = client.get(url("page", link, number=1)).content.decode()
    assert '<html lang="ja">' in text
    assert "次へ" in text  # the page's own strings (locale/ja)
    assert "どのくらい" in text or "何か月" in text or "ヶ月" in text  # item text
    phq = client.get(url("page", link, number=page_of(client, link, "phq9-phq9_1")))
    assert "Little interest or pleasure" in phq.content.decode()  # English fallback


def test_italian_pages_are_translated(client: Client, link: str) -> None:
    client.cookies["django_language"] = "it"
    text = client.get(url("start", link)).content.decode()
    assert '<html lang="it">' in text
    assert "Non è una diagnosi" in text


def test_page_out_of_range_is_404(client: Client, link: str) -> None:
    assert client.get(url("page", link, number=99)).status_code == 404


def test_an_organisations_own_crisis_contacts_replace_the_defaults(
    client: Client, link: str, clinic_a: Any
) -> None:
    from questionnaires.models import CrisisContact

    CrisisContact.objects.create(
        organisation=clinic_a, language="en", name="Clinic A duty line", phone="0100"
    )
    number = page_of(client, link, "asq-asq_1")
    client.post(url("page", link, number=number), {**ASQ_NO, "asq-asq_4": "1"})
    text = client.get(url("review", link)).content.decode()
    assert "Clinic A duty line" in text
    assert "116 123" not in text
