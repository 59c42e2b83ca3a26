"""The respondent pages on the narrowest phones (WCAG 1.4.10, reflow at 320 px)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires.models import Patient
from tests.browser.steps import SELF_ANSWERS, invite, no_sideways_scroll, open_link

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]

NARROW = {"width": 320, "height": 640}


def test_respondent_pages_need_no_sideways_scrolling_at_320_px(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    _, token = invite(patient, clinician, answered=SELF_ANSWERS, resume_at=7)
    visitor = visitor_factory(viewport=NARROW, prefix="narrow")
    page = visitor.page
    for path, label in (
        (f"/r/{token}/", "start"),
        (f"/r/{token}/page/1/", "page-1"),
        (f"/r/{token}/page/3/", "page-3"),
        (f"/r/{token}/page/5/", "page-5"),
        (f"/r/{token}/review/", "review"),
    ):
        open_link(visitor, path, label)
        no_sideways_scroll(page)
    # An error summary and a long error message also fit.
    open_link(visitor, f"/r/{token}/page/1/", "page-1-again")
    page.locator("#id_withdrawal-months_withdrawn").fill("")
    page.locator("#next-button").click()
    page.wait_for_selector("#error-summary")
    visitor.check("page-1-error")
    no_sideways_scroll(page)
    assert visitor.csp_errors == []
