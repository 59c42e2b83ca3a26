"""Crisis help at once: choosing a positive answer to PHQ-9 item 9 shows the crisis
box next to the question on the same page, with tap-to-call numbers, announced and
without moving the focus; without JavaScript it comes on the next page (issue 17)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires.models import Patient
from tests.browser.steps import SELF_ANSWERS, fill, invite, open_link

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]

ITEM_9 = "Thoughts that you would be better off dead"


def _at_phq9(visitor: Any, token: str) -> Any:
    page = visitor.page
    open_link(visitor, f"/r/{token}/", "start")
    page.get_by_role("link", name="Continue where you left off").click()
    page.wait_for_url("**/page/5/")
    return page


def test_item_9_shows_the_crisis_box_on_the_same_page_with_tel_links(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    earlier = {"withdrawal": SELF_ANSWERS["withdrawal"]}
    _, token = invite(patient, clinician, answered=earlier, resume_at=5)
    visitor = visitor_factory(prefix="crisis-at-once")
    page = _at_phq9(visitor, token)
    assert page.locator("#crisis").count() == 0
    url = page.url
    fill(page, SELF_ANSWERS)
    choice = page.get_by_role("group", name=ITEM_9).get_by_label("Several days")
    choice.check()
    crisis = page.locator("#crisis")
    crisis.wait_for()
    assert page.url == url  # no reload, no navigation
    assert crisis.get_attribute("role") == "alert"  # announced by screen readers
    # Right after the question, not at the top of the page.
    follows = page.evaluate(
        "() => document.querySelector('#crisis').previousElementSibling"
        ".contains(document.activeElement)"
    )
    assert follows  # the box sits after the question, which keeps the focus
    tel = crisis.locator('a[href^="tel:"]')
    assert tel.count() >= 3
    hrefs = [tel.nth(n).get_attribute("href") for n in range(tel.count())]
    assert "tel:116123" in hrefs
    visitor.check("phq9-item-9-chosen")
    assert visitor.csp_errors == []


def test_a_no_to_item_9_shows_no_crisis_box(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    earlier = {"withdrawal": SELF_ANSWERS["withdrawal"]}
    _, token = invite(patient, clinician, answered=earlier, resume_at=5)
    visitor = visitor_factory(prefix="crisis-none")
    page = _at_phq9(visitor, token)
    fill(page, SELF_ANSWERS)  # item 9: "Not at all"
    page.get_by_role("group", name=ITEM_9).get_by_label("Not at all").check()
    page.get_by_role("group", name=ITEM_9).get_by_label("Not at all").press("Tab")
    assert page.locator("#crisis").count() == 0


def test_without_javascript_the_crisis_box_comes_on_the_next_page(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    earlier = {"withdrawal": SELF_ANSWERS["withdrawal"]}
    _, token = invite(patient, clinician, answered=earlier, resume_at=5)
    visitor = visitor_factory(prefix="crisis-no-js", java_script_enabled=False)
    page = visitor.page
    page.goto(visitor.base_url + f"/r/{token}/page/5/")
    fill(page, SELF_ANSWERS)
    page.get_by_role("group", name=ITEM_9).get_by_label("Several days").check()
    assert page.locator("#crisis").count() == 0
    page.locator("#next-button").click()
    page.wait_for_url("**/page/6/")
    crisis = page.locator("#crisis")
    assert crisis.count() == 1
    assert crisis.locator('a[href^="tel:"]').count() >= 3
