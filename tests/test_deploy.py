"""The production start-up path: the Docker image's command, run here with gunicorn."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import servers
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


def _runtime_packages() -> list[str]:
    script = (ROOT / "scripts/system_deps.sh").read_text()
    match = re.search(r"^runtime=\(([^)]*)\)", script, re.M)
    assert match, "scripts/system_deps.sh lists its runtime packages"
    return match.group(1).split()


def test_the_image_gets_its_debian_packages_only_from_the_shared_script() -> None:
    # No apt-get of its own: the Dockerfile, the Makefile and .ci/run cannot drift.
    assert re.search(r"^FROM python:3\.11-slim", DOCKERFILE, re.M)
    assert "apt-get install" not in DOCKERFILE
    assert "make test" in (ROOT / ".ci/run").read_text()
    packages = _runtime_packages()
    for needed in (
        "libpango-1.0-0",  # WeasyPrint
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",  # font subsetting: small PDFs
        "fonts-noto-core",
        "fonts-noto-cjk",  # Japanese reports
    ):
        assert needed in packages, needed


def test_the_runtime_packages_are_installed_where_the_suite_runs() -> None:
    result = subprocess.run(  # noqa: S603
        [str(ROOT / "scripts/system_deps.sh"), "runtime"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_image_and_the_makefile_install_the_same_requirements() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install -r requirements.txt" in DOCKERFILE
    assert "pip install -q -r requirements.txt" in makefile
    requirements = (ROOT / "requirements.txt").read_text()
    for pinned in ("django==5.2", "gunicorn==", "psycopg2-binary==", "weasyprint=="):
        assert pinned in requirements.lower(), pinned
    compose = (ROOT / "docker-compose.yml").read_text()
    assert re.search(r"^  web:\n    build: \.", compose, re.M)
    assert re.search(r"^  db:\n    image: postgres", compose, re.M)


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
    with servers.scratch_database(url.rsplit("/", 1)[0], "smoke") as scratch:
        yield scratch


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
        assert body is not None, "gunicorn did not answer"
        assert (body["status"], body["database"]) == ("ok", "ok")
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


def test_make_run_serves_on_the_port_given_and_prints_links_with_it() -> None:
    dry_run = subprocess.run(
        [shutil.which("make") or "make", "-n", "run", "PORT=8123"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout

    assert "runserver 127.0.0.1:8123" in dry_run
    assert "seed_demo --base-url http://127.0.0.1:8123" in dry_run
    assert "8000" not in dry_run


def test_make_run_and_compose_start_a_task_worker() -> None:
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py run_tasks &" in run and "trap" in run
    compose = (ROOT / "docker-compose.yml").read_text()
    assert re.search(
        r"^  worker:\n    build: \.\n"
        r'    command: \["python", "manage.py", "run_tasks"\]',
        compose,
        re.M,
    )
