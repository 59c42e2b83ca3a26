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
  screening's snapshot; a screening is urgent exactly when its result has a
  suicide-risk flag, as the app marks it, and all but the 25 most recent urgent
  screenings are acknowledged (so the urgent queue is as full at every size);
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
import functools
import heapq
import itertools
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
from typing import Any, NamedTuple

ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
CLINIC_SHARES = (0.40, 0.30, 0.15, 0.10, 0.05)
SELF_PROTOCOL = "self_report_brief"
FAMILY_PROTOCOL = "family"
FAMILY_SHARE = 0.30
ANSWER_POOL = 64
#: The share of answers to a risk item (one that can raise an urgent flag) that are
#: the lowest (no risk) option, so that a few percent of screenings are urgent, as
#: in a clinic.
SAFE_SHARE = 0.99
AGE_RANGE = (13, 29)


# --- The scratch database -----------------------------------------------------------


@contextmanager
def scratch_database(admin_url: str, prefix: str, keep: bool = False) -> Iterator[str]:
    """A new PostgreSQL database, dropped (with its connections) at the end
    unless ``keep`` (to read its plans by hand; drop it yourself)."""
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
        if keep:
            print(f"kept the database {name}", flush=True)
        else:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


# --- Synthetic answers through the scoring engine ----------------------------------


def risk_items(definition: Any) -> set[str]:
    """The items that can raise an urgent flag: safety items, and those an urgent
    flag rule reads (the ASQ's questions 1-4, PHQ-9 item 9, ...)."""
    from questionnaires.scoring.definitions import AllOf, AnyOf

    found = {item.code for item in definition.items if item.safety}
    stack = [r.when for r in definition.scoring.flags if r.severity == "urgent"]
    while stack:
        condition = stack.pop()
        if isinstance(condition, AllOf | AnyOf):
            stack.extend(condition.conditions)
        elif condition.ref.startswith("item:"):
            found.add(condition.ref.removeprefix("item:"))
    return found


def _random_value(item: Any, rng: random.Random, age: int, risky: bool) -> Any:
    from questionnaires.scoring.definitions import CHOICE_KINDS

    if item.kind in CHOICE_KINDS:
        values = sorted(option.value for option in item.options)
        if risky and rng.random() < SAFE_SHARE:
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
) -> list[Pooled]:
    """``size`` answer sets, each scored by the engine, with the texts to store."""
    from django.core.serializers.json import DjangoJSONEncoder

    from questionnaires.scoring import InvalidInput, score

    risky = {code: risk_items(d) for code, d in definitions.items()}
    pool: list[Pooled] = []
    while len(pool) < size:
        age = rng.randint(*AGE_RANGE)
        answers = {
            code: {
                item.code: value
                for item in definition.items
                if (value := _random_value(item, rng, age, item.code in risky[code]))
                is not None
            }
            for code, definition in definitions.items()
        }
        try:
            result = score(definitions, answers, age=age)
        except InvalidInput:
            continue
        snapshot = result.as_json()
        localised = {lang: result.as_json(lang) for lang in ("ja", "it")}
        # Urgent as the app marks it (services.screenings): a suicide-risk flag.
        urgent = result.flag("suicide_risk") is not None
        pool.append(
            Pooled(
                age,
                answers,
                json.dumps(snapshot, cls=DjangoJSONEncoder),
                json.dumps(localised, cls=DjangoJSONEncoder),
                urgent,
            )
        )
    return pool


# --- Filling the database with COPY ------------------------------------------------

#: COPY's text format: a backslash, tab, newline or carriage return is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_field(value: Any) -> str:
    """One value as a field of COPY's text format (``\\N`` for NULL)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


class LineReader:
    """A file over an iterator of COPY lines, for ``cursor.copy_expert``.

    psycopg2 calls ``read(size)`` until it returns an empty string; each call
    returns a few thousand lines, so a table's rows are built while COPY runs and
    never held in memory all at once.
    """

    def __init__(self, lines: Iterator[str], per_read: int = 2000) -> None:
        self.lines, self.per_read = lines, per_read

    def read(self, size: int = -1) -> str:
        return "".join(itertools.islice(self.lines, self.per_read))


def copy_rows(
    cursor: Any, table: str, columns: list[str], rows: Iterator[dict[str, Any]]
) -> int:
    """COPY every row (a dict by column name) into ``table``; the number copied."""
    count = 0

    def lines() -> Iterator[str]:
        nonlocal count
        for row in rows:
            count += 1
            yield "\t".join([copy_field(row[column]) for column in columns]) + "\n"

    cursor.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN",
        LineReader(lines()),
        size=1 << 16,
    )
    return count


class Pooled(NamedTuple):
    """One scored answer set, with the text its screening row stores."""

    age: int
    answers: dict[str, dict[str, Any]]
    result: str  # the snapshot as JSON, as ``Screening.result`` stores it
    localised: str  # ``Screening.result_localised``
    urgent: bool


class Planned(NamedTuple):
    """One screening of the data set, with its patient."""

    clinic: int
    patient: int
    #: ``(birth_year, sex, created_at)`` on a patient's first screening, else None.
    new_patient: tuple[int, str, datetime] | None
    screening: int
    when: datetime
    kind: str  # "self" or "both" (with a family part)
    answer_set: int  # its index in the pool


def plan(
    screenings: int,
    seed: int,
    clinics: list[int],
    start: dict[str, int],
    now: datetime,
) -> Iterator[Planned]:
    """The data set, one screening at a time; the same for the same arguments.

    The patients' COPY and the screenings' walk it in turn, so that neither waits
    for the other in memory; parts, answers and audit events are made from the
    screenings in PostgreSQL.
    """
    rng = random.Random(seed + 1)  # noqa: S311 - synthetic data, repeatable by seed
    epoch = now - timedelta(days=3 * 365)
    # A patient's first screening early enough that the last (90 days apart) is past.
    span = (now - epoch - timedelta(days=90 * 3 + 1)).total_seconds()
    patient, screening = start["patient"], start["screening"]
    for clinic, share in zip(clinics, CLINIC_SHARES, strict=True):
        target = round(screenings * share)
        made = 0
        while made < target:
            patient += 1
            birth = rng.randint(1995, 2012)
            sex = rng.choice(("", "female", "male", "other"))
            first = epoch + timedelta(seconds=rng.random() * span)
            new: tuple[int, str, datetime] | None = (birth, sex, first)
            for k in range(min(rng.randint(1, 4), target - made)):
                made += 1
                screening += 1
                when = first + timedelta(days=90 * k, seconds=rng.random() * 3600)
                kind = "both" if rng.random() < FAMILY_SHARE else "self"
                index = rng.randrange(ANSWER_POOL)
                yield Planned(clinic, patient, new, screening, when, kind, index)
                new = None


#: Urgent screenings are acknowledged this long after they became urgent, except
#: the most recent OPEN_URGENT, whose safety step is still open: the clinics keep
#: up, so the urgent queue holds as many at every size (it shows 20, then "more").
ACKNOWLEDGED_AFTER = timedelta(hours=2)
OPEN_URGENT = 25

#: The screening's columns that hold its scored result (JSON, a few KB).
SNAPSHOT_COLUMNS = ("result", "result_localised")

#: The audit events of each screening: action, whether the clinician is the actor.
AUDIT_TRAIL = (
    ("screening.create", True),
    ("screening_part.submit", False),
    ("screening.view_result", True),
)


def insert_select(
    cursor: Any,
    table: str,
    values: dict[str, str],
    source: str,
    params: list[Any] | None = None,
) -> int:
    """``INSERT INTO table (columns) SELECT expressions source``: rows made from
    others inside PostgreSQL. ``values`` maps each column to its SQL expression
    (written here, never input). The number of rows inserted."""
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(values)}) "  # noqa: S608
        f"SELECT {', '.join(values.values())} {source}",
        params,
    )
    return int(cursor.rowcount)


@contextmanager
def indexes_built_after(cursor: Any, tables: list[str]) -> Iterator[list[str]]:
    """Drop the tables' secondary indexes and unique constraints, and build them
    again at the end: one sorted build is much faster than updating them row by
    row. Primary keys stay. Inside a transaction, a failure restores them all."""
    cursor.execute(
        "SELECT t.relname, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),"
        " c.conname, pg_get_constraintdef(c.oid)"
        " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
        " LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid"
        " AND c.conrelid = t.oid AND c.contype IN ('u', 'x')"
        " WHERE t.relname = ANY(%s) AND t.relkind = 'r' AND NOT i.indisprimary",
        [tables],
    )
    found = cursor.fetchall()
    for table, index, _, constraint, _ in found:
        if constraint:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
        else:
            cursor.execute(f"DROP INDEX {index}")
    yield [index for _, index, _, _, _ in found]
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    for table, _, definition, constraint, constraint_definition in found:
        if constraint:
            cursor.execute(
                f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" '
                f"{constraint_definition}"
            )
        else:
            cursor.execute(definition)


def fill(screenings: int, seed: int) -> dict[str, Any]:
    """Create the clinics, patients, screenings, parts, answers and audit events.

    One transaction. Foreign keys are not checked row by row (the session runs as a
    replica, which skips their triggers: every id is assigned here, consistently;
    ``tests/bench/test_scale.py`` checks them), and the secondary indexes are built
    once at the end. Returns the seconds taken, per stage, and the rows per table.
    """
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
        SafetyAcknowledgement,
        Screening,
        ScreeningPart,
    )

    rng = random.Random(seed)  # noqa: S311 - synthetic data, repeatable by seed
    started = time.perf_counter()
    stages: dict[str, float] = {}

    def stage(name: str) -> None:
        stages[name] = round(time.perf_counter() - started - sum(stages.values()), 1)

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
    stage("scoring the answer pool")
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
        clinics.append(clinic.pk)
    family_roles = set(definitions[FAMILY_PROTOCOL])
    now = datetime.now(UTC)
    models = (Patient, Screening, ScreeningPart, Answer, AuditEvent)
    tables = {model: model._meta.db_table for model in models}
    columns = {
        model: [str(f.column) for f in model._meta.concrete_fields] for model in models
    }
    rows: dict[str, int] = {}

    with transaction.atomic(), connection.cursor() as django_cursor:
        raw = django_cursor.cursor
        raw.execute("SET LOCAL session_replication_role = replica")

        def top(model: Any) -> int:
            table = tables[model]  # a model's own table name, not input
            raw.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
            return int(raw.fetchone()[0])

        start = {
            "patient": top(Patient),
            "screening": top(Screening),
        }

        def planned() -> Iterator[Planned]:
            return plan(screenings, seed, clinics, start, now)

        def patients() -> Iterator[dict[str, Any]]:
            for p in planned():
                if p.new_patient is not None:
                    birth, sex, first = p.new_patient
                    yield {
                        "id": p.patient,
                        "organisation_id": p.clinic,
                        "code": f"P{p.clinic}-{p.patient:07d}",
                        "birth_year": birth,
                        "sex": sex,
                        "created_by_id": clinician.pk,
                        "created_at": first,
                    }

        # The most recent urgent screenings, whose safety step is still open.
        urgent_ones = (
            (p.when, p.screening)
            for p in planned()
            if pools[p.kind][p.answer_set].urgent
        )
        still_open = {pk for _, pk in heapq.nlargest(OPEN_URGENT, urgent_ones)}

        def screening_rows() -> Iterator[dict[str, Any]]:
            for p in planned():
                pooled = pools[p.kind][p.answer_set]
                done = p.when + timedelta(minutes=20)
                urgent = p.when + timedelta(minutes=5) if pooled.urgent else None
                yield {
                    "id": p.screening,
                    "organisation_id": p.clinic,
                    "patient_id": p.patient,
                    "age": pooled.age,
                    "created_by_id": clinician.pk,
                    "created_at": p.when,
                    "urgent_at": urgent,
                    "safety_acknowledged_at": urgent + ACKNOWLEDGED_AFTER
                    if urgent and p.screening not in still_open
                    else None,
                    "completed_at": done,
                    "pool": f"{p.kind}-{p.answer_set}",
                    "scored_at": done,
                }

        def pool_answers() -> Iterator[dict[str, Any]]:
            for kind, entries in pools.items():
                for index, pooled in enumerate(entries):
                    for code, items in pooled.answers.items():
                        role = "informant" if code in family_roles else "self"
                        for item_code, value in items.items():
                            yield {
                                "pool": f"{kind}-{index}",
                                "role": role,
                                "version": version_of[code],
                                "item": item_code,
                                "value": json.dumps(value),
                            }

        with indexes_built_after(raw, list(tables.values())):
            stage("setting up")
            # The screenings' result snapshots (a few KB each) are parsed and
            # compressed once per answer set in a temporary table, and joined in.
            raw.execute(
                "CREATE TEMP TABLE pool_result (pool text, result jsonb,"
                " result_localised jsonb)"
            )
            copy_rows(
                raw,
                "pool_result",
                ["pool", "result", "result_localised"],
                (
                    {
                        "pool": f"{kind}-{index}",
                        "result": pooled.result,
                        "result_localised": pooled.localised,
                    }
                    for kind, entries in pools.items()
                    for index, pooled in enumerate(entries)
                ),
            )
            plain = [c for c in columns[Screening] if c not in SNAPSHOT_COLUMNS]
            raw.execute(
                "CREATE TEMP TABLE screening_plan AS SELECT "  # noqa: S608
                f"{', '.join(plain)} FROM {tables[Screening]} WITH NO DATA"
            )
            raw.execute("ALTER TABLE screening_plan ADD COLUMN pool text")
            copy_rows(raw, "screening_plan", [*plain, "pool"], screening_rows())
            raw.execute(
                f"INSERT INTO {tables[Screening]} "  # noqa: S608 - a model's table
                f"({', '.join([*plain, *SNAPSHOT_COLUMNS])}) "
                f"SELECT {', '.join(f's.{c}' for c in plain)}, "
                f"{', '.join(f'r.{c}' for c in SNAPSHOT_COLUMNS)} "
                "FROM screening_plan s JOIN pool_result r ON r.pool = s.pool"
            )
            rows[str(Screening._meta.model_name)] = raw.rowcount
            stage(f"COPY {tables[Screening]}")
            rows["patient"] = copy_rows(
                raw, tables[Patient], columns[Patient], patients()
            )
            stage(f"COPY {tables[Patient]}")
            raw.execute("SET LOCAL work_mem = '256MB'")  # the joins below, in memory
            raw.execute("ANALYZE screening_plan")
            # Parts and audit events follow from the screenings: made in PostgreSQL.
            rows["screeningpart"] = insert_select(
                raw,
                tables[ScreeningPart],
                {
                    "screening_id": "s.id",
                    "role": "r.role",
                    "protocol_id": "r.protocol",
                    "mode": "'link'",
                    "status": "'submitted'",
                    "language": "'ja'",
                    "last_page": "0",
                    "started_at": "s.created_at",
                    "submitted_at": "s.completed_at",
                    "submitted_by_id": "NULL",
                    "crisis_at": "NULL",
                    "result": "NULL",
                    "created_at": "s.created_at",
                },
                "FROM screening_plan s JOIN (VALUES ('self', %s, ''),"
                " ('informant', %s, 'both-')) AS r(role, protocol, pool)"
                " ON s.pool LIKE r.pool || '%%'",
                [protocols[SELF_PROTOCOL].pk, protocols[FAMILY_PROTOCOL].pk],
            )
            stage(f"INSERT {tables[ScreeningPart]}")
            rows["auditevent"] = insert_select(
                raw,
                tables[AuditEvent],
                {
                    "actor_id": "CASE WHEN t.by_clinician THEN %s END",
                    "actor_label": "CASE WHEN t.by_clinician THEN '' "
                    "ELSE 'respondent' END",
                    "action": "t.action",
                    "organisation_id": "s.organisation_id",
                    "target_type": "'questionnaires.screening'",
                    "target_id": "s.id::text",
                    "details": "jsonb_build_object('screening', s.id)",
                    "created_at": "s.created_at + t.minutes * interval '1 minute'",
                },
                "FROM screening_plan s CROSS JOIN (VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(AUDIT_TRAIL))
                + ") AS t(action, by_clinician, minutes)",
                [
                    clinician.pk,
                    *(
                        value
                        for action, by_clinician in AUDIT_TRAIL
                        for value in (action, by_clinician, len(action))
                    ),
                ],
            )
            stage(f"INSERT {tables[AuditEvent]}")
            raw.execute(
                "CREATE TEMP TABLE pool_answer (pool text, role text, version bigint,"
                " item text, value jsonb)"
            )
            copy_rows(
                raw,
                "pool_answer",
                ["pool", "role", "version", "item", "value"],
                pool_answers(),
            )
            # Statistics for the joins (temporary tables are never auto-analysed).
            raw.execute(f"ANALYZE screening_plan, pool_answer, {tables[ScreeningPart]}")
            # The answers: each part's answer set's rows, copied inside PostgreSQL.
            rows["answer"] = insert_select(
                raw,
                tables[Answer],
                {
                    "part_id": "p.id",
                    "instrument_version_id": "a.version",
                    "item_code": "a.item",
                    "option_code": "''",
                    "value": "a.value",
                    "updated_at": "p.submitted_at",
                },
                f"FROM {tables[ScreeningPart]} p "
                "JOIN screening_plan s ON s.id = p.screening_id "
                "JOIN pool_answer a ON a.pool = s.pool AND a.role = p.role",
            )
            stage(f"INSERT {tables[Answer]}")
        stage("building the indexes")
        # The acknowledgements of the urgent screenings whose safety step is done.
        raw.execute(
            f"INSERT INTO {SafetyAcknowledgement._meta.db_table} "  # noqa: S608
            "(screening_id, outcome, note, by_id, at) "
            "SELECT id, %s, '', %s, safety_acknowledged_at "
            f"FROM {tables[Screening]} WHERE safety_acknowledged_at IS NOT NULL",
            [SafetyAcknowledgement.Outcome.ASSESSED, clinician.pk],
        )
        rows[str(SafetyAcknowledgement._meta.model_name)] = raw.rowcount
        for name in tables.values():  # a model's own table name, not input
            sql = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"  # noqa: E501, S608
            raw.execute(sql)
    stage("commit")
    connection.close()
    _vacuum_analyze()
    stage("VACUUM ANALYZE")
    elapsed = time.perf_counter() - started
    return {"seconds": round(elapsed, 1), "stages": stages, "rows": rows}


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
    statuses = set()
    for _ in range(repeat):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        statuses.add(response.status_code)
    times.sort()
    return {
        "p50": round(statistics.median(times), 1),
        "p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
        # Every timed response's status: one code, or the figures mix two pages.
        "statuses": sorted(statuses),
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
            f"HTTP {'/'.join(map(str, result['statuses']))}",
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
    with scratch_database(args.admin_url, args.prefix, args.keep) as url:
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
            f"{size:,} screenings: filled in {filled['seconds']} s {filled['rows']}\n"
            f"  stages (s): {filled['stages']}",
            flush=True,
        )
        storage = database_sizes()
        print(f"  sizes (MiB): {storage}", flush=True)
        figures = {} if args.fill_only else measure(args.repeat)
        connections.close_all()
    return {"screenings": size, "fill": filled, "storage": storage, "pages": figures}


def database_sizes() -> dict[str, Any]:
    """The database's size and its biggest tables' (heap with TOAST, indexes), MiB."""
    from django.db import connection

    mib = 2**20
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname = 'public'"
            " ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 6"
        )
        tables = {
            name: {"table": round(heap / mib, 1), "indexes": round(index / mib, 1)}
            for name, heap, index in cursor.fetchall()
        }
    return {"database": round(total / mib, 1), "tables": tables}


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
    parser.add_argument(
        "--keep", action="store_true", help="keep each database (drop it yourself)"
    )
    parser.add_argument(
        "--fill-only",
        action="store_true",
        help="fill each size and report its size and time, measure no page",
    )
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
    # The respondent pages are timed many times a minute from one address.
    os.environ.setdefault("TOKEN_RATE_LIMIT", "100000000/m")
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
