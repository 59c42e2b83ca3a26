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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connections
from django.db.models import Model, QuerySet, signals
from django.db.models.query import (
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

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


def fetch(name: str, build: Build, *args: Any, using: str = "default") -> list[Any]:
    """``list(build(*args))``, with ``build``'s SQL compiled once per connection.

    ``name`` identifies ``build`` (one name, one queryset shape); ``args`` are the
    ints and strings the SQL varies in. A ``select_for_update`` queryset must run
    inside a transaction, as Django requires.
    """
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
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params_for(args))
        rows = cursor.fetchall()
    results = compiled.compiler.results_iter([rows], tuple_expected=not compiled.model)
    if not compiled.model:
        return list(results)
    model = compiled.compiler.klass_info["model"]
    start, end = compiled.fields
    objects = []
    for row in results:
        obj = model.from_db(using, list(compiled.init_list), row[start:end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        objects.append(obj)
    return objects


_updates: dict[tuple[type[Model], tuple[str, ...], str], str] = {}


def update(instance: Model, fields: Sequence[str], *, using: str = "default") -> None:
    """``instance.save(update_fields=fields)`` as one UPDATE by primary key, its SQL
    built once. Falls back to ``save()`` when a ``pre_save``/``post_save`` receiver
    listens for the model, so nothing that hooks saving is skipped."""
    model = type(instance)
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        instance.save(update_fields=fields, using=using)
        return
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
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")


def clear() -> None:
    """Forget every compiled query (tests that change the database schema)."""
    _compiled.clear()
    _updates.clear()
