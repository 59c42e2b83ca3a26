"""An admin publishes a draft: refused with the problem beside its field, fixed on
the form, then confirmed on a page that shows what will be frozen."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires.models import InstrumentVersion
from tests.bank.factories import demo_version
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD
from tests.factories import load_protocols

pytestmark = pytest.mark.django_db(transaction=True)


def look(page: Any, name: str) -> None:
    """A screenshot without the axe check: Django's own admin inlines label their
    checkboxes by title only (axe label-title-only), which is not ours to change."""
    screenshot(page, f"admin-publish-{name}")


def test_admin_sees_the_refusal_on_the_form_then_confirms_and_publishes(
    visitor_factory: Any, admin_user: User, settings: Any
) -> None:
    settings.REQUIRE_STAFF_2FA = False
    draft = demo_version(publish=False)
    draft.scoring["bands"][1]["max"] = 30  # a 0-6 total: "severe" up to 30
    draft.save()
    visitor = visitor_factory(prefix="admin-publish")
    page = visitor.page

    visitor.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username:").fill(admin_user.username)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    page.goto(
        f"{visitor.base_url}/admin/questionnaires/instrumentversion/{draft.pk}/change/"
    )
    page.get_by_role("link", name="Publish…").click()
    page.wait_for_selector("#publish-refused")
    look(page, "refused-on-the-form")

    error = page.locator(".field-scoring .errorlist").inner_text()
    assert error == "Band high runs 3–30, but the total can only be 0–6."
    scoring = json.loads(page.locator("textarea[name=scoring]").input_value())
    scoring["bands"][1]["max"] = 6
    page.locator("textarea[name=scoring]").fill(json.dumps(scoring))
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_selector(".messagelist .success")
    page.get_by_role("link", name="Publish…").click()
    page.wait_for_selector("#frozen-summary")
    look(page, "confirmation")

    assert "low 0–2; high 3–6" in page.locator("#frozen-summary").inner_text()
    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.DRAFT
    page.get_by_role("button", name="Publish and freeze").click()
    page.wait_for_selector(".messagelist .success")
    look(page, "published")

    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.PUBLISHED
    assert draft.document is not None
    assert draft.document["scoring"]["bands"][1]["max"] == 6


def test_admin_pastes_hq25_checks_it_beside_the_codes_and_publishes_it(
    visitor_factory: Any, admin_user: User, settings: Any
) -> None:
    settings.REQUIRE_STAFF_2FA = False
    load_protocols("self_report_screen")
    hq25 = InstrumentVersion.objects.get(instrument__code="hq25")
    visitor = visitor_factory(prefix="admin-hq25")
    page = visitor.page
    page.goto(f"{visitor.base_url}/admin/login/?next=/admin/")
    page.get_by_label("Username:").fill(admin_user.username)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

    page.goto(
        f"{visitor.base_url}/admin/questionnaires/instrumentversion/{hq25.pk}/change/"
    )
    page.get_by_role("link", name="Enter licensed text (paste or CSV)").click()
    page.get_by_label("Items, one per line, in order").fill(
        "\n".join(f"{n}. Placeholder statement {n}." for n in range(1, 26))
    )
    page.get_by_label("Answer labels, one per line, in value order").fill(
        "\n".join(f"Placeholder answer {v}" for v in range(5))
    )
    page.get_by_role("button", name="Show beside the codes").click()
    page.wait_for_selector("#licensed-rows .reverse-item")
    screenshot(page, "admin-hq25-preview")

    row4 = page.locator("#licensed-rows tr", has_text="hq25_4").inner_text()
    assert "reversed: 4 − answer" in row4
    assert "Placeholder statement 4." in row4
    page.get_by_label("Our organisation holds the licence for this text").check()
    page.get_by_label("The citation above is shown with the text").check()
    page.get_by_role("button", name="Publish the text").click()
    page.wait_for_selector(".messagelist .success")
    screenshot(page, "admin-hq25-published")

    messages = page.locator(".messagelist").inner_text()
    assert "Protocol published with it: Self-report screen v1." in messages
    hq25.refresh_from_db()
    assert not hq25.needs_licensed_text
