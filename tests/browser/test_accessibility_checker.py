"""The journeys' accessibility check itself: axe-core runs and fails the test."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import AxeViolation, check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

# An image without a text alternative and a field without a label: both are
# critical in axe-core, so a journey landing on such a page must fail.
BROKEN = """<!DOCTYPE html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1><img src="/static/none.png">
<form><input type="text" name="answer"></form></main></body></html>"""


def test_a_critical_violation_fails_the_check(visitor_factory: Any) -> None:
    visitor = visitor_factory()
    visitor.page.goto(visitor.base_url + "/")
    visitor.page.set_content(BROKEN)
    with pytest.raises(AxeViolation) as failure:
        check_accessibility(visitor.page, name="broken")
    assert "image-alt" in str(failure.value)
    assert "label" in str(failure.value)


def test_a_page_of_the_app_passes_the_same_check(visitor_factory: Any) -> None:
    visitor = visitor_factory()
    visitor.page.goto(visitor.base_url + "/")
    check_accessibility(visitor.page, name="start")  # raises on a violation
