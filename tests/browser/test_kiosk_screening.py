"""A clinician screens a new patient on the clinic tablet and reads the result."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires.models import Patient, ScreeningPart
from tests.browser.steps import (
    SELF_ANSWERS,
    answer_until_review,
    sign_in,
    submit_review,
)
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]


def test_clinician_hands_the_tablet_over_and_reads_the_result(
    visitor_factory: Any, clinician: User
) -> None:
    visitor = visitor_factory(prefix="kiosk")
    page = visitor.page
    sign_in(visitor, clinician)

    # A new patient: a code and a birth year, no name.
    page.get_by_role("link", name="Clinic A").click()
    visitor.check("patients")
    page.get_by_role("link", name="Add a patient").click()
    visitor.check("patient-new")
    page.locator("#id_code").fill("A-123")
    page.get_by_label("Birth year").fill("2007")
    page.get_by_role("button", name="Add patient").click()
    page.wait_for_url("**/patients/*/")
    visitor.check("patient")
    assert Patient.objects.get().code == "A-123"

    # A screening with only the self-report, answered on this device.
    page.get_by_role("link", name="Start a screening").click()
    visitor.check("screening-new")
    page.get_by_role("group", name="How does the patient answer?").get_by_label(
        "On this device, now (hand it over)"
    ).check()
    page.get_by_label("No family report this time").check()
    page.get_by_label("Not this time").check()
    page.get_by_role("button", name="Start screening").click()
    page.wait_for_url("**/screenings/*/")
    visitor.check("screening")
    page.get_by_role("button", name="Hand over this device").click()
    page.wait_for_url("**/r/*/")
    visitor.check("kiosk-start")

    # The tablet shows the questionnaire and nothing of the clinic.
    header = page.locator("header").inner_text()
    assert "A-123" not in page.content()
    assert "Sign out" not in header
    assert "My clinics" not in header
    assert "Save and finish later" not in page.content()
    page.get_by_role("link", name="Start").click()
    visitor.check("kiosk-page-1")
    headings = answer_until_review(visitor, SELF_ANSWERS, label="kiosk-page")
    assert len(headings) == 7
    assert "PHQ-9" in " ".join(headings) or "Patient Health" in " ".join(headings)
    review = page.locator("main").inner_text()
    assert "Not answered" not in review
    assert "03:30" in review
    submit_review(visitor, label="kiosk-hand-back")

    # The hand-back page reveals nothing: no answers, no result, no way in.
    text = page.locator("body").inner_text()
    assert "Please hand the device back" in text
    for secret in ("A-123", "PHQ", "GAD", "Outcome", "score", "Clinic A"):
        assert secret not in text
    assert page.get_by_role("link").count() == 2  # skip link and "Clinician: continue"
    page.goto(visitor.base_url + f"/patients/{Patient.objects.get().pk}/")
    assert "/accounts/login/" in page.url  # the clinician was signed out
    visitor.check("signed-out")
    page.go_back()
    visitor.check("hand-back-again")

    # The clinician takes the device back with their password.
    page.get_by_role("link", name="Clinician: continue").click()
    visitor.check("kiosk-return")
    page.get_by_label("Clinician password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/screenings/*/")
    visitor.check("screening-after")
    part = ScreeningPart.objects.get()
    assert part.is_submitted
    page.locator("#open-result").click()
    page.wait_for_url("**/result/")
    visitor.check("result")

    main = page.locator("main")
    headings_in_order = main.locator("h2").all_inner_texts()
    assert headings_in_order[0].startswith("Outcome")  # no urgent flag here
    assert "not a diagnosis" in main.inner_text()
    assert page.get_by_role("heading", name="Criteria").is_visible()
    criteria = page.locator('table[aria-describedby="criteria-heading"]').inner_text()
    assert "Duration" in criteria or "months" in criteria
    scores = main.inner_text()
    for instrument in ("PHQ-9", "GAD-7", "ASQ"):
        assert instrument in scores
    assert visitor.csp_errors == []
