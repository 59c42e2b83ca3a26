"""Load benchmark: the questionnaire page under gunicorn beside its ceiling (issue 9).

``make bench-load`` runs ``python -m bench.load``. It creates a scratch PostgreSQL
database (``hikiscreen_bench_<random>``), migrates it, loads the bundled instruments,
prepares one screening with a working invitation link per page submission it may
send, and starts ``scripts/start.sh`` (the production command line) on a free
loopback port with ``DJANGO_SETTINGS_MODULE=bench.settings``: the app plus the
ceiling view of ``bench.ceiling``, served by the same gunicorn workers.

For each concurrency (1 and 16) and each request (the fullest questionnaire page's
GET, and its submission POST) it runs the app and the ceiling in alternating short
rounds, so a busy moment of the shared machine slows both alike, and reports
requests/s, p50 and p95 latency and the ratio app/ceiling of requests/s.

Like a browser, each client thread first GETs a page for its CSRF cookie and token
and then POSTs with them; every app POST goes to a screening of its own, so each
counted submission must leave exactly one row per question in the database, which
is checked afterwards, for the ceiling too. The client must not be the bottleneck:
its CPU time per wall second is reported, and a no-work endpoint's requests/s must
be well above every measured figure. Bounded: a time and a request count per round;
loopback only; the server is stopped and the database dropped at the end.

``--dry-run`` does all of it in a few seconds on a scratch SQLite file instead (for
the smoke test); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
#: A no-work endpoint must answer this many times faster than anything measured.
CLIENT_HEADROOM = 2.0


# --- The HTTP client ---------------------------------------------------------------


class Browser:
    """One respondent's browser: a cookie jar and a new connection per request.

    gunicorn's sync workers close the connection after each response, so a pooled
    client would gain nothing; the standard library's client keeps the load
    generator's own CPU cost low.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            data = response.read()
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            return response.status, data
        finally:
            connection.close()

    def csrf_token(self, path: str) -> str:
        """GET ``path`` and return its form's CSRF token (the cookie is kept)."""
        status, data = self.request("GET", path)
        match = TOKEN_RE.search(data)
        if status != 200 or match is None:
            raise RuntimeError(f"no CSRF token from {path}: HTTP {status}")
        return match.group(1).decode()


@dataclass
class Run:
    """The requests of one target and page kind at one concurrency, all rounds."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    client_cpu: float = 0.0

    def figures(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        count = len(ordered)

        def pct(q: float) -> float:
            return round(ordered[min(count - 1, int(q * count))] * 1000, 1)

        return {
            "requests": count,
            "errors": self.errors,
            "rps": round(count / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(0.5) if count else None,
            "p95_ms": pct(0.95) if count else None,
            "client_cpu_per_s": round(self.client_cpu / self.seconds, 2)
            if self.seconds
            else 0.0,
        }


class Pool:
    """Hands out respondents, one per app submission, across threads."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self._items = iter(items)
        self._lock = threading.Lock()
        self.used: list[dict[str, Any]] = []

    def take(self) -> dict[str, Any] | None:
        with self._lock:
            item = next(self._items, None)
            if item is not None:
                self.used.append(item)
            return item


def drive(
    *,
    concurrency: int,
    seconds: float,
    max_requests: int,
    prepare: Callable[[Browser], Any],
    step: Callable[[Browser, Any], bool | None],
    port: int,
    run: Run,
) -> None:
    """``concurrency`` threads each ``prepare`` once, then repeat ``step`` (timed)
    until the time or the request count is used up. ``step`` returns True when the
    response was the expected one, None when there is nothing left to send."""
    barrier = threading.Barrier(concurrency + 1)
    lock = threading.Lock()
    state = {"sent": 0, "deadline": 0.0}

    def worker() -> None:
        browser = Browser(port)
        context = prepare(browser)
        barrier.wait()
        while True:
            with lock:
                if state["sent"] >= max_requests or time.perf_counter() > float(
                    state["deadline"]
                ):
                    return
                state["sent"] += 1
            start = time.perf_counter()
            ok = step(browser, context)
            elapsed = time.perf_counter() - start
            if ok is None:
                return
            with lock:
                run.latencies.append(elapsed)
                run.errors += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    state["deadline"] = time.perf_counter() + seconds
    cpu = time.process_time()
    start = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    run.seconds += time.perf_counter() - start
    run.client_cpu += time.process_time() - cpu


# --- The scenario ------------------------------------------------------------------


@dataclass
class Scenario:
    page: int
    items: int
    options: int
    version_id: int
    answers: dict[str, str]
    protocol: str
    readers: list[dict[str, Any]]  # respondents whose page is GET (answers saved)
    writers: list[dict[str, Any]]  # one respondent per app POST
    ceiling_part: int

    def page_path(self, respondent: dict[str, Any]) -> str:
        return f"/r/{respondent['token']}/page/{self.page}/"

    def ceiling_path(self) -> str:
        return (
            f"/__bench__/ceiling/{self.ceiling_part}/{self.version_id}/"
            f"{self.items}/{self.options}/"
        )


def database_ready() -> Any:
    """Set Django up in this process, migrate, load the bundled bank and collect the
    static files; the page scenario of the largest protocol (bench.benchmarks)."""
    import django
    from django.core.management import call_command

    django.setup()
    from bench import benchmarks

    quiet = {"verbosity": 0}
    call_command("migrate", interactive=False, **quiet)
    call_command("load_instruments", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", interactive=False, **quiet)
    scenario = benchmarks.page_scenario()
    assert scenario is not None  # noqa: S101 (the bundled bank has protocols)
    return scenario


def prepare_database(respondents: int) -> Scenario:
    """Migrate, load the bundled bank and create the respondents (Django in-process)."""
    scenario = database_ready()
    from bench import benchmarks
    from questionnaires.models import ScreeningPart
    from questionnaires.services.screenings import answers_save

    made = benchmarks.respondents_create(
        scenario.protocol, respondents + 17, label=f"bench-{secrets.token_hex(4)}"
    )
    readers, ceiling, writers = made[:16], made[16], made[17:]
    saved = {
        name.split("-", 1)[1]: int(value) if value.isdigit() else value
        for name, value in scenario.answers.items()
    }
    for reader in readers:
        answers_save(
            part=ScreeningPart.objects.get(pk=reader.part_id),
            answers={scenario.instrument: saved},
            page=scenario.page,
        )
    return Scenario(
        page=scenario.page,
        items=scenario.items,
        options=scenario.options,
        version_id=scenario.instrument_version_id,
        answers=scenario.answers,
        protocol=scenario.protocol.code,
        readers=[{"token": r.token, "part": r.part_id} for r in readers],
        writers=[{"token": w.token, "part": w.part_id} for w in writers],
        ceiling_part=ceiling.part_id,
    )


def count_rows(scenario: Scenario, app_parts: list[int]) -> tuple[int, int]:
    """Answer rows of the parts the app's POSTs went to, and of the ceiling's part."""
    from django.db import connection

    from questionnaires.models import Answer

    connection.close()  # a fresh connection sees every committed row
    app = Answer.objects.filter(part_id__in=app_parts).count()
    ceiling = Answer.objects.filter(part_id=scenario.ceiling_part).count()
    connection.close()
    return app, ceiling


# --- Server and database -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def scratch_database(dry_run: bool, admin_url: str) -> Iterator[str]:
    """A database URL that exists only inside the block."""
    if dry_run:
        folder = tempfile.mkdtemp(prefix="hikiscreen-bench-")
        try:
            yield f"sqlite:///{folder}/bench.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    with postgres_database(admin_url, "bench") as url:
        yield url


@contextmanager
def postgres_database(
    admin_url: str, label: str, *, fast_commit: bool = False
) -> Iterator[str]:
    """A new, empty PostgreSQL database beside ``admin_url``'s, dropped at the end.

    ``fast_commit``: commits do not wait for the WAL flush. Only a crash of
    PostgreSQL itself could lose one; right for runs that kill app servers, not it.
    """
    import psycopg2

    name = f"hikiscreen_{label}_{secrets.token_hex(4)}"
    admin = psycopg2.connect(admin_url, connect_timeout=10)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
            if fast_commit:
                cursor.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def server(port: int, workers: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``scripts/start.sh`` on loopback; stopped (its own process group) at the end."""
    env = {
        **os.environ,
        "BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": str(workers),
        "PYTHON": sys.executable,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
            [str(ROOT / "scripts" / "start.sh")],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_ready(port, process, log)
            yield process
        finally:
            # The server may already have exited (and said why in its log).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            if Browser(port).request("GET", "/__bench__/ping")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after 120 s:\n{log.read_text()[-3000:]}")


# --- The measurement ---------------------------------------------------------------


def measure(args: argparse.Namespace, scenario: Scenario, port: int) -> dict[str, Any]:
    ceiling_form = {f"q{n}": "0" for n in range(1, scenario.items + 1)}
    writers = Pool(scenario.writers)
    posts = {"app": 0, "ceiling": 0}
    posts_lock = threading.Lock()
    round_seconds = args.seconds / args.rounds
    round_requests = max(1, args.max_requests // args.rounds)
    reader_turn = iter(range(10**9))

    def counted(target: str, ok: bool) -> bool:
        if ok:
            with posts_lock:
                posts[target] += 1
        return ok

    def app_get_prepare(browser: Browser) -> str:
        return scenario.page_path(scenario.readers[next(reader_turn) % 16])

    def app_get(browser: Browser, path: str) -> bool:
        return browser.request("GET", path)[0] == 200

    def ceiling_get(browser: Browser, path: str) -> bool:
        return browser.request("GET", path)[0] == 200

    def app_post_prepare(browser: Browser) -> str:
        return browser.csrf_token(scenario.page_path(scenario.readers[0]))

    def app_post(browser: Browser, token: str) -> bool | None:
        respondent = writers.take()
        if respondent is None:
            return None
        form = {
            **scenario.answers,
            "action": "next",
            "csrfmiddlewaretoken": token,
        }
        status, _ = browser.request("POST", scenario.page_path(respondent), form)
        return counted("app", status == 302)

    def ceiling_post_prepare(browser: Browser) -> str:
        return browser.csrf_token(scenario.ceiling_path())

    def ceiling_post(browser: Browser, token: str) -> bool:
        form = {**ceiling_form, "action": "next", "csrfmiddlewaretoken": token}
        status, _ = browser.request("POST", scenario.ceiling_path(), form)
        return counted("ceiling", status == 302)

    kinds: dict[str, dict[str, tuple[Callable[[Browser], Any], Any]]] = {
        "get": {
            "app": (app_get_prepare, app_get),
            "ceiling": (lambda b: scenario.ceiling_path(), ceiling_get),
        },
        "post": {
            "app": (app_post_prepare, app_post),
            "ceiling": (ceiling_post_prepare, ceiling_post),
        },
    }
    results = []
    for concurrency in args.concurrency:
        for kind, targets in kinds.items():
            runs = {name: Run() for name in targets}
            for number in range(args.rounds):
                order = list(targets) if number % 2 == 0 else list(targets)[::-1]
                for name in order:
                    prepare, step = targets[name]
                    drive(
                        concurrency=concurrency,
                        seconds=round_seconds,
                        max_requests=round_requests,
                        prepare=prepare,
                        step=step,
                        port=port,
                        run=runs[name],
                    )
            app, ceiling = runs["app"].figures(), runs["ceiling"].figures()
            results.append(
                {
                    "page": kind,
                    "concurrency": concurrency,
                    "app": app,
                    "ceiling": ceiling,
                    "ratio": round(app["rps"] / ceiling["rps"], 3)
                    if ceiling["rps"]
                    else None,
                }
            )
            print(row(results[-1]), flush=True)
    ping = Run()
    top = max(args.concurrency)
    drive(
        concurrency=top,
        seconds=round_seconds,
        max_requests=round_requests * 4,
        prepare=lambda b: "/__bench__/ping",
        step=ceiling_get,
        port=port,
        run=ping,
    )
    return {
        "results": results,
        "ping": ping.figures(),
        "posts": posts,
        "app_parts": [w["part"] for w in writers.used],
    }


HEADER = (
    f"{'page':<5} {'conc':>4}  {'app rps':>8} {'p50':>7} {'p95':>7}  "
    f"{'ceil rps':>8} {'p50':>7} {'p95':>7}  {'app/ceil':>8}"
)


def row(result: dict[str, Any]) -> str:
    app, ceiling = result["app"], result["ceiling"]
    return (
        f"{result['page']:<5} {result['concurrency']:>4}  "
        f"{app['rps']:>8} {app['p50_ms']:>7} {app['p95_ms']:>7}  "
        f"{ceiling['rps']:>8} {ceiling['p50_ms']:>7} {ceiling['p95_ms']:>7}  "
        f"{result['ratio']:>8}"
    )


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", default=str(ROOT / "out" / "bench-load.json"))
    parser.add_argument(
        "--seconds", type=float, default=12.0, help="per target, page and concurrency"
    )
    parser.add_argument(
        "--rounds", type=int, default=4, help="alternating app/ceiling rounds"
    )
    parser.add_argument(
        "--max-requests", type=int, default=1500, help="cap per target and page"
    )
    parser.add_argument(
        "--concurrency", type=lambda s: [int(c) for c in s.split(",")], default=[1, 16]
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--admin-url", default=ADMIN_URL, help="PostgreSQL to use")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="seconds of SQLite instead of PostgreSQL: checks the path, not speed",
    )
    args = parser.parse_args(argv)
    if args.dry_run:
        args.seconds, args.rounds, args.max_requests = 0.6, 2, 4
        args.concurrency, args.workers = [1, 2], 1
    if urlsplit(args.admin_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--admin-url must be a PostgreSQL server on 127.0.0.1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.monotonic()
    with scratch_database(args.dry_run, args.admin_url) as database_url:
        os.environ.update(
            {
                "DATABASE_URL": database_url,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "SECRET_KEY": secrets.token_urlsafe(32),
                "ALLOWED_HOSTS": HOST,
                "DEBUG": "0",
                # Production settings refuse to start without a mail server; the
                # benchmark sends nothing anyone reads.
                "EMAIL_URL": "dummymail://",
                "SECURE_SSL_REDIRECT": "0",
                "SECURE_COOKIES": "0",
                "SECURE_HSTS_SECONDS": "0",
                # Every request counts against the limit as usual, but one client
                # address sends them all.
                "TOKEN_RATE_LIMIT": "100000000/m",
                "LOG_LEVEL": "WARNING",
            }
        )
        os.environ.pop("REDIS_URL", None)  # each worker's own memory: shares nothing
        per_level = args.max_requests
        scenario = prepare_database(per_level * len(args.concurrency))
        print(
            f"{scenario.protocol}: page {scenario.page}, {scenario.items} questions; "
            f"{len(scenario.writers)} screenings prepared; "
            f"{args.workers} gunicorn workers on {os.cpu_count()} cores",
            flush=True,
        )
        port = free_port()
        log = Path(tempfile.gettempdir()) / f"hikiscreen-bench-{port}.log"
        with server(port, args.workers, log):
            print(HEADER, flush=True)
            measured = measure(args, scenario, port)
        app_rows, ceiling_rows = count_rows(scenario, measured.pop("app_parts"))
        from django.db import connections

        connections.close_all()
    posts = measured.pop("posts")
    verified = {
        "app_posts": posts["app"],
        "app_rows": app_rows,
        "ceiling_posts": posts["ceiling"],
        "ceiling_rows": ceiling_rows,
        "rows_per_post": scenario.items,
    }
    verified["ok"] = (
        app_rows == posts["app"] * scenario.items
        and ceiling_rows == posts["ceiling"] * scenario.items
    )
    fastest = max(r[t]["rps"] for r in measured["results"] for t in ("app", "ceiling"))
    client_cpu = max(
        r[t]["client_cpu_per_s"]
        for r in measured["results"]
        for t in ("app", "ceiling")
    )
    client = {
        "ping_rps": measured["ping"]["rps"],
        "fastest_measured_rps": fastest,
        "headroom": round(measured["ping"]["rps"] / fastest, 2) if fastest else None,
        "max_client_cpu_per_s": client_cpu,
    }
    client["bottleneck"] = bool(
        client["headroom"] is None or client["headroom"] < CLIENT_HEADROOM
    )
    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "dry_run": args.dry_run,
        "database": "sqlite" if args.dry_run else "postgresql",
        "workers": args.workers,
        "seconds_per_target": args.seconds,
        "rounds": args.rounds,
        "protocol": scenario.protocol,
        "page": scenario.page,
        "questions": scenario.items,
        "results": measured["results"],
        "client": client,
        "verified": verified,
        "wall_seconds": round(time.monotonic() - started, 1),
    }
    print(
        f"client: no-work endpoint {client['ping_rps']} rps = "
        f"{client['headroom']} x the fastest measured; client CPU at most "
        f"{client_cpu} s per s ({'BOTTLENECK' if client['bottleneck'] else 'ok'})"
    )
    print(
        f"verified: {verified['app_posts']} app submissions -> {app_rows} rows, "
        f"{verified['ceiling_posts']} ceiling -> {ceiling_rows} rows "
        f"({'ok' if verified['ok'] else 'MISMATCH'})"
    )
    target = Path(args.json)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written to {target}")
    return 0 if verified["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
