"""The clinician journey in Japanese and Italian, on a desktop and a phone.

A clinician whose profile says Japanese (or Italian) signs in from an English
browser and sees every page of the journey in that language: patient list, start,
screening, result, criteria and exports. axe-core checks each page; the
screenshots (out/screenshots/lang-*) are for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from questionnaires.models import Patient, Protocol
from questionnaires.services import profiles
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.steps import no_sideways_scroll, sign_in
from tests.factories import CLINICIAN, FAMILY, SELF, start_screening
from tests.views.test_clinician_pages import _full_screening

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]

# A word each page shows in the clinician's language, and never in English.
EXPECTED = {
    "ja": {
        "patients": "患者を追加",
        "result": "スクリーニング結果",
        "start": "安全確認",
    },
    "it": {
        "patients": "Aggiungi un paziente",
        "result": "Risultato dello screening",
        "start": "Domande sulla sicurezza",
    },
}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
@pytest.mark.parametrize("lang", ["ja", "it"])
def test_the_clinician_journey_is_in_the_clinicians_language(
    visitor_factory: Any,
    clinician: User,
    patient: Patient,
    lang: str,
    viewport: dict[str, int],
) -> None:
    profiles.staff_language_set(user=clinician, language=lang)
    protocols = {c: Protocol.objects.get(code=c) for c in (SELF, FAMILY, CLINICIAN)}
    screening = _full_screening(clinician, patient, protocols)
    to_rate = start_screening(
        patient=patient,
        by=clinician,
        parts=[("clinician", protocols[CLINICIAN], "clinician")],
    )
    visitor = visitor_factory(
        viewport=viewport, prefix=f"lang-{lang}-{viewport['width']}"
    )
    page = visitor.page
    sign_in(visitor, clinician)
    assert page.locator("html").get_attribute("lang") == lang
    words = EXPECTED[lang]
    for name, url, word in (
        (
            "patients",
            reverse("questionnaires:patient-list", args=["clinic-a"]),
            words["patients"],
        ),
        ("patient", reverse("questionnaires:patient-detail", args=[patient.pk]), None),
        (
            "start",
            reverse("questionnaires:screening-start", args=[patient.pk]),
            words["start"],
        ),
        (
            "screening",
            reverse("questionnaires:screening-detail", args=[screening.pk]),
            None,
        ),
        (
            "result",
            reverse("questionnaires:screening-result", args=[screening.pk]),
            words["result"],
        ),
        (
            "criteria",
            reverse("questionnaires:screening-criteria", args=[to_rate.pk]),
            None,
        ),
        (
            "exports",
            reverse("questionnaires:organisation-export", args=["clinic-a"]),
            None,
        ),
        ("language", reverse("account-language"), None),
    ):
        visitor.goto(url)
        body = page.locator("main").inner_text()
        if word:
            assert word in body, (name, body[:300])
        assert page.locator("html").get_attribute("lang") == lang
        no_sideways_scroll(page)
    assert visitor.csp_errors == []
