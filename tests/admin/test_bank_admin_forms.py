"""The bank admin's trial pages as a browser parses them: one form, button inside."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.bank.factories import demo_version
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    """Counts forms opened inside another form, and fields and buttons outside any."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.nested = 0
        self.orphans: list[str] = []
        self.inside: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "form":
            self.nested += self.depth > 0
            self.depth += 1
        elif tag in ("input", "button", "select", "textarea") and "form" not in named:
            label = str(named.get("name") or named.get("type") or tag)
            (self.inside if self.depth else self.orphans).append(label)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.depth = max(self.depth - 1, 0)


def _parsed(html: str) -> Forms:
    main = html[html.index("<main") : html.index("</main>")]
    parser = Forms()
    parser.feed(main)
    return parser


@pytest.mark.parametrize("name", ["admin:bank-preview", "admin:bank-try"])
def test_trial_pages_have_no_form_inside_a_form(admin_user: User, name: str) -> None:
    draft = demo_version(publish=False)
    client = Client()
    assert client.login(username=admin_user.username, password=PASSWORD)

    parsed = _parsed(client.get(reverse(name, args=[draft.pk])).content.decode())

    assert parsed.nested == 0
    assert parsed.orphans == []
    assert any(field.startswith("demo-") for field in parsed.inside)
