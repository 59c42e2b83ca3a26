"""Crisis numbers become tap-to-call links; everything else stays escaped text."""

from __future__ import annotations

import pytest

from questionnaires.templatetags.crisis import tel_links


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("116 123", '<a class="alert-link" href="tel:116123">116 123</a>'),
        (
            "0120-279-338",
            '<a class="alert-link" href="tel:0120279338">0120-279-338</a>',
        ),
        (
            "call or text 988",
            'call or text <a class="alert-link" href="tel:988">988</a>',
        ),
        (
            "119（警察は110）",
            '<a class="alert-link" href="tel:119">119</a>（警察は'
            '<a class="alert-link" href="tel:110">110</a>）',
        ),
        ("<b>none</b>", "&lt;b&gt;none&lt;/b&gt;"),
    ],
)
def test_each_number_is_a_tel_link(text: str, html: str) -> None:
    assert tel_links(text) == html
