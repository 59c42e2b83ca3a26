"""The pages anyone can open, as a browser sees them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_start_page_explains_what_hikiscreen_is_on_a_phone(
    visitor_factory: Any,
) -> None:
    visitor = visitor_factory(viewport=PHONE)
    visitor.goto("/")
    assert visitor.page.locator("html").get_attribute("lang") == "en"
    assert "not a diagnosis" in visitor.page.inner_text("main")
    # Nothing overflows sideways on a phone.
    width = visitor.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(
    visitor_factory: Any,
) -> None:
    visitor = visitor_factory()
    visitor.goto("/")
    page = visitor.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_clinician_signs_in_with_the_keyboard_only(
    visitor_factory: Any, clinician: User
) -> None:
    visitor = visitor_factory()
    visitor.goto("/accounts/login/")
    page = visitor.page
    # The username field has the focus when the page opens.
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type(clinician.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/clinic/")
    visitor.check("clinic-home")
    assert "Clinic A" in page.inner_text("main")
    assert visitor.csp_errors == []
