"""The favicon: every page links it, and /favicon.ico answers (no 404 per page)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


def test_favicon_ico_answers_with_the_static_icon(client: Client) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    icon = finders.find("favicon.svg")
    assert isinstance(icon, str)
    with open(icon, "rb") as svg:
        assert response.content == svg.read()


@pytest.mark.django_db
def test_pages_link_the_favicon(client: Client) -> None:
    page = client.get("/").content.decode()

    assert 'rel="icon"' in page
    assert "favicon.svg" in page
