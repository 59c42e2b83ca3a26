"""Browser tests: Debian's chromium driven by Playwright, with axe-core on every page.

Never downloads a browser: Playwright launches /usr/bin/chromium (installed by
`make test` through scripts/system_deps.sh). Every page a test visits is checked with
the vendored axe-core, and a serious or critical violation fails the test. Screenshots
go to out/screenshots/ so a person can look at what the tests saw.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.helpers import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = next((ROOT / "static" / "vendor").glob("axe-core-*/axe.min.js"))
SCREENSHOTS = ROOT / "out" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make between browser steps are still plain synchronous calls. Only while the
    # browser runs: tests that start subprocesses must not inherit the variable.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class AxeViolation(AssertionError):
    pass


def check_accessibility(page: Any, *, name: str) -> None:
    """Run axe-core on the page; fail on any serious or critical violation."""
    # From the app's own static URL: the CSP refuses inline scripts, injected or not.
    axe_path = AXE_JS.relative_to(ROOT / "static").as_posix()
    # A click that navigates may leave the new document still being parsed (no
    # <head> yet to add the script to) on a busy machine.
    page.wait_for_load_state("domcontentloaded")
    page.add_script_tag(url=f"/{settings.STATIC_URL.strip('/')}/{axe_path}")
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    bad = [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    if bad:
        summary = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"][:5]],
            }
            for v in bad
        ]
        raise AxeViolation(f"{name}: {json.dumps(summary, indent=1)}")


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class Visitor:
    """A page in a browser context that checks every page it lands on."""

    def __init__(self, page: Any, base_url: str, prefix: str) -> None:
        self.page = page
        self.base_url = base_url
        self.prefix = prefix
        self.visited: list[str] = []
        self.csp_errors: list[str] = []
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        self.check(path)
        return response

    def check(self, label: str) -> None:
        """Accessibility check and screenshot of the page as it is now."""
        name = f"{self.prefix}-{len(self.visited):02d}-{label.strip('/') or 'home'}"
        check_accessibility(self.page, name=name)
        screenshot(self.page, name)
        self.visited.append(self.page.url)


@pytest.fixture
def visitor_factory(
    browser: Any, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Any]:
    contexts = []

    def make(
        *, viewport: dict[str, int] = DESKTOP, prefix: str = "", **options: Any
    ) -> Visitor:
        context = browser.new_context(viewport=viewport, locale="en-GB", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return Visitor(context.new_page(), live_server.url, prefix or request.node.name)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _serve_static_from_finders(settings: Any) -> None:
    """The live server serves static files from the source tree, as in development."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture
def bundled_instruments(transactional_db: None) -> None:
    """The bundled instruments and protocols, loaded as on a new installation."""
    call_command("load_instruments", stdout=io.StringIO())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


__all__ = ["DESKTOP", "PHONE", "check_accessibility", "screenshot", "settings"]
