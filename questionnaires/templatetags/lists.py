"""Lists written the way the page's language writes them.

``{{ names|as_list }}`` gives "a, b" in English and Italian and "a、b" in Japanese;
``as_long_list`` separates longer items ("a; b", "a；b"). The separators are gettext
messages (``questionnaires.reports.texts``), so translators own them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from questionnaires.reports import texts

register = template.Library()


@register.filter
def as_list(items: Iterable[object]) -> str:
    """The items joined with the active language's list separator."""
    return texts.join(items)


@register.filter
def as_long_list(items: Iterable[object]) -> str:
    """The items joined with the separator for longer items."""
    return texts.join(items, long=True)
