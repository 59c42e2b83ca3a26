"""Hot read queries, compiled to SQL once per process (DESIGN.md §5).

A questionnaire page runs the same few queries on every request with only a value
changed (a token's hash, a part's primary key). Django compiles a queryset to SQL
anew each time, and for these small queries that costs more than running them.
:func:`fetch` compiles a queryset once per database connection, keeps its SQL and
Django's own result converters and related-object populators, and then only runs
the SQL with the new values: the rows and the objects are exactly what the queryset
would have returned (a test compares them).

Only for querysets whose SQL has the same shape for every value (``filter(pk=x)``,
not ``filter(pk__in=xs)``); ``build`` is called with markers in place of the values
to find where they go, and once more with the real values to check that nothing
else differs.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connections
from django.db.models import AutoField, Model, QuerySet, signals
from django.db.models.constants import OnConflict
from django.db.models.query import (
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql import InsertQuery

Build = Callable[..., "QuerySet[Any]"]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (position in params, argument index)
    compiler: Any
    model: bool  # model instances (else values_list tuples)
    init_list: tuple[str, ...]
    fields: tuple[int, int]
    populators: tuple[Any, ...]

    def params_for(self, args: tuple[Any, ...]) -> list[Any]:
        params = list(self.params)
        for position, index in self.slots:
            params[position] = args[index]
        return params


_compiled: dict[tuple[str, int, str], _Compiled] = {}


def _marker(index: int, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"prepared.fetch takes int or str values, not {value!r}")
    if isinstance(value, int):
        return -(10**15) - index
    return f"\x1fprepared-marker-{index}\x1f"


def _compile(name: str, build: Build, args: tuple[Any, ...], alias: str) -> _Compiled:
    markers = tuple(_marker(i, value) for i, value in enumerate(args))
    queryset = build(*markers)
    if queryset._iterable_class not in (ModelIterable, ValuesListIterable):
        raise TypeError(f"{name}: only model or values_list querysets")
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    params = tuple(params)
    slots = tuple(
        (position, markers.index(param))
        for position, param in enumerate(params)
        if any(param == m and type(param) is type(m) for m in markers)
    )
    compiled = _Compiled(
        sql=sql,
        params=params,
        slots=slots,
        compiler=compiler,
        model=queryset._iterable_class is ModelIterable,
        init_list=(),
        fields=(0, 0),
        populators=(),
    )
    check_sql, check_params = build(*args).query.get_compiler(using=alias).as_sql()
    if (
        sorted({index for _, index in slots}) != list(range(len(args)))
        or check_sql != sql
        or list(check_params) != compiled.params_for(args)
    ):
        raise ValueError(f"{name}: the SQL changes with its values; not preparable")
    if not compiled.model:
        return compiled
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Compiled(
        sql=sql,
        params=params,
        slots=slots,
        compiler=compiler,
        model=True,
        init_list=tuple(f[0].target.attname for f in select[start:end]),
        fields=(start, end),
        populators=tuple(_populators(klass_info, select, alias)),
    )


def _populators(klass_info: Any, select: Any, alias: str) -> list[Any]:
    # Django 5.2's signature (the stubs already describe a later one).
    populate: Any = get_related_populators
    return list(populate(klass_info, select, alias))


def _compiled_for(name: str, build: Build, args: tuple[Any, ...], using: str) -> Any:
    connection = connections[using]
    key = (name, id(connection), using)
    compiled = _compiled.get(key)
    if compiled is None:
        compiled = _compiled[key] = _compile(name, build, args, using)
    locks = compiled.compiler.query.select_for_update
    if (
        locks
        and connection.get_autocommit()
        and connection.features.has_select_for_update
    ):
        raise RuntimeError(f"{name}: select_for_update outside a transaction")
    return compiled


#: Statements PostgreSQL has prepared, by its raw connection (a new connection,
#: after a reconnect, prepares them again).
_server_prepared: weakref.WeakKeyDictionary[Any, dict[str, str]] = (
    weakref.WeakKeyDictionary()
)
_PLACEHOLDER = re.compile(r"%%|%s")
_names = itertools.count(1)


def _server_side(
    connection: Any, compiled: _Compiled, params: list[Any], pending: dict[str, str]
) -> Statement:
    """On PostgreSQL, ``compiled`` as ``EXECUTE`` of a statement prepared once per
    connection (PostgreSQL then plans it once, not on every request); the first
    time, ``PREPARE`` goes in the same round trip, and its name joins ``pending``
    (recorded only once the round trip has succeeded)."""
    prepared_here = _server_prepared.get(connection.connection, {})
    name = prepared_here.get(compiled.sql)
    if name is None:
        # Never a name used before: PREPARE survives a rollback, so after a round
        # trip whose EXECUTE failed the server still holds the statement, and
        # preparing that name again would fail on every later request.
        name = f"hs_prepared_{next(_names)}"
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    execute = f"EXECUTE {name}{arguments}"
    if compiled.sql in prepared_here:
        return execute, params
    pending[compiled.sql] = name
    numbers = iter(range(1, len(params) + 1))
    body = _PLACEHOLDER.sub(
        lambda m: "%%" if m.group() == "%%" else f"${next(numbers)}", compiled.sql
    )
    return f"PREPARE {name} AS {body};\n{execute}", params


def fetch(
    name: str,
    build: Build,
    *args: Any,
    first: tuple[str, Build] | None = None,
    using: str = "default",
) -> list[Any]:
    """``list(build(*args))``, with ``build``'s SQL compiled once per connection.

    ``name`` identifies ``build`` (one name, one queryset shape); ``args`` are the
    ints and strings the SQL varies in. A ``select_for_update`` queryset must run
    inside a transaction, as Django requires. ``first``, a (name, build) taking the
    same ``args``, runs before and its rows are dropped (a row lock): on PostgreSQL
    in the same round trip, as a statement of its own, so ``build``'s statement
    starts after it has finished (and, in READ COMMITTED, sees what was committed
    by then).
    """
    connection = connections[using]
    compiled = _compiled_for(name, build, args, using)
    runs = [compiled]
    if first is not None:
        runs.insert(0, _compiled_for(first[0], first[1], args, using))
    pending: dict[str, str] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statements = [
                _server_side(connection, c, c.params_for(args), pending) for c in runs
            ]
        else:
            statements = [(c.sql, c.params_for(args)) for c in runs]
        _execute(connection, cursor, statements)
        if pending:
            _server_prepared.setdefault(connection.connection, {}).update(pending)
        rows = cursor.fetchall()  # the last statement's
    results = compiled.compiler.results_iter([rows], tuple_expected=not compiled.model)
    if not compiled.model:
        return list(results)
    model = compiled.compiler.klass_info["model"]
    annotations = compiled.compiler.annotation_col_map or {}
    start, end = compiled.fields
    objects = []
    for row in results:
        obj = model.from_db(using, list(compiled.init_list), row[start:end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        for attribute, position in annotations.items():
            setattr(obj, attribute, row[position])
        objects.append(obj)
    return objects


_updates: dict[tuple[type[Model], tuple[str, ...], str], str] = {}

#: One SQL statement and its parameters.
Statement = tuple[str, Sequence[Any]]


def hooked(instance: Model) -> bool:
    """Whether a ``pre_save``/``post_save`` receiver listens for ``instance``'s model
    (then save it with ``save()``, not with :func:`update_statement`)."""
    model = type(instance)
    return signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(
        model
    )


def update(instance: Model, fields: Sequence[str], *, using: str = "default") -> None:
    """``instance.save(update_fields=fields)`` as one UPDATE by primary key, its SQL
    built once. Falls back to ``save()`` when a ``pre_save``/``post_save`` receiver
    listens for the model, so nothing that hooks saving is skipped."""
    if hooked(instance):
        instance.save(update_fields=fields, using=using)
        return
    run([update_statement(instance, fields, using=using)], using=using)


def update_statement(
    instance: Model, fields: Sequence[str], *, using: str = "default"
) -> Statement:
    """The UPDATE :func:`update` runs (no signals: callers check :func:`hooked`)."""
    model = type(instance)
    connection = connections[using]
    meta = model._meta
    concrete = {f.name: f for f in meta.concrete_fields}
    columns = [concrete[name] for name in fields]
    pk = meta.pk
    assert pk is not None  # noqa: S101 (every concrete model has one)
    key = (model, tuple(fields), using)
    sql = _updates.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in columns)
        # Only names from the model's own metadata, quoted; values are parameters.
        sql = _updates[key] = (
            f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {quote(str(pk.column))} = %s"
        )
    params = [
        f.get_db_prep_save(f.pre_save(instance, False), connection) for f in columns
    ]
    params.append(pk.get_db_prep_value(instance.pk, connection))
    return sql, params


def upsert_statements(
    objs: Sequence[Model],
    *,
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
    using: str = "default",
) -> list[Statement]:
    """The SQL of ``bulk_create(objs, update_conflicts=True, ...)``, compiled by
    Django's own insert compiler, for new objects (no primary key), without running
    it; no ids are returned."""
    model = type(objs[0])
    meta = model._meta
    fields = [
        f
        for f in meta.concrete_fields
        if not f.generated and not isinstance(f, AutoField)
    ]
    for obj in objs:
        if obj.pk is not None:
            raise ValueError("upsert_statements: only objects without a primary key")
        unsaved: Any = obj  # Django's own check, as bulk_create() runs it
        unsaved._prepare_related_fields_for_save(operation_name="bulk_create")
    query = InsertQuery(
        model,
        on_conflict=OnConflict.UPDATE,
        update_fields=[meta.get_field(name) for name in update_fields],
        unique_fields=[meta.get_field(name) for name in unique_fields],
    )
    query.insert_values(fields, list(objs), raw=False)
    compiler: Any = query.get_compiler(using=using)
    return [(sql, params) for sql, params in compiler.as_sql()]


def run(statements: Sequence[Statement], *, using: str = "default") -> None:
    """Run ``statements`` in order; on PostgreSQL in one round trip.

    Each must change at least one row, or DatabaseError is raised, as
    ``save(update_fields=...)`` does for a row that is gone (on PostgreSQL only the
    last statement's count is known, so put the UPDATE by primary key last).
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        counts = _execute(connection, cursor, statements)
    if any(count < 1 for count in counts):
        raise DatabaseError("An update did not affect any rows.")


def _execute(
    connection: Any, cursor: Any, statements: Sequence[Statement]
) -> list[int]:
    """Run ``statements`` in order, on PostgreSQL in one round trip; return the row
    counts known (there, only the last statement's)."""
    if connection.vendor == "postgresql" and len(statements) > 1:
        # psycopg2 sends the statements as one query; they run in order, in the
        # current transaction, the first error stops the rest, and the cursor holds
        # the last one's rows.
        cursor.execute(
            ";\n".join(sql for sql, _ in statements),
            [p for _, params in statements for p in params],
        )
        return [cursor.rowcount]
    counts = []
    for sql, params in statements:
        cursor.execute(sql, params)
        counts.append(cursor.rowcount)
    return counts


def clear() -> None:
    """Forget every compiled query (tests that change the database schema)."""
    _compiled.clear()
    _updates.clear()
