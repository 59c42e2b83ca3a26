"""A parent does the anonymous family self-check from the public start page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import (
    FAMILY_ANSWERS,
    answer_until_review,
    fill,
    next_page,
    submit_review,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]


def test_family_self_check_with_resume_code_gives_a_plain_summary_and_its_pdf(
    visitor_factory: Any,
) -> None:
    first = visitor = visitor_factory(viewport=PHONE, prefix="family")
    page = visitor.page
    visitor.goto("/")
    page.get_by_role("link", name="Start the family self-check").click()
    page.wait_for_url("**/family/")
    visitor.check("family-start")
    assert "not a diagnosis" in page.locator("main").inner_text()
    page.get_by_label("How old is your young person?").fill("17")
    page.get_by_label("I understand that this is a screening").check()
    page.get_by_role("button", name="Start the self-check").click()
    page.wait_for_url("**/r/*/")
    visitor.check("start")

    # The resume code is shown before the first question, to write down.
    code = page.locator("#resume-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code), code
    assert code in page.locator("header").inner_text()
    page.get_by_role("link", name="Start").click()
    visitor.check("page-1")
    fill(page, FAMILY_ANSWERS)
    next_page(visitor, "page-2")

    # On another device the resume code opens the same check, answers kept.
    visitor = visitor_factory(viewport=PHONE, prefix="family-resume")
    page = visitor.page
    visitor.goto("/family/resume/")
    page.get_by_label("Your resume code").fill(code.lower())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/r/*/")
    visitor.check("start")
    page.get_by_role("link", name="Continue where you left off").click()
    page.wait_for_url("**/page/2/")
    visitor.check("page-2")
    page.get_by_role("button", name="Back").click()
    page.wait_for_url("**/page/1/")
    visitor.check("page-1")
    assert page.get_by_label("Mother").is_checked()
    next_page(visitor, "page-2-again")
    answer_until_review(visitor, FAMILY_ANSWERS, label="page")
    submit_review(visitor, label="summary")

    main = page.locator("main")
    text = main.inner_text()
    # Sent to no one: the page is the summary itself.
    assert "Here is your summary" in page.locator("h1").inner_text()
    assert "not a diagnosis" in text
    assert page.get_by_role("heading", name="What is kept").is_visible()
    for heading in main.locator("h2").all_inner_texts():
        assert "diagnos" not in heading.lower() or "not" in heading.lower()

    download = page.get_by_role("link", name="Download the summary (PDF)")
    response = page.request.get(visitor.base_url + download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    assert first.csp_errors == visitor.csp_errors == []
