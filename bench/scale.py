"""Scale benchmark: page times, plans and export rate on a large synthetic data set.

``make bench-scale`` runs ``python -m bench.scale``. For each size (screenings) it
creates a scratch PostgreSQL database beside ``--admin-url``, migrates it, loads the
bundled instruments, and fills it with COPY (never one save per row):

- five clinics; the biggest holds 40 % of the screenings (the others 30, 15, 10, 5);
- patients with 1-4 screenings each (2.5 on average), birth years 1995-2012;
- every screening has a submitted self-report part (``self_report_brief``), and 30 %
  a submitted family part too; their answers are drawn at random (low options more
  likely) from a pool of answer sets, each scored by the scoring engine, whose
  result (with its Japanese and Italian texts, as the app stores it) is the
  screening's snapshot; a screening is urgent exactly when its result has an urgent
  flag;
- three audit events per screening (created, part submitted, result viewed).

Then, in-process with Django's test client (warm, one process, like the issue's
figures), it times each page ``--repeat`` times for the biggest clinic and reports
p50/p95 in ms, the queries per page, and ``EXPLAIN (ANALYZE, BUFFERS)`` of each
page's slowest query; then the clinic CSV export's rows/s and its tracemalloc peak.
The database is dropped at the end, also on failure.

Figures are noisy on a shared machine (state the load when you quote them).
``--project`` points at another checkout (e.g. main) to measure its code on the
same data: the script only needs the URLs, which are the same.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import os
import random
import secrets
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
CLINIC_SHARES = (0.40, 0.30, 0.15, 0.10, 0.05)
SELF_PROTOCOL = "self_report_brief"
FAMILY_PROTOCOL = "family"
FAMILY_SHARE = 0.30
ANSWER_POOL = 64
#: The share of answers to a safety item that are the lowest (no risk) option, so
#: that a few percent of screenings are urgent, as in a clinic.
SAFE_SHARE = 0.99
AGE_RANGE = (13, 29)


# --- The scratch database -----------------------------------------------------------


@contextmanager
def scratch_database(admin_url: str, prefix: str) -> Iterator[str]:
    """A new PostgreSQL database, dropped (with its connections) at the end."""
    import psycopg2

    name = f"{prefix}{secrets.token_hex(4)}"
    admin = psycopg2.connect(admin_url, connect_timeout=10)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
            # A benchmark's data can be rebuilt: commits need not wait for the disk.
            cursor.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        from django.db import connections

        connections.close_all()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


# --- Synthetic answers through the scoring engine ----------------------------------


def _random_value(item: Any, rng: random.Random, age: int) -> Any:
    from questionnaires.scoring.definitions import CHOICE_KINDS

    if item.kind in CHOICE_KINDS:
        values = sorted(option.value for option in item.options)
        if item.safety and rng.random() < SAFE_SHARE:
            return values[0]  # most young people screened report no current risk
        weights = [2.0**-n for n in range(len(values))]  # low options more likely
        return rng.choices(values, weights=weights)[0]
    if item.kind == "time_of_day":
        return f"{rng.randrange(24):02d}:{rng.choice((0, 30)):02d}"
    if item.kind == "free_text":
        return None
    if item.kind == "age":
        return rng.randint(10, age)
    low, high = item.bounds or (0, 10)
    return rng.randint(int(low), int(high))


def answer_pool(
    definitions: dict[str, Any], size: int, rng: random.Random
) -> list[tuple[int, dict[str, dict[str, Any]], dict[str, Any], dict[str, Any]]]:
    """``size`` (age, answers, result, localised results), scored by the engine."""
    from questionnaires.scoring import InvalidInput, score

    pool: list[
        tuple[int, dict[str, dict[str, Any]], dict[str, Any], dict[str, Any]]
    ] = []
    while len(pool) < size:
        age = rng.randint(*AGE_RANGE)
        answers = {
            code: {
                item.code: value
                for item in definition.items
                if (value := _random_value(item, rng, age)) is not None
            }
            for code, definition in definitions.items()
        }
        try:
            result = score(definitions, answers, age=age)
        except InvalidInput:
            continue
        localised = {lang: result.as_json(lang) for lang in ("ja", "it")}
        pool.append((age, answers, result.as_json(), localised))
    return pool


# --- Filling the database with COPY ------------------------------------------------


class Copier:
    """Rows for one table, sent with COPY every ``batch`` rows."""

    def __init__(self, cursor: Any, table: str, columns: list[str]) -> None:
        self.cursor, self.table, self.columns = cursor, table, columns
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.pending = 0
        self.total = 0

    def add(self, *values: Any) -> None:
        self.writer.writerow(["\\N" if v is None else v for v in values])
        self.pending += 1
        if self.pending >= 50_000:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.buffer.seek(0)
        self.cursor.copy_expert(
            f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN "
            "WITH (FORMAT csv, NULL '\\N')",
            self.buffer,
        )
        self.total += self.pending
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.pending = 0


def fill(screenings: int, seed: int) -> dict[str, Any]:
    """Create the clinics, patients, screenings, parts, answers and audit events."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from questionnaires.bank.convert import version_definition
    from questionnaires.models import (
        Answer,
        AuditEvent,
        Membership,
        Organisation,
        Patient,
        Protocol,
        Screening,
        ScreeningPart,
    )

    rng = random.Random(seed)  # noqa: S311 - synthetic data, repeatable by seed
    started = time.perf_counter()
    protocols = {
        code: Protocol.objects.get(code=code)
        for code in (SELF_PROTOCOL, FAMILY_PROTOCOL)
    }
    versions = {
        code: [
            e.instrument_version
            for e in p.entries.select_related("instrument_version__instrument")
        ]
        for code, p in protocols.items()
    }
    definitions = {
        code: {v.instrument.code: version_definition(v) for v in vs}
        for code, vs in versions.items()
    }
    version_of = {v.instrument.code: v.pk for vs in versions.values() for v in vs}
    both = {**definitions[SELF_PROTOCOL], **definitions[FAMILY_PROTOCOL]}
    pools = {
        "self": answer_pool(definitions[SELF_PROTOCOL], ANSWER_POOL, rng),
        "both": answer_pool(both, ANSWER_POOL, rng),
    }
    clinician = User.objects.create_user(username="scale-clinician")
    admin = User.objects.create_user(username="scale-admin")
    clinics = []
    for n, _ in enumerate(CLINIC_SHARES):
        clinic = Organisation.objects.create(
            name=f"Scale clinic {n}", slug=f"scale-{n}"
        )
        Membership.objects.create(user=clinician, organisation=clinic)
        Membership.objects.create(
            user=admin, organisation=clinic, role=Membership.Role.ORG_ADMIN
        )
        clinics.append(clinic)
    family_roles = set(definitions[FAMILY_PROTOCOL])
    now = datetime.now(UTC)
    epoch = now - timedelta(days=3 * 365)
    span = (now - epoch).total_seconds()

    def table(model: Any) -> tuple[str, list[str]]:
        columns = [f.column for f in model._meta.concrete_fields]
        return model._meta.db_table, columns

    # One transaction: the foreign keys (deferred) are checked once, at the end.
    with transaction.atomic(), connection.cursor() as django_cursor:
        raw = django_cursor.cursor
        copiers = {
            model: Copier(raw, *table(model))
            for model in (Patient, Screening, ScreeningPart, Answer, AuditEvent)
        }

        def top(model: Any) -> int:
            table = model._meta.db_table  # a model's own table name, not input
            raw.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
            return int(raw.fetchone()[0])

        raw.execute("CREATE TEMP TABLE part_pool (part bigint, pool text, role text)")
        part_pool = Copier(raw, "part_pool", ["part", "pool", "role"])
        ids = {
            "patient": top(Patient),
            "screening": top(Screening),
            "part": top(ScreeningPart),
            "event": top(AuditEvent),
        }
        for clinic, share in zip(clinics, CLINIC_SHARES, strict=True):
            target = round(screenings * share)
            made = 0
            while made < target:
                ids["patient"] += 1
                patient_id = ids["patient"]
                birth = rng.randint(1995, 2012)
                sex = rng.choice(("", "female", "male", "other"))
                first = epoch + timedelta(seconds=rng.random() * span * 0.9)
                copiers[Patient].add(
                    *_row(
                        copiers[Patient].columns,
                        id=patient_id,
                        organisation_id=clinic.pk,
                        code=f"P{clinic.pk}-{patient_id:07d}",
                        birth_year=birth,
                        sex=sex,
                        created_by_id=clinician.pk,
                        created_at=first,
                    )
                )
                for k in range(min(rng.randint(1, 4), target - made)):
                    made += 1
                    when = first + timedelta(days=90 * k, seconds=rng.random() * 3600)
                    with_family = rng.random() < FAMILY_SHARE
                    kind = "both" if with_family else "self"
                    index = rng.randrange(ANSWER_POOL)
                    age, answers, result, localised = pools[kind][index]
                    pool_key = f"{kind}-{index}"
                    urgent = any(f["severity"] == "urgent" for f in result["flags"])
                    ids["screening"] += 1
                    sid = ids["screening"]
                    copiers[Screening].add(
                        *_row(
                            copiers[Screening].columns,
                            id=sid,
                            organisation_id=clinic.pk,
                            patient_id=patient_id,
                            age=age,
                            created_by_id=clinician.pk,
                            created_at=when,
                            urgent_at=when + timedelta(minutes=5) if urgent else None,
                            completed_at=when + timedelta(minutes=20),
                            result=json.dumps(result),
                            result_localised=json.dumps(localised),
                            scored_at=when + timedelta(minutes=20),
                        )
                    )
                    roles = [("self", SELF_PROTOCOL)]
                    if with_family:
                        roles.append(("informant", FAMILY_PROTOCOL))
                    for role, protocol_code in roles:
                        ids["part"] += 1
                        copiers[ScreeningPart].add(
                            *_row(
                                copiers[ScreeningPart].columns,
                                id=ids["part"],
                                screening_id=sid,
                                role=role,
                                protocol_id=protocols[protocol_code].pk,
                                mode="link",
                                status="submitted",
                                language="ja",
                                last_page=0,
                                started_at=when,
                                submitted_at=when + timedelta(minutes=20),
                                submitted_by_id=None,
                                crisis_at=None,
                                result=None,
                                created_at=when,
                            )
                        )
                        part_pool.add(ids["part"], pool_key, role)
                    for action, actor in (
                        ("screening.create", clinician.pk),
                        ("screening_part.submit", None),
                        ("screening.view_result", clinician.pk),
                    ):
                        ids["event"] += 1
                        copiers[AuditEvent].add(
                            *_row(
                                copiers[AuditEvent].columns,
                                id=ids["event"],
                                actor_id=actor,
                                actor_label="" if actor else "respondent",
                                action=action,
                                organisation_id=clinic.pk,
                                target_type="questionnaires.screening",
                                target_id=str(sid),
                                details=json.dumps({"screening": sid}),
                                created_at=when + timedelta(minutes=len(action)),
                            )
                        )
        for copier in copiers.values():
            copier.flush()
        part_pool.flush()
        # The answers: each part's pool entry's rows, copied inside PostgreSQL.
        raw.execute(
            "CREATE TEMP TABLE pool_answer (pool text, role text, version bigint, "
            "item text, value jsonb)"
        )
        pool_rows = Copier(
            raw, "pool_answer", ["pool", "role", "version", "item", "value"]
        )
        for kind, entries in pools.items():
            for index, (_, answers, _, _) in enumerate(entries):
                for code, items in answers.items():
                    role = "informant" if code in family_roles else "self"
                    for item_code, value in items.items():
                        pool_rows.add(
                            f"{kind}-{index}",
                            role,
                            version_of[code],
                            item_code,
                            json.dumps(value),
                        )
        pool_rows.flush()
        answer_table = Answer._meta.db_table
        raw.execute(
            f"INSERT INTO {answer_table} "  # noqa: S608 - a model's table
            "(part_id, instrument_version_id, item_code, option_code, value, "
            "updated_at) SELECT pp.part, pa.version, pa.item, '', pa.value, now() "
            "FROM part_pool pp JOIN pool_answer pa "
            "ON pa.pool = pp.pool AND pa.role = pp.role"
        )
        copiers[Answer].total = raw.rowcount
        for model in copiers:
            name = model._meta.db_table  # a model's own table name, not input
            sql = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"  # noqa: E501, S608
            raw.execute(sql)
    connection.close()
    _vacuum_analyze()
    elapsed = time.perf_counter() - started
    rows = {m._meta.model_name: c.total for m, c in copiers.items()}
    return {"seconds": round(elapsed, 1), "rows": rows}


def _row(columns: list[str], **values: Any) -> list[Any]:
    return [values[c] for c in columns]


def _vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")
    connection.close()


# --- Measuring -----------------------------------------------------------------------


class QueryLog:
    """Every query a call runs, with its time (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, Any, float]] = []

    def __call__(
        self, execute: Any, sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, time.perf_counter() - start))


def timed(call: Callable[[], Any], repeat: int, warmup: int = 3) -> dict[str, Any]:
    from django.db import connection

    for _ in range(warmup):
        call()
    log = QueryLog()
    with connection.execute_wrapper(log):
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "p50": round(statistics.median(times), 1),
        "p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
        "queries": len(log.queries),
        "sql": [(sql, params) for sql, params, _ in log.queries],
    }


def explain(query: tuple[str, Any]) -> str:
    from django.db import connection

    sql, params = query
    if not sql.lstrip().upper().startswith("SELECT"):
        return ""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _execution_ms(plan: str) -> float:
    for line in plan.splitlines():
        if line.startswith("Execution Time:"):
            return float(line.split()[2])
    return 0.0


def measure(repeat: int) -> dict[str, Any]:
    """Every page for the biggest clinic; its export's rate and memory."""
    from django.contrib.auth.models import User
    from django.test import Client

    from bench import benchmarks
    from questionnaires.models import AuditEvent, Organisation, Patient, Screening

    clinic = Organisation.objects.get(slug="scale-0")
    clinician = Client()
    clinician.force_login(User.objects.get(username="scale-clinician"))
    admin = Client()
    admin.force_login(User.objects.get(username="scale-admin"))
    patients = Patient.objects.filter(organisation=clinic)
    codes = list(patients.order_by("code").values_list("code", flat=True)[::1000])
    middle = codes[len(codes) // 2]
    busiest = (
        Screening.objects.filter(organisation=clinic)
        .values_list("patient_id", flat=True)
        .order_by("-created_at")[:200]
    )
    patient_id = max(
        set(busiest), key=lambda pk: Screening.objects.filter(patient_id=pk).count()
    )
    screening_id = Screening.objects.filter(patient_id=patient_id).latest("pk").pk
    events = AuditEvent.objects.filter(organisation=clinic).order_by("-created_at")
    late = events.values_list("created_at", "id")[events.count() * 3 // 4]
    late_page = events.count() * 3 // 4 // 50
    scenario = benchmarks.page_scenario()
    assert scenario is not None  # noqa: S101
    respondents = benchmarks.respondents_create(
        scenario.protocol, 4, label=f"scale-{secrets.token_hex(3)}"
    )
    page = f"/r/{respondents[0].token}/page/{scenario.page}/"
    post = f"/r/{respondents[1].token}/page/{scenario.page}/"
    form = {**scenario.answers, "action": "save"}
    respondent = Client()
    slug = clinic.slug
    pages: dict[str, tuple[Client, Callable[[Client], Any]]] = {
        "clinic home": (clinician, lambda c: c.get("/clinic/")),
        "patient list, first page": (
            clinician,
            lambda c: c.get(f"/clinic/{slug}/patients/"),
        ),
        "patient list, later page": (
            clinician,
            lambda c: c.get(f"/clinic/{slug}/patients/", {"after": middle}),
        ),
        "patient search": (
            clinician,
            lambda c: c.get(f"/clinic/{slug}/patients/", {"q": middle[-5:]}),
        ),
        "patient page with trend": (
            clinician,
            lambda c: c.get(f"/patients/{patient_id}/"),
        ),
        "result page": (
            clinician,
            lambda c: c.get(f"/screenings/{screening_id}/result/"),
        ),
        "audit list, first page": (admin, lambda c: c.get(f"/clinic/{slug}/audit/")),
        "audit list, late page": (
            admin,
            lambda c: c.get(
                f"/clinic/{slug}/audit/",
                {"before": f"{late[0].isoformat()}~{late[1]}", "page": str(late_page)},
            ),
        ),
        "respondent GET": (respondent, lambda c: c.get(page)),
        "respondent POST": (respondent, lambda c: c.post(post, form)),
    }
    figures: dict[str, Any] = {}
    for name, (client, call) in pages.items():
        status = call(client).status_code
        result = timed(functools.partial(call, client), repeat)
        result["status"] = status
        plans = [explain(query) for query in result.pop("sql")]
        result["plans"] = [plan for plan in plans if plan]
        result["db_ms"] = round(sum(_execution_ms(plan) for plan in plans), 2)
        figures[name] = result
        print(
            f"  {name:28} {result['p50']:8.1f} {result['p95']:8.1f} ms "
            f"{result['queries']:3d} queries ({result['db_ms']} ms in the database) "
            f"HTTP {status}",
            flush=True,
        )
    figures["export"] = export_figures(clinic)
    return figures


def export_figures(clinic: Any) -> dict[str, Any]:
    """The clinic CSV (research form): rows/s untraced, then the tracemalloc peak."""
    from questionnaires.exports import streams

    def stream() -> tuple[int, int]:
        screenings = streams.organisation_screenings(clinic, streams.ExportFilters())
        export = streams.CsvExport.over(
            streams.versions_used(screenings), research=True
        )
        rows = streams.screening_rows(screenings, export, research=True)
        try:  # the trailer line is new (issue 20); an older checkout has none
            lines = streams.csv_lines(rows, trailer=True)
        except TypeError:
            lines = streams.csv_lines(rows)
        size = count = 0
        trailer = 0
        for chunk in lines:
            size += len(chunk)
            count += chunk.count("\n")
            trailer = int(chunk.startswith("#") or "\n#" in chunk) or trailer
        return size, count - 1 - trailer

    start = time.perf_counter()
    size, rows = stream()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    stream()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures = {
        "rows": rows,
        "megabytes": round(size / 2**20, 1),
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "peak_mib": round(peak / 2**20, 1),
    }
    print(f"  export: {figures}", flush=True)
    return figures


# --- Main ---------------------------------------------------------------------------


def run_size(args: argparse.Namespace, size: int) -> dict[str, Any]:
    with scratch_database(args.admin_url, args.prefix) as url:
        os.environ["DATABASE_URL"] = url
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        settings.DATABASES["default"].update(_parse(url))
        connections.close_all()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_instruments", stdout=open(os.devnull, "w"))  # noqa: SIM115
        filled = fill(size, args.seed)
        print(
            f"{size:,} screenings: filled in {filled['seconds']} s {filled['rows']}",
            flush=True,
        )
        figures = measure(args.repeat)
        connections.close_all()
    return {"screenings": size, "fill": filled, "pages": figures}


def _parse(url: str) -> dict[str, Any]:
    import environ

    return dict(environ.Env.db_url_config(url))


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="screenings per run, comma-separated (default 1000,10000,100000)",
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--prefix", default="hikiscreen_scale_")
    parser.add_argument("--project", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.project is not None:
        sys.path.insert(0, str(args.project.resolve()))
        os.chdir(args.project)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hikiscreen.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ["DATABASE_URL"] = args.admin_url  # replaced per size
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    runs = []
    for size in args.sizes.split(","):
        runs.append(run_size(args, int(size)))
        if args.json is not None:  # after each size: a later failure keeps these
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps({"runs": runs}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
