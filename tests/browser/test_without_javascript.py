"""Every respondent page works without JavaScript; the scripts only add comfort."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires.models import Answer, Patient
from tests.browser.conftest import screenshot
from tests.browser.steps import SELF_ANSWERS, invite

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]


class Checker:
    """Checks what a page without JavaScript shows.

    axe-core is itself a script, so it reads a copy of the page's HTML in a second,
    scripted page of the same site; the screenshot is of the page without scripts.
    """

    def __init__(self, page: Any, mirror: Any) -> None:
        self.page = page
        self.mirror = mirror
        mirror.page.goto(mirror.base_url + "/")

    def check(self, label: str) -> None:
        self.mirror.page.set_content(self.page.content())
        self.mirror.check(label)
        screenshot(self.page, f"no-js-{label}")


def test_a_section_with_branching_is_answered_without_javascript(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    earlier = {k: v for k, v in SELF_ANSWERS.items() if k != "asq"}
    part, token = invite(patient, clinician, answered=earlier, resume_at=7)
    page = visitor_factory(java_script_enabled=False).page
    visitor = Checker(page, visitor_factory(prefix="no-js-axe"))
    page.goto(visitor.mirror.base_url + f"/r/{token}/")
    visitor.check("start")
    page.get_by_role("link", name="Continue where you left off").click()
    page.wait_for_url("**/page/7/")
    visitor.check("asq")
    # The follow-up question is hidden until an answer calls for it.
    right_now = page.locator("#div_id_asq-asq_5")
    assert not right_now.is_visible()
    for number, answer in ((1, "Yes"), (2, "No"), (3, "No"), (4, "No")):
        page.locator(f"#div_id_asq-asq_{number}").get_by_label(answer).check()
    page.get_by_role("button", name="Review answers").click()
    page.wait_for_url("**/page/7/")
    visitor.check("asq-follow-up")
    # Without the script the server shows it, asks for it, and shows crisis help.
    assert right_now.is_visible()
    assert "Please answer this question" in right_now.inner_text()
    assert page.locator("#crisis").is_visible()
    assert page.locator("#div_id_asq-asq_1").get_by_label("Yes").is_checked()
    right_now.get_by_label("No").check()
    page.get_by_role("button", name="Review answers").click()
    page.wait_for_url("**/review/")
    visitor.check("review")
    saved = dict(
        Answer.objects.filter(part=part, item_code__startswith="asq").values_list(
            "item_code", "value"
        )
    )
    assert saved == {"asq_1": 1, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 0}
    assert visitor.mirror.csp_errors == []
