"""The Docker image's health probe (scripts/healthcheck.py)."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import ModuleType

import pytest

from tests.helpers import ROOT


def _probe() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "healthcheck", ROOT / "scripts/healthcheck.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("screen.example.org", "screen.example.org"),
        (" screen.example.org , 127.0.0.1", "screen.example.org"),
        (".example.org", "example.org"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_probe_names_a_host_the_app_accepts(allowed_hosts: str, host: str) -> None:
    assert _probe().probe_host(allowed_hosts) == host


@pytest.fixture
def fake_app() -> Iterator[tuple[int, list[str]]]:
    """A loopback server answering /healthz 200 only for the Host screen.example.org."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            seen.append(self.headers["Host"])
            ok = (
                self.path == "/healthz" and self.headers["Host"] == "screen.example.org"
            )
            self.send_response(200 if ok else 400)
            self.end_headers()
            self.wfile.write(json.dumps({"status": "ok"}).encode())

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def test_probe_passes_when_the_app_answers_for_its_public_name(
    fake_app: tuple[int, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, seen = fake_app
    monkeypatch.setenv("BIND", f"0.0.0.0:{port}")
    monkeypatch.setenv("ALLOWED_HOSTS", "screen.example.org")
    assert _probe().main() == 0
    assert seen == ["screen.example.org"]


def test_probe_fails_when_the_app_refuses(
    fake_app: tuple[int, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, _ = fake_app
    monkeypatch.setenv("BIND", f"0.0.0.0:{port}")
    monkeypatch.setenv("ALLOWED_HOSTS", "other.example.org")
    assert _probe().main() == 1
