"""``tel_links``: the phone numbers in a crisis contact's text as tap-to-call links."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Digit groups joined by single spaces or hyphens: "116 123", "0120-279-338", "988".
NUMBER = re.compile(r"\+?\d+(?:[ -]\d+)*")


@register.filter
def tel_links(text: str) -> SafeString:
    """Escape ``text`` and make each phone number in it a ``tel:`` link."""
    pieces: list[str] = []
    end = 0
    for match in NUMBER.finditer(text):
        pieces.append(conditional_escape(text[end : match.start()]))
        number = match.group()
        digits = ("+" if number.startswith("+") else "") + re.sub(r"\D", "", number)
        pieces.append(
            format_html('<a class="alert-link" href="tel:{}">{}</a>', digits, number)
        )
        end = match.end()
    pieces.append(conditional_escape(text[end:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece escaped above)
