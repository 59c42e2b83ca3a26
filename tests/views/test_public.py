"""The favicon: every page links it, and /favicon.ico leads to it (no 404 per page)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


def test_favicon_ico_redirects_to_a_static_icon_that_exists(client: Client) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg") is not None


@pytest.mark.django_db
def test_pages_link_the_favicon(client: Client) -> None:
    page = client.get("/").content.decode()

    assert 'rel="icon"' in page
    assert "favicon.svg" in page
