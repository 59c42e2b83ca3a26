"""An Italian respondent whose browser speaks English types "2,5" months: the text
box takes it (a browser's number box would refuse it), the answer is kept as 2.5 and
comes back written "2,5"."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from questionnaires.models import Answer, Patient
from tests.browser.steps import invite, open_link

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]


def test_an_italian_respondent_types_a_decimal_comma(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    part, token = invite(patient, clinician)
    visitor = visitor_factory()  # the browser itself is set to en-GB
    page = visitor.page
    page.context.add_cookies(
        [
            {
                "name": settings.LANGUAGE_COOKIE_NAME,
                "value": "it",
                "url": visitor.base_url,
            }
        ]
    )
    open_link(visitor, f"/r/{token}/", "start")
    page.locator("#start-button").click()
    page.wait_for_url("**/page/1/")
    assert page.locator("html").get_attribute("lang") == "it"
    page.locator("#id_withdrawal-months_withdrawn").fill("2,5")
    page.locator("#id_withdrawal-days_out_per_week").fill("1")
    page.locator("#id_withdrawal-onset_age").fill("16")
    room = page.locator('[name="withdrawal-rarely_leaves_room"]')
    room.first.check()
    page.locator("#next-button").click()
    page.wait_for_load_state()
    page.wait_for_url("**/page/2/")
    stored = Answer.objects.get(part=part, item_code="months_withdrawn")
    assert stored.value == 2.5
    page.go_back()
    page.reload()
    assert page.locator("#id_withdrawal-months_withdrawn").input_value() == "2,5"
    visitor.check("page-1-again")
