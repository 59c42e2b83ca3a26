"""The production start-up path: the Docker image's command, run here with gunicorn."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ROOT, production_env

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_dockerfile_installs_and_starts_like_the_makefile() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/system_deps.sh runtime" in DOCKERFILE
    assert "pip install -r requirements.txt" in DOCKERFILE
    assert "collectstatic --noinput" in DOCKERFILE
    assert 'CMD ["scripts/start.sh"]' in DOCKERFILE
    assert re.search(r"^USER (?!root)\w+", DOCKERFILE, re.M), "runs as non-root"
    assert "scripts/start.sh" in makefile
    assert "scripts/system_deps.sh runtime" in makefile


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of the kind the suite runs on (PostgreSQL in CI)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'smoke.sqlite3'}"
        return
    import psycopg2

    name = f"hikiscreen_smoke_{uuid.uuid4().hex[:8]}"
    server = url.rsplit("/", 1)[0]
    admin = psycopg2.connect(server + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.slow
def test_start_script_serves_the_app_with_gunicorn(database_url: str) -> None:
    port = _free_port()
    env = production_env(
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        PYTHON=sys.executable,
        PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    )
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / "scripts/start.sh")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(  # noqa: S310
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    body = json.load(response)
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert body == {"status": "ok", "database": "ok"}, "gunicorn did not answer"
        # Everything but the health check is sent to HTTPS under production settings.
        request = urllib.request.Request(f"http://127.0.0.1:{port}/")  # noqa: S310
        opener = urllib.request.build_opener(_NoRedirect())
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(request, timeout=5)
        redirect.value.close()
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"].startswith("https://")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Booting worker" in output


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None
