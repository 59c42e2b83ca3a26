"""Two gunicorn servers, one PostgreSQL, one Redis: they behave as one (issue 8).

A scratch PostgreSQL database of this module's own (dropped afterwards) is migrated
and loaded with the bundled bank; respondents are created with the real services
(``bench.benchmarks.respondents_create``), each with random valid answers
to every shown question. Two app servers with production settings serve it on free
loopback ports with ``REDIS_URL`` on a Redis database of their own (flushed before
and after). A respondent's requests go to either server at random, like behind a
load balancer: same Host and Origin, one cookie jar, the CSRF token read from each
page. Every check afterwards reads the database, not the responses alone.

``pytest -s`` prints the figures; they are in the assertion messages too.
"""

from __future__ import annotations

import functools
import http.client
import os
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires import selectors
from questionnaires.models import AuditEvent, Patient
from questionnaires.services import invitations
from tests import servers
from tests.factories import FAMILY, start_screening
from tests.servers import Browser, Server, UnexpectedResponse

REDIS_URL = "redis://127.0.0.1:6379/13"  # this module's own database, flushed
RESPONDENTS = 200  # distinct complete submissions, spread over both servers
DUPLICATED_EVERY = 5  # every 5th respondent also replays its last page and submit...
SUBMIT_COPIES = 4  # ...sending the submit this many times at once, half to each server
KILLED_RESPONDENTS = 6  # saving pages on the server that is killed
THREADS = 16
WORKERS = 2  # gunicorn workers per server
TOKEN_RATE = 40  # per client address and day; a respondent sends about 20
PASSWORD = "scale-out-" + "Qw7rT2yU9pLk"


@dataclass
class Cluster:
    env: dict[str, str]
    servers: dict[str, Server]
    respondents: list[dict[str, Any]]
    username: str
    redis: Any

    def ports(self) -> list[int]:
        return [server.port for server in self.servers.values()]

    def ensure_running(self) -> None:
        """Restart any server a previous test killed."""
        for server in self.servers.values():
            if server.process is None or server.process.poll() is not None:
                server.start()
                server.wait_ready()

    def inspect(self, parts: list[int]) -> dict[int, dict[str, Any]]:
        found = servers.in_database(self.env, "inspect", {"parts": parts})
        return {int(pk): state for pk, state in found.items()}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    postgres = servers.postgres_server(os.environ.get("DATABASE_URL", ""))
    if postgres is None:
        pytest.skip(
            "needs DATABASE_URL on a PostgreSQL server on 127.0.0.1 (.ci/run sets "
            "it): two app servers cannot share a SQLite file"
        )
    if not servers.redis_answers(REDIS_URL):
        pytest.fail(f"no Redis answers at {REDIS_URL} (.ci/run starts redis-server)")
    logs = tmp_path_factory.mktemp("scale-out")
    with (
        servers.scratch_database(postgres, "scale") as database_url,
        servers.scratch_redis(REDIS_URL) as redis,
    ):
        env = servers.server_env(
            database_url, REDIS_URL, TOKEN_RATE_LIMIT=f"{TOKEN_RATE}/d"
        )
        pair = {
            name: Server(name, env, WORKERS, logs / f"server-{name}.log")
            for name in ("A", "B")
        }
        try:
            # The workers boot (no database needed yet) while the database is made.
            for server in pair.values():
                server.start()
            made = servers.in_database(
                env,
                "prepare",
                {
                    "audience": "informant",
                    "count": RESPONDENTS + KILLED_RESPONDENTS,
                    "seed": 8,
                    "password": PASSWORD,
                },
            )
            for server in pair.values():
                server.wait_ready()
            yield Cluster(env, pair, made["respondents"], made["username"], redis)
        finally:
            servers.stop_all(list(pair.values()))


def _address(number: int) -> str:
    """A client address of its own for each simulated browser (private range; only
    sent as X-Forwarded-For, so rate limits count each browser apart)."""
    return f"10.8.{number // 250}.{number % 250 + 1}"


def _path(respondent: dict[str, Any], suffix: str = "") -> str:
    return f"/r/{respondent['token']}/{suffix}"


def _page(respondent: dict[str, Any], number: int) -> str:
    return _path(respondent, f"page/{number}/")


def _after(respondent: dict[str, Any], number: int) -> str:
    """Where a valid "next" from page ``number`` leads."""
    if number < len(respondent["pages"]):
        return _page(respondent, number + 1)
    return _path(respondent, "review/")


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` in threads released at the same moment; results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait(timeout=30)
        try:
            results[index] = calls[index]()
        except Exception as error:  # noqa: BLE001 (reported by the caller)
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results


@dataclass
class Tally:
    requests: int = 0
    submits_sent: int = 0
    duplicates_sent: int = 0
    duplicates_absorbed: int = 0  # answered like the first: on to the done page
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, count in counts.items():
                setattr(self, name, getattr(self, name) + count)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def _complete(
    respondent: dict[str, Any], number: int, ports: list[int], tally: Tally
) -> None:
    """One respondent from the invitation link to the done page, each request to
    either server; a duplicated one replays its last page and submit at once."""
    rng = random.Random(number)  # noqa: S311 (which server: no secret)
    browser = Browser(_address(number))
    duplicated = number % DUPLICATED_EVERY == 0
    # The link, opened (in two tabs at once for a duplicated respondent).
    opened = _together(
        [
            functools.partial(
                browser.request, ports[copy % 2], "GET", _path(respondent)
            )
            for copy in range(2 if duplicated else 1)
        ]
    )
    tally.add(requests=len(opened))
    for result in opened:
        if isinstance(result, Exception) or result[0] != 200:
            raise UnexpectedResponse(f"start page: {_status(result)}")
    pages = respondent["pages"]
    for page, answers in enumerate(pages, start=1):
        token = browser.form_token(rng.choice(ports), _page(respondent, page))
        form = {**answers, "action": "next"}
        copies = 2 if duplicated and page == len(pages) else 1
        path = _page(respondent, page)
        posted = _together(
            [
                functools.partial(
                    browser.post_form, ports[(copy + number) % 2], path, form, token
                )
                for copy in range(copies)
            ]
        )
        tally.add(requests=1 + copies)
        for result in posted:
            if result != (302, _after(respondent, page)):
                raise UnexpectedResponse(f"page {page} POST: {result!r}")
    token = browser.form_token(rng.choice(ports), _path(respondent, "review/"))
    copies = SUBMIT_COPIES if duplicated else 1
    submit = _path(respondent, "submit/")
    submitted = _together(
        [
            functools.partial(browser.post_form, ports[copy % 2], submit, {}, token)
            for copy in range(copies)
        ]
    )
    done = (302, _done(respondent))
    tally.add(
        requests=1 + copies,
        submits_sent=copies,
        duplicates_sent=copies - 1,
        duplicates_absorbed=sum(1 for r in submitted[1:] if r == done),
    )
    for result in submitted:
        if result != done:
            raise UnexpectedResponse(f"submit: {result!r}")
    status, _, _ = browser.request(rng.choice(ports), "GET", _path(respondent, "done/"))
    tally.add(requests=1)
    if status != 200:
        raise UnexpectedResponse(f"done page: HTTP {status}")


def _status(result: Any) -> str:
    return repr(result) if isinstance(result, Exception) else f"HTTP {result[0]}"


def _stored_exactly_once(
    respondent: dict[str, Any], state: dict[str, Any] | None
) -> str | None:
    """Why the database does not hold this respondent's one submission, or None."""
    if state is None:
        return "part missing"
    expected_rows = sum(len(items) for items in respondent["expected"].values())
    problems = {
        "not submitted": state["status"] != "submitted",
        f"{state['submit_events']} submit events": state["submit_events"] != 1,
        f"{state['open_events']} link-opened events": state["open_events"] != 1,
        "no result snapshot": not (state["part_result"] and state["screening_result"]),
        "no engine version": not state["engine_version"],
        "answers differ from those sent": state["answers"] != respondent["expected"],
        f"{state['answer_rows']} answer rows for {expected_rows} answers": (
            state["answer_rows"] != expected_rows
        ),
    }
    found = [problem for problem, present in problems.items() if present]
    return ", ".join(found) or None


def _server_errors(cluster: Cluster) -> Counter[str]:
    return Counter(
        name
        for name, server in cluster.servers.items()
        for status in server.statuses()
        if status >= 500
    )


@pytest.mark.slow
def test_concurrent_submissions_over_two_servers_are_each_stored_exactly_once(
    cluster: Cluster,
) -> None:
    cluster.ensure_running()
    respondents = cluster.respondents[:RESPONDENTS]
    ports = cluster.ports()
    tally = Tally()
    before = {name: len(server.statuses()) for name, server in cluster.servers.items()}
    server_cpu = sum(server.cpu_seconds() for server in cluster.servers.values())
    client_cpu = time.process_time()
    started = time.monotonic()

    def run(number: int) -> None:
        try:
            _complete(respondents[number], number, ports, tally)
        except (UnexpectedResponse, OSError, http.client.HTTPException) as error:
            tally.error(f"respondent {number}: {servers.mask(str(error))}")

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(run, range(len(respondents))))
    seconds = time.monotonic() - started
    client_cpu = time.process_time() - client_cpu
    server_cpu = sum(s.cpu_seconds() for s in cluster.servers.values()) - server_cpu

    stored = cluster.inspect([r["part"] for r in respondents])
    checked = time.monotonic() - started - seconds
    wrong = {
        number: problem
        for number, respondent in enumerate(respondents)
        if (problem := _stored_exactly_once(respondent, stored.get(respondent["part"])))
    }
    served = {
        name: len(server.statuses()) - before[name]
        for name, server in cluster.servers.items()
    }
    failures = _server_errors(cluster)
    figures = (
        f"scale-out: {len(respondents)} respondents, {tally.requests} requests in "
        f"{seconds:.1f} s over servers {served} ({WORKERS} workers each, "
        f"{THREADS} client threads; CPU: servers {server_cpu:.1f} s, "
        f"{1000 * server_cpu / max(tally.requests, 1):.1f} ms per request, client "
        f"{client_cpu:.1f} s); submissions sent {tally.submits_sent} "
        f"({tally.duplicates_sent} duplicates, {tally.duplicates_absorbed} absorbed), "
        f"stored exactly once {len(respondents) - len(wrong)}, wrong {len(wrong)}, "
        f"client errors {len(tally.errors)}, server 5xx {sum(failures.values())}; "
        f"database read back in {checked:.1f} s"
    )
    print("\n" + figures)  # noqa: T201 (the figures, shown by pytest -s)
    assert tally.submits_sent >= 200, figures
    assert not tally.errors, f"{figures}\n" + "\n".join(tally.errors[:10])
    assert not wrong, f"{figures}\n{dict(list(wrong.items())[:10])}"
    assert not failures, figures
    assert tally.duplicates_absorbed == tally.duplicates_sent, figures
    # Both servers carried a real share of the load.
    assert min(served.values()) > tally.requests // 4, figures


def _send_step(
    browser: Browser, port: int, respondent: dict[str, Any], step: int
) -> tuple[int, str]:
    """Page ``step``'s GET and POST, or after the last page the review and submit."""
    if step <= len(respondent["pages"]):
        path = _page(respondent, step)
        form = {**respondent["pages"][step - 1], "action": "next"}
        return browser.post_form(port, path, form, browser.form_token(port, path))
    token = browser.form_token(port, _path(respondent, "review/"))
    return browser.post_form(port, _path(respondent, "submit/"), {}, token)


def _done(respondent: dict[str, Any]) -> str:
    return _path(respondent, "done/")


def _login(browser: Browser, port: int, password: str, username: str) -> int:
    token = browser.form_token(port, "/accounts/login/")
    status, _ = browser.post_form(
        port, "/accounts/login/", {"username": username, "password": password}, token
    )
    return status


@pytest.mark.slow
def test_a_session_lock_out_and_rate_limit_made_on_one_server_hold_on_the_other(
    cluster: Cluster,
) -> None:
    cluster.ensure_running()
    a, b = cluster.servers["A"].port, cluster.servers["B"].port

    # A session signed in through A is signed in on B.
    clinician = Browser(_address(2000))
    assert _login(clinician, a, PASSWORD, cluster.username) == 302
    assert clinician.request(b, "GET", "/clinic/")[0] == 200
    assert Browser(_address(2001)).request(b, "GET", "/clinic/")[0] == 302

    # Five wrong passwords through A lock the username on B, right password or not.
    attacker = Browser(_address(2002))
    for _ in range(5):
        _login(attacker, a, "wrong password", cluster.username)
    assert _login(Browser(_address(2003)), b, PASSWORD, cluster.username) == 429
    # ... and the address that sent them, whatever username it tries next.
    assert _login(attacker, b, PASSWORD, "someone-else") == 429

    # The token rate limit, counted in Redis: used up through A, it holds on B.
    prober = Browser(_address(2004))
    link = "/r/" + "x" * 43 + "/"
    statuses = [prober.request(a, "GET", link)[0] for _ in range(TOKEN_RATE)]
    assert statuses == [404] * TOKEN_RATE
    assert prober.request(b, "GET", link)[0] == 429
    assert Browser(_address(2005)).request(b, "GET", link)[0] == 404
    assert cluster.redis.dbsize() > 0, "the counters are not in the shared Redis"


@dataclass
class Progress:
    """One respondent's pages saved through the server that is killed."""

    acknowledged: set[int] = field(default_factory=set)  # answered 302
    in_flight: int | None = None  # sent when the server died; saved or not
    cut: bool = False
    finished: bool = False


@pytest.mark.slow
def test_killing_a_server_mid_run_loses_no_saved_page(cluster: Cluster) -> None:
    cluster.ensure_running()
    doomed, survivor = cluster.servers["A"], cluster.servers["B"]
    respondents = cluster.respondents[RESPONDENTS : RESPONDENTS + KILLED_RESPONDENTS]
    progress = [Progress() for _ in respondents]
    lock = threading.Condition()
    go_on = threading.Event()
    total_pages = sum(len(r["pages"]) for r in respondents)

    def answer(index: int) -> None:
        respondent, mine = respondents[index], progress[index]
        browser = Browser(_address(1000 + index))
        count = len(respondent["pages"])
        port = doomed.port
        if browser.request(port, "GET", _path(respondent))[0] != 200:
            raise UnexpectedResponse("start page on A")
        step = 1  # pages 1..count, then count + 1: review and submit
        while step <= count + 1:
            with lock:
                mine.in_flight = step if step <= count else None
            try:
                result = _send_step(browser, port, respondent, step)
            except (OSError, http.client.HTTPException):
                if port == survivor.port:
                    raise
                result = None
            if result is None:  # A is gone: the same link, through the other server
                with lock:
                    mine.cut = True
                    lock.notify_all()
                go_on.wait(timeout=60)
                port = survivor.port
                status, body, location = browser.request(port, "GET", _path(respondent))
                if step > count and (status, location) == (302, _done(respondent)):
                    break  # the submit reached the database before A died
                resume = re.search(r'/page/(\d+)/" id="start-button"', body)
                allowed = {min(step, count), min(step + 1, count)}
                if status != 200 or resume is None or int(resume[1]) not in allowed:
                    raise UnexpectedResponse(f"start on B after step {step}: {status}")
                continue  # the step in flight is sent again: twice is harmless
            expected = _after(respondent, step) if step <= count else _done(respondent)
            if result != (302, expected):
                raise UnexpectedResponse(f"step {step}: {result!r}")
            with lock:
                if port == doomed.port and step <= count:
                    mine.acknowledged.add(step)
                mine.in_flight = None
                lock.notify_all()
            step += 1
        with lock:
            mine.finished = True
            lock.notify_all()

    with ThreadPoolExecutor(len(respondents)) as pool:
        running = [pool.submit(answer, i) for i in range(len(respondents))]
        with lock:
            # Mid-run: about half of all pages saved through A.
            lock.wait_for(
                lambda: sum(len(p.acknowledged) for p in progress) >= total_pages // 2,
                timeout=60,
            )
            saved_before = [set(p.acknowledged) for p in progress]
        doomed.kill()
        with lock:
            lock.wait_for(lambda: all(p.cut or p.finished for p in progress), 60)
            at_kill = [(set(p.acknowledged), p.in_flight) for p in progress]
        try:  # Before anyone goes on, read what the database holds.
            stored = cluster.inspect([r["part"] for r in respondents])
        finally:
            go_on.set()
        errors = [f.exception() for f in running]

    lost = []
    for index, respondent in enumerate(respondents):
        acknowledged, in_flight = at_kill[index]
        answers = stored[respondent["part"]]["answers"]
        for page in acknowledged | ({in_flight} if in_flight else set()):
            sent = respondent["pages"][page - 1]
            held = {
                name: answers.get(name.split("-", 1)[0], {}).get(name.split("-", 1)[1])
                for name in sent
            }
            matching = {name for name in sent if str(held[name]) == sent[name]}
            if page in acknowledged and matching != set(sent):
                lost.append(f"respondent {index}: acknowledged page {page} lost")
            if page == in_flight and matching not in (set(), set(sent)):
                lost.append(f"respondent {index}: page {page} half saved")
    final = cluster.inspect([r["part"] for r in respondents])
    incomplete = {
        index: problem
        for index, respondent in enumerate(respondents)
        if (problem := _stored_exactly_once(respondent, final.get(respondent["part"])))
    }
    cut = sum(1 for p in progress if p.cut)
    figures = (
        f"kill: {sum(map(len, saved_before))} of {total_pages} pages acknowledged "
        f"by A when it was killed, {sum(len(a) for a, _ in at_kill)} in all; "
        f"{cut} of {len(respondents)} respondents cut off and continued on B; "
        f"lost {len(lost)}, not completed {len(incomplete)}"
    )
    print("\n" + figures)  # noqa: T201 (the figures, shown by pytest -s)
    assert not [e for e in errors if e is not None], f"{figures}\n{errors}"
    assert cut > 0, f"no respondent was mid-run when A died: {figures}"
    assert not lost, f"{figures}\n{lost}"
    assert not incomplete, f"{figures}\n{incomplete}"
    assert not _server_errors(cluster), figures


@pytest.mark.django_db
def test_a_link_opened_through_two_servers_at_once_is_recorded_once(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("informant", protocols[FAMILY], "link")]
    )
    issued = invitations.invitation_create(part=screening.parts.get(), by=clinician)
    # Two servers each loaded the link before either of them stamped it opened.
    first, second = (selectors.invitation_get_by_token(issued.token) for _ in "AB")
    invitations.invitation_open(invitation=first)
    invitations.invitation_open(invitation=second)
    assert AuditEvent.objects.filter(action="invitation.open").count() == 1
