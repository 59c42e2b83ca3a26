"""Unselected radio buttons and checkboxes have an outline of at least 3:1 against
what is around them (WCAG 1.4.11), measured on the rendered styles (issue 17)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires.models import Patient
from tests.browser.steps import invite

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_instruments"),
]

# The input's own border colour, and the first opaque background behind the input.
COLOURS = """(input) => {
  const border = getComputedStyle(input).borderTopColor;
  let node = input.parentElement, behind = "rgb(255, 255, 255)";
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    const clear = bg === "transparent" || /rgba\\(.*, 0\\)$/.test(bg);
    if (bg && !clear) { behind = bg; break; }
    node = node.parentElement;
  }
  return [border, behind, getComputedStyle(input).borderTopWidth];
}"""


def _rgba(css: str) -> tuple[float, float, float, float]:
    parts = [float(p) for p in re.findall(r"[\d.]+", css)]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def _over(top: str, bottom: str) -> tuple[float, float, float]:
    r, g, b, a = _rgba(top)
    br, bg, bb, _a = _rgba(bottom)
    return (r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a))


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(border: str, behind: str) -> float:
    """WCAG contrast ratio of a (possibly translucent) border over its background."""
    background = _rgba(behind)[:3]
    lighter, darker = sorted(
        (_luminance(_over(border, behind)), _luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_known_pairs() -> None:
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert round(contrast("rgba(0, 0, 0, 0.25)", "rgb(255, 255, 255)"), 1) == 1.8
    assert round(contrast("rgb(108, 117, 125)", "rgb(255, 255, 255)"), 1) == 4.7


def _check_unselected(page: Any, selector: str) -> None:
    inputs = page.locator(selector)
    assert inputs.count() > 0
    for n in range(min(inputs.count(), 6)):
        box = inputs.nth(n)
        assert not box.is_checked()
        border, behind, width = box.evaluate(COLOURS)
        assert float(width.rstrip("px")) >= 1
        ratio = contrast(border, behind)
        assert ratio >= 3, f"{selector} #{n}: {border} on {behind} is {ratio:.2f}:1"


def test_unselected_radio_buttons_have_a_3_to_1_outline(
    visitor_factory: Any, clinician: User, patient: Patient
) -> None:
    _, token = invite(patient, clinician)
    visitor = visitor_factory(prefix="outline")
    visitor.page.goto(visitor.base_url + f"/r/{token}/page/5/")
    _check_unselected(visitor.page, "input[type=radio]")


def test_unselected_checkboxes_have_a_3_to_1_outline(visitor_factory: Any) -> None:
    visitor = visitor_factory(prefix="outline-checkbox")
    visitor.page.goto(visitor.base_url + "/family/")
    _check_unselected(visitor.page, "input[type=checkbox]")
