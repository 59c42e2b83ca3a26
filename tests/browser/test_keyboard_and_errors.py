"""A respondent who uses only the keyboard, and what a wrong answer looks like."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires.models import Answer, Patient
from tests.browser.steps import invite, open_link

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]


def focused(page: Any) -> str:
    """The id of the element that has the keyboard focus."""
    return str(page.evaluate("document.activeElement.id"))


def tab_to(page: Any, selector: str) -> None:
    """Press Tab until ``selector`` has the focus (it must be reachable)."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_a_section_is_answered_with_the_keyboard_only(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    part, token = invite(patient, clinician)
    visitor = visitor_factory(prefix="keyboard")
    page = visitor.page
    open_link(visitor, f"/r/{token}/", "start")
    tab_to(page, "#start-button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/page/1/")
    visitor.check("page-1")

    tab_to(page, "#id_withdrawal-months_withdrawn")
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    assert focused(page) == "id_withdrawal-days_out_per_week"
    page.keyboard.type("1")
    page.keyboard.press("Tab")  # into "Do you rarely leave your own room?"
    page.keyboard.press("Space")  # No
    page.keyboard.press("Tab")  # into "... usually with other people?"
    page.keyboard.press("Space")  # No ...
    page.keyboard.press("ArrowDown")  # ... then Yes
    page.keyboard.press("Tab")
    assert focused(page) == "id_withdrawal-onset_age"
    page.keyboard.type("16")
    visitor.check("page-1-answered")
    # Enter in a field means Next, as on any form.
    page.keyboard.press("Enter")
    page.wait_for_url("**/page/2/")
    visitor.check("page-2")
    saved = dict(Answer.objects.filter(part=part).values_list("item_code", "value"))
    assert saved == {
        "months_withdrawn": 8,
        "days_out_per_week": 1,
        "rarely_leaves_room": 0,
        "outings_with_people": 1,
        "onset_age": 16,
    }
    assert visitor.csp_errors == []


def test_a_wrong_answer_is_linked_from_the_error_summary_and_other_answers_stay(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    _, token = invite(patient, clinician)
    visitor = visitor_factory(prefix="error")
    page = visitor.page
    open_link(visitor, f"/r/{token}/page/2/", "page-2")
    impair = page.locator("#id_withdrawal-impair_school_work")
    impair.fill("11")
    page.locator("#id_withdrawal-impair_home").fill("5")
    page.locator("#id_withdrawal-impair_relationships").fill("6")
    page.locator('[name="withdrawal-distressed"][value="1"]').check()
    page.locator("#next-button").press("Enter")
    page.wait_for_url("**/page/2/")
    visitor.check("page-2-error")

    assert page.title().startswith("Error:")
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert focused(page) == "error-summary"  # read out first, and Tab starts here
    links = summary.get_by_role("link")
    assert links.count() == 1
    assert links.first.get_attribute("href") == "#id_withdrawal-impair_school_work"
    page.keyboard.press("Tab")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href == "#id_withdrawal-impair_school_work"
    page.keyboard.press("Enter")
    assert focused(page) == "id_withdrawal-impair_school_work"
    # The error is next to the field, and every answer given is still there.
    message = page.locator("#div_id_withdrawal-impair_school_work").inner_text()
    assert "10" in message
    assert "Please answer" not in message  # one problem at a time
    assert impair.input_value() == "11"
    assert page.locator("#id_withdrawal-impair_home").input_value() == "5"
    assert page.locator("#id_withdrawal-impair_relationships").input_value() == "6"
    assert page.locator('[name="withdrawal-distressed"][value="1"]').is_checked()

    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    page.wait_for_url("**/page/3/")
    visitor.check("page-3")
    assert visitor.csp_errors == []
