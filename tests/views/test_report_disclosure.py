"""Disclosure under the clinician's control, and each respondent's own summary.

The family summary a clinician downloads holds the family's own answers; the young
person's own answers reach it only when the clinician ticks the visible choice for
that download, and the audit trail records what was shared. A respondent's own
invitation link gives that respondent's own summary, never another's (issue 16).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import AuditEvent, Organisation, Screening
from questionnaires.reports import texts
from questionnaires.services import invitations
from tests.factories import patient_of, submitted_self_and_family

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is not installed"
    out = subprocess.run(
        [tool, "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.sub(r"\s+", " ", out)


def _screening(clinician: User, clinic: Organisation, protocols: Any, age: int):
    """The young person says yes to ASQ 1 and 12 months; the parent says 2 months
    and nothing about self-harm."""
    patient = patient_of(clinic, birth_year=timezone.localdate().year - age)
    return submitted_self_and_family(
        patient=patient,
        by=clinician,
        protocols=protocols,
        own={
            "withdrawal": {"months_withdrawn": 12.0, "days_out_per_week": 0},
            "asq": {"asq_1": 1, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 0},
            "phq9": {f"phq9_{n}": 2 for n in range(1, 10)},
        },
        family={
            "withdrawal_family": {
                "months_withdrawn": 2.0,
                "days_out_per_week": 5,
                "fam_self_harm_talk": 0,
                "fam_safety_now": 0,
                "fam_conflict": 0,
            }
        },
    )


@pytest.fixture
def signed_in(client: Client, clinician: User) -> Client:
    client.force_login(clinician)
    return client


def _family_pdf(client: Client, screening: Screening, **params: Any) -> str:
    url = reverse(
        "questionnaires:screening-report",
        kwargs={"pk": screening.pk, "audience": "family"},
    )
    response = client.get(url, {"lang": "en", **params})
    assert response.status_code == 200
    return pdf_text(response.content)


def test_family_download_shares_nothing_by_default_and_records_so(
    signed_in: Client, clinician: User, clinic_a: Organisation, protocols: Any
) -> None:
    screening = _screening(clinician, clinic_a, protocols, age=15)
    text = _family_pdf(signed_in, screening)
    assert "about 2 months" in text  # the parent's own answer
    assert "about 12 months" not in text
    for key in ("fam.shared.title", "fam.flag.suicide_risk", "fam.flag.depression"):
        assert texts.text(key, "en") not in text, key
    event = AuditEvent.objects.get(action="report.download")
    assert event.details["audience"] == "family"
    assert event.details["shared"] == []


def test_family_download_with_the_safety_choice_shares_it_and_records_it(
    signed_in: Client, clinician: User, clinic_a: Organisation, protocols: Any
) -> None:
    screening = _screening(clinician, clinic_a, protocols, age=15)
    text = _family_pdf(signed_in, screening, share="safety")
    assert texts.text("fam.shared.title", "en") in text
    assert texts.text("fam.shared.safety", "en") in text
    assert texts.text("fam.flag.depression", "en") not in text
    event = AuditEvent.objects.get(action="report.download")
    assert event.details["shared"] == ["safety"]


def test_an_unknown_share_choice_shares_nothing(
    signed_in: Client, clinician: User, clinic_a: Organisation, protocols: Any
) -> None:
    screening = _screening(clinician, clinic_a, protocols, age=15)
    text = _family_pdf(signed_in, screening, share="everything")
    assert texts.text("fam.shared.title", "en") not in text
    assert AuditEvent.objects.get(action="report.download").details["shared"] == []


@pytest.mark.parametrize(
    ("age", "advice"),
    [(15, "Suggested: the young person is under 18"), (20, "their choice")],
)
def test_result_page_offers_the_choice_unticked_with_advice_by_age(
    signed_in: Client,
    clinician: User,
    clinic_a: Organisation,
    protocols: Any,
    age: int,
    advice: str,
) -> None:
    screening = _screening(clinician, clinic_a, protocols, age=age)
    url = reverse("questionnaires:screening-result", kwargs={"pk": screening.pk})
    page = signed_in.get(url).content.decode()
    box = re.search(r'<input[^>]*id="share-safety"[^>]*>', page)
    assert box is not None
    assert "checked" not in box.group(0)
    assert advice in page


def test_each_respondents_own_link_gives_their_own_summary(
    client: Client, clinician: User, clinic_a: Organisation, protocols: Any
) -> None:
    screening = _screening(clinician, clinic_a, protocols, age=15)
    tokens = {
        part.role: invitations.invitation_create(part=part, by=clinician).token
        for part in screening.parts.all()
    }
    family = client.get(
        reverse("questionnaires:respond-report", kwargs={"token": tokens["informant"]})
    )
    own = client.get(
        reverse("questionnaires:respond-report", kwargs={"token": tokens["self"]})
    )
    family_text, own_text = pdf_text(family.content), pdf_text(own.content)
    assert "about 2 months" in family_text
    assert "about 12 months" not in family_text
    assert texts.text("fam.urgent.title", "en") not in family_text
    assert "from your own answers" in own_text
    assert "about 12 months" in own_text
    assert "your young person" not in own_text


def test_criteria_form_shows_the_young_persons_and_the_familys_answers(
    signed_in: Client, clinician: User, clinic_a: Organisation, protocols: Any
) -> None:
    from questionnaires.services import screenings as services
    from tests.factories import CLINICIAN, FAMILY, SELF, start_screening

    patient = patient_of(clinic_a)
    screening = start_screening(
        patient=patient,
        by=clinician,
        parts=[
            ("self", protocols[SELF], "link"),
            ("informant", protocols[FAMILY], "link"),
            ("clinician", protocols[CLINICIAN], "clinician"),
        ],
    )
    services.answers_save(
        part=screening.parts.get(role="self"),
        answers={"withdrawal": {"months_withdrawn": 12.0, "days_out_per_week": 0}},
    )
    services.answers_save(
        part=screening.parts.get(role="informant"),
        answers={"withdrawal_family": {"months_withdrawn": 2.0}},
    )
    url = reverse("questionnaires:screening-criteria", kwargs={"pk": screening.pk})
    page = re.sub(r"\s+", " ", signed_in.get(url).content.decode())
    assert "Young person: 12 · Family: 2" in page
    assert "Young person: 0 · Family: not answered" in page


def test_a_rescreen_shows_the_trend_of_earlier_screenings(
    signed_in: Client, clinician: User, clinic_a: Organisation, protocols: Any
) -> None:
    first = _screening(clinician, clinic_a, protocols, age=15)
    second = submitted_self_and_family(
        patient=first.patient,
        by=clinician,
        protocols=protocols,
        own={"withdrawal": {"months_withdrawn": 14.0, "days_out_per_week": 0}},
        family={"withdrawal_family": {"months_withdrawn": 3.0}},
    )
    url = reverse("questionnaires:screening-result", kwargs={"pk": second.pk})
    page = re.sub(r"\s+", " ", signed_in.get(url).content.decode())
    assert "Earlier screenings" in page
    category = first.result["outcome"]["category"]
    assert texts.text(f"category.{category}", "en") in page
    phq9 = first.result["instruments"]["phq9"]["total"]
    assert f"PHQ-9 {phq9}" in page
    report = signed_in.get(
        reverse(
            "questionnaires:screening-report",
            kwargs={"pk": second.pk, "audience": "clinician"},
        )
    )
    assert "Earlier screenings" in pdf_text(report.content)
    assert f"PHQ-9 {phq9}" in pdf_text(report.content)
    # The first screening has no earlier one.
    url = reverse("questionnaires:screening-result", kwargs={"pk": first.pk})
    assert "Earlier screenings" not in signed_in.get(url).content.decode()


def test_family_self_check_page_gives_home_safety_advice_not_stay_with_them(
    client: Client, protocols: Any
) -> None:
    started = client.post("/family/", {"age": "16", "agree": "on"})
    token = started["Location"].split("/r/")[1].strip("/")
    answers = {
        "withdrawal_family-months_withdrawn": "1",
        "withdrawal_family-days_out_per_week": "5",
        "withdrawal_family-fam_safety_now": "1",
        "withdrawal_family-fam_self_harm_talk": "0",
        "withdrawal_family-fam_conflict": "0",
        "action": "save",
    }
    for number in range(1, 9):
        page = reverse(
            "questionnaires:respond-page", kwargs={"token": token, "number": number}
        )
        client.post(page, answers)
    client.post(reverse("questionnaires:respond-submit", kwargs={"token": token}))
    done = re.sub(
        r"\s+",
        " ",
        client.get(
            reverse("questionnaires:respond-done", kwargs={"token": token})
        ).content.decode(),
    )
    assert texts.text("fam.safety.title", "en").replace("'", "&#x27;") in done
    assert "0808 2000 247" in done
    assert "stay with them" not in done
    assert texts.text("fam.why.negative", "en") not in done
