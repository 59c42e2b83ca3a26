"""Mixed load: respondents answer and submit while clinicians browse and download.

``make bench-load`` runs it after ``bench.load``; ``python -m bench.mixed`` alone.
Two app servers (``scripts/start.sh``, the production command line, each with
``--workers`` gunicorn workers) share one scratch PostgreSQL database and one Redis
(the cache: rate limits and cached PDFs), and one task worker (``manage.py db_worker``)
renders the reports each submission enqueues. Clients alternate between the servers.

Per concurrency level (``--concurrency``, e.g. 4,8,16), for ``--seconds``:

- respondent threads (``--respondent-share`` of them): each takes a fresh invitation
  link whose other answers are already saved, GETs the fullest questionnaire page,
  POSTs it, GETs the review page and POSTs the submission (one screening each);
- clinician threads, signed in: the patient list (first and a later page), a patient
  page, a result page, and the clinician PDF of a screening a respondent submitted
  a moment before. Before that download the script looks the report up in the shared
  cache with the same key the app uses, so the share of first downloads served from
  the cache (rendered ahead by the worker) is counted.

It reports per request kind p50/p95, requests/s overall and per core, and then checks
every submission is stored exactly once: each POSTed part is submitted, scored and
has exactly one submission event, and no other part is. The database is dropped and
the servers stopped at the end. Figures are noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench.load import (
    ADMIN_URL,
    HOST,
    ROOT,
    Browser,
    Run,
    database_ready,
    free_port,
    postgres_database,
    server,
)

REDIS_URL = "redis://127.0.0.1:6379/10"
#: The latency a level must keep to count as sustained.
P95_TARGET_MS = 500.0


def prepare(respondents: int, history: int) -> dict[str, Any]:
    """Migrate, load the bank, a clinic with history and ``respondents`` links."""
    scenario = database_ready()
    from django.contrib.auth.models import User

    from bench import benchmarks
    from questionnaires import selectors
    from questionnaires.models import Membership, Organisation, Patient, ScreeningPart
    from questionnaires.services.screenings import answers_save

    label = f"mixed-{secrets.token_hex(3)}"
    made = benchmarks.respondents_create(scenario.protocol, respondents, label=label)
    organisation = Organisation.objects.get(slug=label)
    clinician = User.objects.get(username=label)
    password = secrets.token_urlsafe(12)
    clinician.set_password(password)
    clinician.save()
    Membership.objects.get_or_create(user=clinician, organisation=organisation)
    benchmarks.synthetic_screenings(
        organisation=organisation, protocol=scenario.protocol, count=history
    )
    for respondent in made:  # every other answer saved: the POSTs complete it
        part = ScreeningPart.objects.get(pk=respondent.part_id)
        state = selectors.part_state(part)
        answers_save(
            part=part, answers=benchmarks.full_screening(state.definitions_by_code)
        )
    patients = list(
        Patient.objects.filter(organisation=organisation)
        .order_by("code")
        .values_list("pk", "code")
    )
    from questionnaires.models import Screening

    result_pk = (
        Screening.objects.filter(organisation=organisation, result__isnull=False)
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "slug": label,
        "username": label,
        "password": password,
        "page": scenario.page,
        "answers": scenario.answers,
        "respondents": [(r.token, r.part_id) for r in made],
        "patient_pk": patients[len(patients) // 2][0],
        "later_code": patients[len(patients) // 2][1],
        "result_pk": result_pk,
    }


@contextmanager
def task_worker(log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``manage.py db_worker``: runs the tasks the app servers enqueue."""
    import signal

    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class Shared:
    """What the threads share: links left, submitted screenings, counters."""

    def __init__(self, respondents: list[tuple[str, int]]) -> None:
        self.lock = threading.Lock()
        self.links = list(respondents)
        self.posted: list[int] = []  # parts whose submission POST got its redirect
        self.submitted: list[int] = []  # their screenings, for the clinicians
        self.downloaded: set[int] = set()
        self.cache_hits = 0
        self.first_downloads = 0

    def take_link(self) -> tuple[str, int] | None:
        with self.lock:
            return self.links.pop() if self.links else None

    def take_submitted(self) -> int | None:
        with self.lock:
            fresh = [pk for pk in self.submitted if pk not in self.downloaded]
            if not fresh:
                return None
            self.downloaded.add(fresh[0])
            return fresh[0]


def report_is_cached(screening_pk: int) -> bool:
    """Whether the clinician PDF is already in the shared cache (the app's key)."""
    from django.core.cache import cache

    from questionnaires.models import Screening
    from questionnaires.reports.data import screening_report_data
    from questionnaires.reports.pdf import cache_key

    screening = (
        Screening.objects.select_related("organisation", "patient")
        .prefetch_related("parts__protocol")
        .get(pk=screening_pk)
    )
    if not screening.result:
        return False
    data = screening_report_data(screening, lang="en")
    return cache.get(cache_key(data, audience="clinician", lang="en")) is not None


def level(
    data: dict[str, Any],
    shared: Shared,
    ports: list[int],
    *,
    concurrency: int,
    seconds: float,
    share: float,
) -> dict[str, Any]:
    """One concurrency level: respondent and clinician threads for ``seconds``."""
    runs: dict[str, Run] = {}
    unexpected: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    port_cycle = itertools.cycle(ports)
    respondents = max(1, round(concurrency * share))

    def timed(
        kind: str,
        browser: Browser,
        method: str,
        path: str,
        form: Any = None,
        expect: int = 200,
    ) -> tuple[bool, bytes]:
        start = time.perf_counter()
        status, body = browser.request(method, path, form)
        elapsed = time.perf_counter() - start
        with lock:
            run = runs.setdefault(kind, Run())
            run.latencies.append(elapsed)
            run.errors += 0 if status == expect else 1
            if status != expect:
                unexpected[f"{kind}: HTTP {status}"] = (
                    unexpected.get(f"{kind}: HTTP {status}", 0) + 1
                )
        return status == expect, body

    def respondent(port: int) -> None:
        while time.perf_counter() < deadline:
            link = shared.take_link()
            if link is None:
                return
            token, part_pk = link
            browser = Browser(port)
            page = f"/r/{token}/page/{data['page']}/"
            csrf = browser.csrf_token(page)
            form = {**data["answers"], "action": "next", "csrfmiddlewaretoken": csrf}
            timed("respondent GET page", browser, "GET", page)
            timed("respondent POST page", browser, "POST", page, form, expect=302)
            timed("respondent GET review", browser, "GET", f"/r/{token}/review/")
            ok, _ = timed(
                "respondent POST submit",
                browser,
                "POST",
                f"/r/{token}/submit/",
                {"csrfmiddlewaretoken": csrf},
                expect=302,
            )
            if ok:
                with shared.lock:
                    shared.posted.append(part_pk)
                    shared.submitted.append(_screening_of(part_pk))

    def clinician(port: int) -> None:
        browser = Browser(port)
        csrf = browser.csrf_token("/accounts/login/")
        status, _ = browser.request(
            "POST",
            "/accounts/login/",
            {
                "username": data["username"],
                "password": data["password"],
                "csrfmiddlewaretoken": csrf,
            },
        )
        if status != 302:
            raise RuntimeError(f"clinician sign-in failed: HTTP {status}")
        slug = data["slug"]
        while time.perf_counter() < deadline:
            timed("clinician patient list", browser, "GET", f"/clinic/{slug}/patients/")
            timed(
                "clinician patient list, later page",
                browser,
                "GET",
                f"/clinic/{slug}/patients/?after={data['later_code']}",
            )
            timed(
                "clinician patient page",
                browser,
                "GET",
                f"/patients/{data['patient_pk']}/",
            )
            timed(
                "clinician result page",
                browser,
                "GET",
                f"/screenings/{data['result_pk']}/result/",
            )
            fresh = shared.take_submitted()
            if fresh is not None:
                cached = report_is_cached(fresh)
                with shared.lock:
                    shared.first_downloads += 1
                    shared.cache_hits += int(cached)
                timed(
                    "clinician PDF download",
                    browser,
                    "GET",
                    f"/screenings/{fresh}/report/clinician.pdf",
                )

    threads = [
        threading.Thread(
            target=respondent if n < respondents else clinician,
            args=(next(port_cycle),),
        )
        for n in range(concurrency)
    ]
    started = time.perf_counter()
    cpu = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - cpu
    for run in runs.values():
        run.seconds = wall
    figures = {kind: run.figures() for kind, run in sorted(runs.items())}
    total = sum(len(run.latencies) for run in runs.values())
    worst = max((f["p95_ms"] or 0.0) for f in figures.values()) if figures else 0.0
    return {
        "concurrency": concurrency,
        "respondent_threads": respondents,
        "seconds": round(wall, 1),
        "requests": total,
        "rps": round(total / wall, 1),
        "rps_per_core": round(total / wall / (os.cpu_count() or 1), 1),
        "worst_p95_ms": worst,
        "client_cpu_per_s": round(client_cpu / wall, 2),
        "unexpected": unexpected,
        "kinds": figures,
    }


def _screening_of(part_pk: int) -> int:
    from questionnaires.models import ScreeningPart

    return int(
        ScreeningPart.objects.values_list("screening_id", flat=True).get(pk=part_pk)
    )


def exactly_once(shared: Shared, all_parts: list[int]) -> dict[str, Any]:
    """Each POSTed part submitted and scored with one submission event; no other."""
    from django.db.models import Q

    from questionnaires.models import AuditEvent, ScreeningPart

    posted = set(shared.posted)
    parts = ScreeningPart.objects.filter(pk__in=all_parts)
    submitted = set(parts.filter(status="submitted").values_list("pk", flat=True))
    unscored = (
        parts.filter(status="submitted")
        .filter(Q(result__isnull=True) | Q(screening__result__isnull=True))
        .count()
    )
    events: dict[str, int] = {}
    for target in AuditEvent.objects.filter(
        action="screening_part.submit",
        target_type="questionnaires.screeningpart",
        target_id__in=[str(pk) for pk in all_parts],
    ).values_list("target_id", flat=True):
        events[target] = events.get(target, 0) + 1
    return {
        "posted": len(posted),
        "submitted": len(submitted),
        "same_parts": posted == submitted,
        "unscored": unscored,
        "events_not_one": sum(1 for pk in submitted if events.get(str(pk)) != 1),
        "ok": posted == submitted
        and unscored == 0
        and all(events.get(str(pk)) == 1 for pk in submitted),
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--concurrency", default="4,8,16")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="per app server")
    parser.add_argument("--respondent-share", type=float, default=0.7)
    parser.add_argument("--respondents", type=int, default=600)
    parser.add_argument("--history", type=int, default=2000)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument("--json", type=Path, default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with postgres_database(args.admin_url, "mixed") as database_url:
        os.environ.update(
            {
                "DATABASE_URL": database_url,
                "REDIS_URL": args.redis_url,
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
                # One client address sends every request.
                "TOKEN_RATE_LIMIT": "100000000/m",
                "LOGIN_RATE_LIMIT": "100000000/m",
                "LOG_LEVEL": "WARNING",
            }
        )
        data = prepare(args.respondents, args.history)
        from django.core.cache import cache

        cache.clear()
        shared = Shared(data["respondents"])
        ports = [free_port(), free_port()]
        logs = Path(tempfile.gettempdir())
        results = []
        with ExitStack() as stack:
            for port in ports:
                stack.enter_context(
                    server(port, args.workers, logs / f"hikiscreen-mixed-{port}.log")
                )
            stack.enter_context(task_worker(logs / "hikiscreen-mixed-worker.log"))
            print(
                f"two app servers x {args.workers} workers, one task worker, "
                f"{os.cpu_count()} cores; {args.history} screenings of history",
                flush=True,
            )
            for concurrency in (int(c) for c in args.concurrency.split(",")):
                result = level(
                    data,
                    shared,
                    ports,
                    concurrency=concurrency,
                    seconds=args.seconds,
                    share=args.respondent_share,
                )
                results.append(result)
                print(json.dumps({k: v for k, v in result.items() if k != "kinds"}))
                for kind, figures in result["kinds"].items():
                    print(f"    {kind:38} {figures}", flush=True)
        checked = exactly_once(shared, [pk for _, pk in data["respondents"]])
        summary = {
            "levels": results,
            "sustained": max(
                (
                    r["concurrency"]
                    for r in results
                    if r["worst_p95_ms"] < P95_TARGET_MS
                ),
                default=None,
            ),
            "first_downloads": shared.first_downloads,
            "first_downloads_from_cache": shared.cache_hits,
            "exactly_once": checked,
        }
        print(json.dumps({k: v for k, v in summary.items() if k != "levels"}))
        from django.db import connections

        connections.close_all()
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2))
    return 0 if checked["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
