"""Real app servers for the scale-out tests (tests/security/test_scale_out.py).

A scratch PostgreSQL database, Django code run against it in a subprocess (the test
process itself stays on pytest-django's test database), gunicorn servers started
with the production command line of ``scripts/start.sh``, a Redis database of their
own, and a browser-like HTTP client: a cookie jar shared by every port of
127.0.0.1 (as a browser's is), the CSRF token read from each page before its POST.

Everything stays on loopback and every request has a timeout.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench import load
from tests.helpers import ROOT, production_env

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30.0
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# gunicorn's access log as scripts/start.sh formats it: '... "POST" 302 0 12ms'.
ACCESS_RE = re.compile(r'"(?:GET|POST|HEAD)" (\d{3}) ')


def postgres_server(database_url: str) -> str | None:
    """``postgres://user@host:port`` of a PostgreSQL URL on loopback, else None."""
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        return None
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    return database_url.rsplit("/", 1)[0]


@contextmanager
def scratch_database(server: str, label: str) -> Iterator[str]:
    """A new, empty PostgreSQL database that exists only inside the block."""
    with load.postgres_database(f"{server}/postgres", label, fast_commit=True) as url:
        yield url


@contextmanager
def scratch_redis(url: str) -> Iterator[Any]:
    """The Redis database of ``url``, flushed before and after the block."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(database_url: str, redis_url: str, **overrides: str) -> dict[str, str]:
    """Production settings for plain HTTP on loopback, one database, one Redis.

    Clients are told apart by X-Forwarded-For (as behind a proxy), so each simulated
    respondent has an address, and so its rate-limit counters, of its own.
    """
    return production_env(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        LOG_LEVEL="WARNING",
        **overrides,
    )


# --- Django code run in the scratch database ----------------------------------------


def in_database(env: dict[str, str], function: str, payload: Any) -> Any:
    """Run ``function`` of this module with Django set up on ``env``'s database."""
    code = "from tests import servers; servers.remote_main()"
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", code, function],
        env=env,
        cwd=ROOT,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{function} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def remote_main() -> None:
    import django

    django.setup()
    function = {"prepare": _prepare, "inspect": _inspect}[sys.argv[1]]
    result = function(json.loads(sys.stdin.read()))
    sys.stdout.write("\n" + json.dumps(result) + "\n")


def _prepare(payload: dict[str, Any]) -> dict[str, Any]:
    """Migrate, load the bank, and create respondents (the real services), each with
    the answers it will send, page by page: random, valid, only shown questions."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import transaction

    from bench.benchmarks import respondents_create
    from questionnaires.bank import flow
    from questionnaires.models import Membership, Organisation, Protocol, ScreeningPart
    from questionnaires.selectors import part_state

    quiet = {"verbosity": 0}
    call_command("migrate", interactive=False, **quiet)
    with open(os.devnull, "w") as devnull:
        call_command("load_instruments", stdout=devnull)
    _collect_static()
    protocol = Protocol.objects.get(
        status=Protocol.Status.PUBLISHED, audience=payload["audience"], is_default=True
    )
    label = f"scale-{secrets.token_hex(4)}"
    with transaction.atomic():  # one commit, not two per screening
        made = respondents_create(protocol, payload["count"], label=label)
    rng = random.Random(payload["seed"])  # noqa: S311 (test answers, no secret)
    respondents = []
    for respondent in made:
        state = part_state(ScreeningPart.objects.get(pk=respondent.part_id))
        age = state.part.screening.age
        pages, expected = _plan(flow.build_pages(state.definitions), age, rng)
        respondents.append(
            {
                "token": respondent.token,
                "part": respondent.part_id,
                "pages": pages,
                "expected": expected,
            }
        )
    user = User.objects.create_user(username=f"{label}-c", password=payload["password"])
    Membership.objects.create(
        user=user,
        organisation=Organisation.objects.get(slug=label),
        role=Membership.Role.CLINICIAN,
    )
    return {"respondents": respondents, "username": user.username}


def _collect_static() -> None:
    """Production settings read static names from the manifest: make sure it lists
    the project's current files (``collectstatic`` without the slow compression,
    and only when something changed; STATIC_ROOT is git-ignored)."""
    from django.conf import settings
    from django.contrib.staticfiles.management.commands.collectstatic import Command
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = {
        path.relative_to(folder).as_posix(): path.stat().st_mtime
        for folder in map(Path, settings.STATICFILES_DIRS)
        for path in folder.rglob("*")
        if path.is_file()
    }
    if manifest.exists():
        listed = json.loads(manifest.read_text()).get("paths", {})
        fresh = manifest.stat().st_mtime >= max(sources.values(), default=0)
        if fresh and sources.keys() <= listed.keys():
            return
    command = Command()
    command.storage = ManifestStaticFilesStorage()
    call_command(command, interactive=False, verbosity=0)


def _plan(
    pages: Any, age: int, rng: random.Random
) -> tuple[list[dict[str, str]], dict[str, dict[str, Any]]]:
    from questionnaires.bank import flow
    from questionnaires.scoring.engine import check_value

    forms: list[dict[str, str]] = []
    expected: dict[str, dict[str, Any]] = {}
    for page in pages:
        definition = page.instrument
        answers = expected.setdefault(definition.code, {})
        form: dict[str, str] = {}
        for item in page.items:
            if item.code not in flow.shown_items(definition, answers, age):
                continue
            value = _random_value(item, age, rng)
            if value is None:
                continue
            problem = check_value(item, value, age)
            if problem is not None:  # pragma: no cover (a bug in this helper)
                raise ValueError(f"{item.code}: {problem}")
            answers[item.code] = value
            form[f"{definition.code}-{item.code}"] = str(value)
        forms.append(form)
    return forms, expected


def _random_value(item: Any, age: int, rng: random.Random) -> Any:
    from questionnaires.scoring.definitions import CHOICE_KINDS

    if item.kind in CHOICE_KINDS:
        return rng.choice([option.value for option in item.options])
    if item.kind == "time_of_day":
        return f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"
    if item.kind == "free_text":
        return None  # optional, and nothing a screening needs
    low, high = item.bounds or (0, 10)
    if item.kind == "age":
        high = min(high, age)
    return rng.randint(int(low), int(high))


def _inspect(payload: dict[str, Any]) -> dict[str, Any]:
    """What the database holds for these parts, read with a fresh connection."""
    from django.db.models import Count

    from questionnaires.models import Answer, AuditEvent, Invitation, ScreeningPart

    ids = payload["parts"]
    parts = ScreeningPart.objects.filter(pk__in=ids).select_related("screening")
    answers: dict[int, dict[str, dict[str, Any]]] = {pk: {} for pk in ids}
    counts: dict[int, int] = {}
    rows = Answer.objects.filter(part_id__in=ids).values_list(
        "part_id", "instrument_version__instrument__code", "item_code", "value"
    )
    for part_id, code, item_code, value in rows:
        answers[part_id].setdefault(code, {})[item_code] = value
        counts[part_id] = counts.get(part_id, 0) + 1

    def events(action: str, model: str, targets: dict[str, int]) -> Counter[int]:
        found = (
            AuditEvent.objects.filter(
                action=action, target_type=model, target_id__in=list(targets)
            )
            .order_by()  # no default ordering in the GROUP BY
            .values_list("target_id")
            .annotate(n=Count("id"))
        )
        return Counter({targets[target]: n for target, n in found})

    submits = events(
        "screening_part.submit",
        "questionnaires.screeningpart",
        {str(pk): pk for pk in ids},
    )
    invitations = Invitation.objects.filter(part_id__in=ids).values_list("pk", "part")
    opens = events(
        "invitation.open",
        "questionnaires.invitation",
        {str(pk): part for pk, part in invitations},
    )
    return {
        str(part.pk): {
            "status": part.status,
            "last_page": part.last_page,
            "part_result": part.result is not None,
            "screening_result": part.screening.result is not None,
            "engine_version": (part.screening.result or {}).get("engine_version"),
            "answers": answers[part.pk],
            "answer_rows": counts.get(part.pk, 0),
            "submit_events": submits[part.pk],
            "open_events": opens[part.pk],
        }
        for part in parts
    }


# --- gunicorn ------------------------------------------------------------------------


@dataclass
class Server:
    """One app server: gunicorn on its own port and process group."""

    name: str
    env: dict[str, str]
    workers: int
    log: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start gunicorn as ``scripts/start.sh`` does (the database is migrated)."""
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "hikiscreen.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "60",
            "--access-logfile",
            "-",
            "--access-logformat",
            '%(h)s %(t)s "%(m)s" %(s)s %(B)s %(M)sms',
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
                command,
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
            try:
                status, _, _ = Browser("192.0.2.1").request(
                    self.port, "GET", "/healthz"
                )
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {seconds} s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: no graceful anything."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def cpu_seconds(self) -> float:
        """CPU time used so far by the live processes of this server (Linux)."""
        if self.process is None:
            return 0.0
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            if int(fields[2]) == self.process.pid:  # its process group
                total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / os.sysconf("SC_CLK_TCK")

    def statuses(self) -> list[int]:
        """Every status code in this server's access log so far."""
        return [int(m.group(1)) for m in ACCESS_RE.finditer(self.text())]

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self) -> str:
        return self.text()[-4000:]


def stop_all(servers: list[Server]) -> None:
    """Stop gracefully (SIGTERM), all at once; SIGKILL what lingers after 30 s."""
    running = [
        s.process for s in servers if s.process is not None and s.process.poll() is None
    ]
    for process in running:
        os.killpg(process.pid, signal.SIGTERM)
    for process in running:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


# --- The client ----------------------------------------------------------------------


@dataclass
class Browser:
    """One respondent's browser at client address ``address``: a cookie jar for
    127.0.0.1 (every port shares it) and a new connection per request."""

    address: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, port: int, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """Status, body and Location of one request (redirects are not followed)."""
        # Both servers stand for one site behind one address (a load balancer's):
        # the same Host, and on a POST the same Origin, whichever port answers.
        headers = {"Host": HOST, "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}"
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            data = response.read().decode(errors="replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            return response.status, data, response.headers.get("Location", "")
        finally:
            connection.close()

    def form_token(self, port: int, path: str) -> str:
        """GET ``path`` and return its form's CSRF token (the cookie is kept)."""
        status, body, _ = self.request(port, "GET", path)
        match = TOKEN_RE.search(body)
        if status != 200 or match is None:
            raise UnexpectedResponse(f"GET {mask(path)}: HTTP {status}, no form")
        return match.group(1)

    def post_form(
        self, port: int, path: str, form: dict[str, str], token: str
    ) -> tuple[int, str]:
        status, _, location = self.request(
            port, "POST", path, {**form, "csrfmiddlewaretoken": token}
        )
        return status, location


class UnexpectedResponse(Exception):
    """A page answered with something a respondent's browser could not go on from."""


def mask(path: str) -> str:
    """A path with any respondent token masked, for messages."""
    return re.sub(r"/r/[^/]+/", "/r/<token>/", path)
