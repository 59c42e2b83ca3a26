"""The few SQL statements written by hand, for the questionnaire page and the CSV
exports (STYLE.md §1.8).

Every answer page POST reads a part's saved answers under the part's row lock,
upserts the page's answers and updates the part. The ORM can do each of these, but
it builds the SQL again on every request, and it sends every statement in a round
trip of its own. Here each of them is a named statement below, run through
Django's public ``connection.cursor()`` API, and on PostgreSQL the statements of one
step go to the server together, in one round trip, in order.

A clinic CSV export reads every answer of every screening it holds: EXPORT_ANSWERS
aggregates them per part and instrument version in the database (a JSON object
each), which the ORM has no portable aggregate for.

Everything else, the token lookup included, goes through the ORM. ``tests/test_sql.py``
runs every statement against the schema the models define (SQLite, and PostgreSQL
with ``DATABASE_URL``) and compares what it reads or writes with what the ORM reads
or writes. Table and column names are those of ``questionnaires/models``; a
migration that renames one must change them here too (the tests then fail).

Values are always parameters, never part of the SQL text. Like ``QuerySet.update()``,
these writes send no ``pre_save``/``post_save`` signals (the app connects none).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection

from questionnaires.scoring.rules import Value

#: One statement and its parameters.
Statement = tuple[str, Sequence[Any]]
#: A saved answer as a page reads it: (instrument version id, item code, value).
AnswerRow = tuple[int, str, Value]

# --- The statements ------------------------------------------------------------

#: A part's saved answers, (instrument version id, item code, value as JSON text),
#: in no particular order. (The ORM would also order by the model's default
#: ordering, which joins the part's table for nothing.)
ANSWER_ROWS = """
SELECT instrument_version_id, item_code, value
FROM questionnaires_answer
WHERE part_id = %s
"""

#: Locks a part's row until the end of the transaction (PostgreSQL; SQLite locks the
#: whole database for a write transaction instead). Runs on its own, before
#: PART_WITH_ANSWERS: in READ COMMITTED the next statement then starts once the lock
#: is held, so it sees every answer committed by the save it may have waited for.
#: (Read in this same statement, they would come from a snapshot older than the
#: lock.)
PART_LOCK = """
SELECT id FROM questionnaires_screeningpart WHERE id = %s FOR UPDATE
"""

#: A part's progress and its saved answers: one row per answer (the part's columns
#: repeated), or one row with NULL answer columns when there is none.
PART_WITH_ANSWERS = """
SELECT p.status, p.last_page, p.language,
       p.started_at IS NOT NULL, p.crisis_at IS NOT NULL,
       a.instrument_version_id, a.item_code, a.value
FROM questionnaires_screeningpart p
LEFT JOIN questionnaires_answer a ON a.part_id = p.id
WHERE p.id = %s
"""

#: Inserts answers, or replaces the saved answer to the same item of the same
#: version (the answer_one_per_item constraint): as
#: ``bulk_create(update_conflicts=True)`` would. VALUES is repeated once per row.
ANSWERS_UPSERT = """
INSERT INTO questionnaires_answer
    (part_id, instrument_version_id, item_code, option_code, value, updated_at)
VALUES {rows}
ON CONFLICT (part_id, instrument_version_id, item_code) DO UPDATE SET
    option_code = EXCLUDED.option_code,
    value = EXCLUDED.value,
    updated_at = EXCLUDED.updated_at
"""
_ANSWER_VALUES = "(%s, %s, %s, %s, %s, %s)"
#: Rows per upsert statement (SQLite allows 999 parameters in older builds).
UPSERT_BATCH = 100

#: A part's progress after a save. ``started_at`` and ``crisis_at`` are set only
#: when NULL (a NULL parameter keeps them as they are): the first time wins.
PART_PROGRESS_UPDATE = """
UPDATE questionnaires_screeningpart
SET status = %s, last_page = %s, language = %s,
    started_at = COALESCE(started_at, %s),
    crisis_at = COALESCE(crisis_at, %s)
WHERE id = %s
"""

#: Exports (``exports/streams.py``): screenings' result snapshots as JSON text, less
#: the keys no export column reads (``exports.csv.RESULT_KEYS_UNREAD``, which leave
#: the database on PostgreSQL only; SQLite sends the whole snapshot).
EXPORT_RESULTS = {
    "postgresql": """
SELECT id, (result - %s::text[])::text
FROM questionnaires_screening
WHERE id = ANY(%s)
""",
    "sqlite": """
SELECT id, result
FROM questionnaires_screening
WHERE id IN (SELECT value FROM json_each(%s))
""",
}

#: Exports: the answers of many parts, one row per part and instrument version, its
#: answers as one JSON object ``{item code: value}`` (text), so that a chunk of a
#: clinic export reads ~5 rows a screening instead of ~45 and decodes each with the
#: C JSON decoder. ``json_object_agg`` (not ``jsonb_``) only writes the text.
EXPORT_ANSWERS = {
    "postgresql": """
SELECT part_id, instrument_version_id, json_object_agg(item_code, value)::text
FROM questionnaires_answer
WHERE part_id = ANY(%s)
GROUP BY part_id, instrument_version_id
""",
    # Django keeps JSONField values as JSON text on SQLite: json() embeds them as
    # JSON, not as strings. The ids come as one JSON array (one parameter, however
    # many parts).
    "sqlite": """
SELECT part_id, instrument_version_id, json_group_object(item_code, json(value))
FROM questionnaires_answer
WHERE part_id IN (SELECT value FROM json_each(%s))
GROUP BY part_id, instrument_version_id
""",
}
#: (part id, instrument version id, {item code: value} as JSON text)
ExportAnswers = tuple[int, int, str]

# --- Running them ------------------------------------------------------------------


@dataclass(frozen=True)
class PartProgress:
    """A part's progress as it is in the database, and its saved answers."""

    status: str
    last_page: int
    language: str
    started: bool
    crisis: bool
    answers: list[AnswerRow]


@dataclass(frozen=True)
class NewAnswer:
    """One answer to write."""

    part_id: int
    instrument_version_id: int
    item_code: str
    option_code: str
    value: Value


def answer_rows(part_pk: int) -> list[AnswerRow]:
    """The part's saved answers (ANSWER_ROWS)."""
    with connection.cursor() as cursor:
        cursor.execute(ANSWER_ROWS, [part_pk])
        return [(v, code, _json(value)) for v, code, value in cursor.fetchall()]


def part_lock_with_answers(part_pk: int) -> PartProgress | None:
    """Lock the part's row (PART_LOCK, where the database has row locks), then read
    its progress and answers (PART_WITH_ANSWERS): on PostgreSQL in one round trip.
    None if there is no such part. Must run inside a transaction."""
    if connection.get_autocommit():
        raise RuntimeError("part_lock_with_answers: a row lock needs a transaction")
    statements: list[Statement] = []
    if connection.features.has_select_for_update:
        statements.append((PART_LOCK, [part_pk]))
    statements.append((PART_WITH_ANSWERS, [part_pk]))
    with connection.cursor() as cursor:
        _execute(cursor, statements)
        rows = cursor.fetchall()
    if not rows:
        return None
    status, last_page, language, started, crisis = rows[0][:5]
    return PartProgress(
        status=status,
        last_page=last_page,
        language=language,
        started=bool(started),
        crisis=bool(crisis),
        answers=[
            (version, code, _json(value))
            for *_, version, code, value in rows
            if version is not None
        ],
    )


def answers_upsert(answers: Sequence[NewAnswer], *, now: datetime) -> list[Statement]:
    """The ANSWERS_UPSERT statements writing ``answers`` (not run: see :func:`run`)."""
    updated_at = connection.ops.adapt_datetimefield_value(now)
    statements: list[Statement] = []
    for start in range(0, len(answers), UPSERT_BATCH):
        batch = answers[start : start + UPSERT_BATCH]
        params: list[Any] = []
        for answer in batch:
            params += [
                answer.part_id,
                answer.instrument_version_id,
                answer.item_code,
                answer.option_code,
                json.dumps(answer.value, cls=DjangoJSONEncoder),
                updated_at,
            ]
        rows = ", ".join([_ANSWER_VALUES] * len(batch))
        statements.append((ANSWERS_UPSERT.format(rows=rows), params))
    return statements


def part_progress_update(
    part_pk: int,
    *,
    status: str,
    last_page: int,
    language: str,
    started_at: datetime | None,
    crisis_at: datetime | None,
) -> Statement:
    """The PART_PROGRESS_UPDATE statement (not run: see :func:`run`)."""
    adapt = connection.ops.adapt_datetimefield_value
    return (
        PART_PROGRESS_UPDATE,
        [status, last_page, language, adapt(started_at), adapt(crisis_at), part_pk],
    )


def export_results(
    screening_pks: Sequence[int], *, leave_out: Sequence[str]
) -> list[tuple[int, str | None]]:
    """Per screening, its result snapshot as JSON text (None if it has none),
    without the top-level keys ``leave_out`` (EXPORT_RESULTS)."""
    if not screening_pks:
        return []
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                EXPORT_RESULTS[vendor], [list(leave_out), list(screening_pks)]
            )
        else:
            cursor.execute(EXPORT_RESULTS[vendor], [json.dumps(list(screening_pks))])
        return cursor.fetchall()


def export_answers(part_pks: Sequence[int]) -> list[ExportAnswers]:
    """The answers of these parts, per part and version (EXPORT_ANSWERS).

    The JSON text is left for the caller to decode (once per row, in C).
    """
    if not part_pks:
        return []
    vendor = connection.vendor
    param: Any = list(part_pks) if vendor == "postgresql" else json.dumps(part_pks)
    with connection.cursor() as cursor:
        cursor.execute(EXPORT_ANSWERS[vendor], [param])
        return cursor.fetchall()


def run(statements: Sequence[Statement]) -> None:
    """Run ``statements`` in order: on PostgreSQL in one round trip.

    The last one must change a row (put an UPDATE by primary key last), or
    DatabaseError is raised, as ``save(update_fields=...)`` does for a row that is
    gone.
    """
    with connection.cursor() as cursor:
        _execute(cursor, statements)
        if cursor.rowcount < 1:
            raise DatabaseError("An update did not affect any rows.")


def _execute(cursor: Any, statements: Iterable[Statement]) -> None:
    """Run ``statements`` in order; the cursor then holds the last one's rows and
    row count. psycopg2 sends several statements as one query: they run in order, in
    the current transaction, and the first error stops the rest."""
    statements = list(statements)
    if connection.vendor == "postgresql" and len(statements) > 1:
        cursor.execute(
            ";\n".join(sql for sql, _ in statements),
            [p for _, params in statements for p in params],
        )
        return
    for sql, params in statements:
        cursor.execute(sql, params)


def _json(value: Any) -> Value:
    """A JSON column's value: text from both SQLite and PostgreSQL (Django has
    psycopg2 leave jsonb undecoded, for JSONField's own decoder)."""
    decoded: Value = json.loads(value) if isinstance(value, str | bytes) else value
    return decoded
