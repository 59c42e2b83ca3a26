"""Guards on the architecture itself (STYLE.md Example 5)."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from tests.helpers import ROOT, manage, production_env


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_scoring_package_imports_no_django() -> None:
    code = (
        "import sys, questionnaires.scoring; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)
    assert result.returncode == 0


def test_deploy_check_is_clean_under_production_settings() -> None:
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "WARNINGS:" not in output
    assert "ERRORS:" not in output


class _Landmarks(HTMLParser):
    """The tags of a page, in order, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Landmarks()
    parser.feed(html)
    return parser.tags


PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/done/",
]
SIGNED_IN_PAGES = [
    "/clinic/",
    "/accounts/password_change/",
    "/accounts/password_change/done/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES + SIGNED_IN_PAGES)
def test_every_account_page_uses_the_accessible_base(
    client: Client, clinician: User, path: str
) -> None:
    if path in SIGNED_IN_PAGES:
        client.force_login(clinician)
    response = client.get(path)
    assert response.status_code == 200
    tags = _tags(response.content.decode())
    names = [name for name, _ in tags]

    assert ("html", {"lang": "en"}) in tags
    viewport = [a.get("content") for n, a in tags if a.get("name") == "viewport"]
    assert viewport == ["width=device-width, initial-scale=1"], "works on a phone"
    body = tags[names.index("body") + 1 :]
    first_link = next(a for n, a in body if n == "a")
    assert first_link.get("href") == "#main"
    assert "skip-link" in (first_link.get("class") or "")
    mains = [a for n, a in tags if n == "main"]
    assert len(mains) == 1 and mains[0].get("id") == "main"
    for landmark in ("header", "nav", "footer"):
        assert landmark in names, landmark
    assert all(a.get("aria-label") for n, a in tags if n == "nav")
    external = [
        a.get("src") or a.get("href")
        for n, a in tags
        if n in ("script", "link")
        and (a.get("src") or a.get("href") or "").startswith(("http:", "https:", "//"))
    ]
    assert external == [], "no CDN: assets are vendored"


@pytest.mark.parametrize("lang", ["ja", "it"])
def test_the_page_language_follows_the_browser(
    client: Client, db: None, lang: str
) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert ("html", {"lang": lang}) in _tags(html)


def test_focus_is_always_visible_and_the_skip_link_appears_on_focus() -> None:
    css = re.sub(
        r"/\*.*?\*/", "", (ROOT / "static/css/site.css").read_text(), flags=re.S
    )
    rules = {
        selector.strip(): body
        for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)
    }
    assert "outline" in rules[":focus-visible"]
    assert "none" not in rules[":focus-visible"]
    assert "left: -9999px" in rules[".skip-link"]
    assert "left: 0.5rem" in rules[".skip-link:focus"]


def test_bootstrap_is_vendored_and_served_from_static(client: Client, db: None) -> None:
    vendored = sorted(
        (ROOT / "static/vendor").glob("bootstrap-*/css/bootstrap.min.css")
    )
    assert vendored, "Bootstrap is vendored under static/vendor/"
    html = client.get("/").content.decode()
    assert f"/static/vendor/{vendored[-1].parent.parent.name}/css/" in html
