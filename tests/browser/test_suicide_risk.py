"""A suicide-risk answer: crisis information at once, and an urgent screening."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires.models import Patient
from tests.browser.steps import (
    SELF_ANSWERS,
    answer_until_review,
    fill,
    invite,
    next_page,
    open_link,
    sign_in,
    submit_review,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]


def _crisis_comes_first(page: Any) -> None:
    crisis = page.locator("#crisis")
    assert crisis.get_attribute("role") == "alert"
    assert "danger" in crisis.get_by_role("heading").inner_text()
    assert crisis.get_by_role("listitem").count() >= 1  # whom to call
    # Nothing of the questionnaire comes before it, on screen or in reading order.
    first = page.evaluate(
        "document.querySelector('#main .col-lg-8').firstElementChild.id"
    )
    assert first == "crisis"
    crisis_box = crisis.bounding_box()
    heading_box = page.locator("h1").bounding_box()
    assert crisis_box is not None and heading_box is not None
    assert crisis_box["y"] < heading_box["y"]


def test_phq9_item_9_shows_crisis_help_at_once_and_marks_the_screening_urgent(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    # The patient answered the first four pages yesterday.
    earlier = {"withdrawal": SELF_ANSWERS["withdrawal"]}
    _, token = invite(patient, clinician, answered=earlier, resume_at=5)

    visitor = visitor_factory(prefix="crisis")
    page = visitor.page
    open_link(visitor, f"/r/{token}/", "start")
    page.get_by_role("link", name="Continue where you left off").click()
    page.wait_for_url("**/page/5/")
    visitor.check("phq9")
    assert page.locator("#crisis").count() == 0
    fill(page, SELF_ANSWERS)
    page.get_by_role(
        "group", name="Thoughts that you would be better off dead"
    ).get_by_label("More than half the days").check()
    next_page(visitor, "crisis-next-page")
    _crisis_comes_first(page)

    # The crisis help stays in view while the patient carries on, and at the end.
    answers = {**SELF_ANSWERS, "asq": {"asq_1": 1, "asq_2": 0, "asq_3": 0}}
    answers["asq"] = {**answers["asq"], "asq_4": 0, "asq_5": 0}
    answer_until_review(visitor, answers, label="after")
    _crisis_comes_first(page)
    submit_review(visitor, label="done")
    _crisis_comes_first(page)

    clinic = visitor_factory(prefix="crisis-clinician")
    page = clinic.page
    sign_in(clinic, clinician)
    page.get_by_role("link", name="Clinic A").click()
    clinic.check("patients")
    row = page.get_by_role("row").filter(has_text=patient.code)
    assert "Urgent" in row.inner_text()
    row.get_by_role("link", name=patient.code).click()
    clinic.check("patient")
    listed = page.get_by_role("listitem").filter(has_text="Urgent")
    assert listed.count() == 1
    listed.get_by_role("link", name="Result").click()
    page.wait_for_url("**/result/")
    clinic.check("result")
    first_heading = page.locator("main h2").first.inner_text()
    assert first_heading.startswith("⚠ Urgent") or first_heading.startswith("Urgent")
    assert "suicide" in first_heading.lower()
    assert visitor.csp_errors == clinic.csp_errors == []
