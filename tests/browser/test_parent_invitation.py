"""A parent answers the clinic's invitation on a phone, in two sittings."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires.models import AuditEvent, Patient
from tests.browser.conftest import PHONE, check_accessibility
from tests.browser.steps import (
    FAMILY_ANSWERS,
    answer_until_review,
    fill,
    invite,
    next_page,
    no_sideways_scroll,
    open_link,
    page_number,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]


def test_parent_leaves_halfway_resumes_from_the_link_and_submits_once(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    part, token = invite(patient, clinician, protocol="family")
    link = f"/r/{token}/"

    first = visitor_factory(viewport=PHONE, prefix="parent")
    page = first.page
    open_link(first, link, "start")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Questions about your young person"
    )
    assert "not a diagnosis" in page.locator("main").inner_text()
    no_sideways_scroll(page)
    page.get_by_role("link", name="Start").click()
    first.check("page-1")
    for number in (1, 2):
        assert page_number(page) == (number, 6)
        fill(page, FAMILY_ANSWERS)
        next_page(first, f"page-{number + 1}")
    # Halfway through page 3 the parent closes the page.
    page.get_by_label(
        "How much does staying at home get in the way of their school or work?"
    ).fill("8")
    page.close()

    second = visitor_factory(viewport=PHONE, prefix="parent-again")
    page = second.page
    open_link(second, link, "start")
    page.get_by_role("link", name="Continue where you left off").click()
    page.wait_for_url(f"**{link}page/3/")
    second.check("page-3")
    # The pages answered before are kept.
    page.get_by_role("button", name="Back").click()
    page.wait_for_url(f"**{link}page/2/")
    second.check("page-2")
    months = page.locator('[name="withdrawal_family-months_withdrawn"]')
    assert months.input_value() == "10"
    room = page.get_by_role("group", name="Do they rarely leave their own room?")
    assert room.get_by_label("Yes").is_checked()
    next_page(second, "page-3-again")
    answer_until_review(second, FAMILY_ANSWERS, label="page")
    review = page.locator("main").inner_text()
    assert "Not answered" not in review
    assert "Mother" in review  # page 1, answered in the first sitting
    no_sideways_scroll(page)

    # The review page is still open in a second tab when the answers are sent.
    other_tab = page.context.new_page()
    other_tab.goto(page.url)
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/done/")
    second.check("done")
    assert "Your answers have been sent" in page.locator("h1").inner_text()
    part.refresh_from_db()
    submitted_at = part.submitted_at
    assert submitted_at is not None

    # A second submission from the old tab records nothing new.
    other_tab.get_by_role("button", name="Send my answers").click()
    other_tab.wait_for_url("**/done/")
    check_accessibility(other_tab, name="parent-other-tab-done")
    part.refresh_from_db()
    assert part.submitted_at == submitted_at
    assert AuditEvent.objects.filter(action="screening_part.submit").count() == 1

    # The link now only thanks; the questions cannot be opened or changed again.
    open_link(second, link, "link-again")
    assert page.url.endswith("/done/")
    assert page.get_by_role("link", name="Start").count() == 0
    page.goto(second.base_url + f"{link}page/3/")
    assert page.url.endswith("/done/")
    second.check("page-3-after-done")
    assert first.csp_errors == second.csp_errors == []
