"""Clinicians read their pages and PDFs in their own language.

Their profile's language first, else the browser's (Accept-Language); a language
picked with the header's switcher in this browser wins over both.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import AuditEvent, Patient, Screening, StaffProfile
from questionnaires.services import profiles
from questionnaires.services import screenings as screening_services
from tests.factories import self_and_family_screening
from tests.views.test_clinician_pages import _full_screening

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    path = shutil.which("pdftotext")
    assert path, "pdftotext (poppler-utils) is not installed"
    command = [path, "-enc", "UTF-8", "-", "-"]
    out = subprocess.run(command, input=content, capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode())


@pytest.fixture
def japanese_clinician(client: Client, clinician: User) -> Client:
    profiles.staff_language_set(user=clinician, language="ja")
    client.force_login(clinician)
    return client


def test_a_japanese_clinician_sees_japanese_pages(
    japanese_clinician: Client, patient: Patient
) -> None:
    url = reverse("questionnaires:patient-list", kwargs={"slug": "clinic-a"})
    response = japanese_clinician.get(url, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert '<html lang="ja">' in text
    assert "患者を追加" in text
    assert "Add a patient" not in text


@pytest.fixture
def report_url(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> Callable[[str], str]:
    screening = _full_screening(clinician, patient, protocols)

    def url(audience: str) -> str:
        kwargs = {"pk": screening.pk, "audience": audience}
        return reverse("questionnaires:screening-report", kwargs=kwargs)

    return url


def test_a_japanese_clinician_gets_a_japanese_pdf_by_default(
    japanese_clinician: Client, report_url: Callable[[str], str]
) -> None:
    url = report_url("clinician")
    response = japanese_clinician.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.content[:4] == b"%PDF"
    text = _pdf_text(response.content)
    assert re.search(r"[\u3040-\u30ff]{4}", text), text[:200]
    download = AuditEvent.objects.get(action="report.download")
    assert download.details["lang"] == "ja"


def test_an_explicit_language_still_chooses_the_pdf_language(
    japanese_clinician: Client, report_url: Callable[[str], str]
) -> None:
    url = report_url("family")
    text = _pdf_text(japanese_clinician.get(url, {"lang": "en"}).content)
    assert "screening" in text.lower()
    assert not re.search(r"[\u3040-\u30ff]{4}", text)


def test_without_a_preference_the_browser_language_is_used(
    client: Client, clinician: User
) -> None:
    client.force_login(clinician)
    url = reverse("questionnaires:clinic-home")
    text = client.get(url, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert '<html lang="it">' in text
    assert "Le mie strutture" in text


def test_the_language_switcher_in_this_browser_wins_over_the_profile(
    japanese_clinician: Client, settings: Any
) -> None:
    japanese_clinician.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    text = japanese_clinician.get(
        reverse("questionnaires:clinic-home")
    ).content.decode()
    assert '<html lang="it">' in text


def test_the_account_page_saves_the_language_and_audits_it(
    client: Client, clinician: User
) -> None:
    client.force_login(clinician)
    url = reverse("account-language")
    assert "My language" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.post(url, {"language": "it"}, follow=True)
    assert StaffProfile.objects.get(user=clinician).language == "it"
    assert "Lingua delle mie pagine e dei PDF" in response.content.decode()
    assert AuditEvent.objects.filter(action="account.language_set").count() == 1
    client.post(url, {"language": ""})
    home = client.get(reverse("questionnaires:clinic-home"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in home.content.decode()


def test_an_unknown_language_is_refused(client: Client, clinician: User) -> None:
    client.force_login(clinician)
    response = client.post(reverse("account-language"), {"language": "xx"})
    assert response.status_code == 200
    assert not StaffProfile.objects.filter(user=clinician).exists()


def _result_page(client: Client, screening_pk: int) -> str:
    url = reverse("questionnaires:screening-result", kwargs={"pk": screening_pk})
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def _family_language_chosen(page: str) -> list[str]:
    start = page.index('id="family-download"')
    form = page[start : page.index("</form>", start)]
    return re.findall(r'<option value="(\w+)" lang="\w+" selected>', form)


@pytest.fixture
def full_screening(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> Screening:
    return _full_screening(clinician, patient, protocols)


def test_the_family_summary_defaults_to_the_language_the_family_answered_in(
    japanese_clinician: Client,
    full_screening: Screening,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
) -> None:
    screening = full_screening
    screening.parts.filter(role="informant").update(language="it")
    assert _family_language_chosen(_result_page(japanese_clinician, screening.pk)) == [
        "it"
    ]
    # No family answers yet: the clinician's own language.
    waiting = self_and_family_screening(
        patient=patient, by=clinician, protocols=protocols
    )
    own = waiting.parts.get(role="self")
    screening_services.answers_save(
        part=own, answers={"withdrawal": {"months_withdrawn": 7.0}}
    )
    screening_services.part_submit(part=own)
    page = _result_page(japanese_clinician, waiting.pk)
    assert _family_language_chosen(page) == ["ja"]


def test_japanese_pages_write_lists_and_cutoff_sources_the_japanese_way(
    japanese_clinician: Client, full_screening: Screening
) -> None:
    page = _result_page(japanese_clinician, full_screening.pk)
    # The cut-off's published source is a citation in English, marked as such.
    assert re.search(
        r'カットオフの出典： <span lang="en">[^<]*(Kroenke|Richardson)', page
    )
    # The respondents' instruments, one list with the ideographic comma.
    assert re.search(r"第\d+版、", page)
    assert not re.search(r"第\d+版, ", page)


def test_the_result_page_and_pdf_name_the_instruments_in_the_clinicians_language(
    japanese_clinician: Client, full_screening: Screening
) -> None:
    screening = full_screening
    page = reverse("questionnaires:screening-result", kwargs={"pk": screening.pk})
    text = japanese_clinician.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "こころとからだの質問票（PHQ-9）" in text
    assert "Patient Health Questionnaire" not in text
    kwargs = {"pk": screening.pk, "audience": "clinician"}
    report = reverse("questionnaires:screening-report", kwargs=kwargs)
    pdf = _pdf_text(japanese_clinician.get(report).content)
    assert "こころとからだの質問票（PHQ-9）" in pdf
    assert "自殺リスクのスクリーニング質問（ASQ）" in pdf
    italian = _pdf_text(japanese_clinician.get(report, {"lang": "it"}).content)
    assert "Questionariosullasalutedelpaziente,9item(PHQ-9)" in italian
    assert "Domandediscreeningdelrischiodisuicidio(ASQ)" in italian
