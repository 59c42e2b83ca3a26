"""Each answer-POST optimisation's share, measured side by side in one run (issue 9).

``python -m bench.ablation`` (with ``DATABASE_URL`` and the production settings, as
``make bench``) measures the questionnaire page as ``manage.py benchmark`` does
(``benchmarks.page_figures``: test client, app beside its ceiling, in a transaction
rolled back), first with every optimisation below switched off, then switching
them on one at a time, in the order they were made. Switching off puts back what
the code did before: no protocol cache, the ORM compiling every query,
``bulk_create()`` and ``save()``, the answers read before the lock as well as under
it, the lock and the read in two round trips, PostgreSQL planning every query. A
benchmark, never a test: it patches the running process and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

STEPS = (
    "protocol_cache",
    "compiled_queries",
    "prepared_update",
    "answers_once",
    "batched_writes",
    "lock_and_read",
    "server_prepared",
)


class _Forgetful(dict[Any, Any]):
    """A cache that keeps nothing."""

    def __setitem__(self, key: Any, value: Any) -> None:
        return None


def _switches() -> dict[str, Callable[[], Any]]:
    from questionnaires import prepared, selectors
    from questionnaires.models import Answer
    from questionnaires.services import screenings
    from questionnaires.views import respondent

    def orm_fetch(
        name: str, build: Any, *args: Any, first: Any = None, using: str = "default"
    ) -> list[Any]:
        if first is not None:
            list(first[1](*args))
        return list(build(*args))

    def upsert(rows: Any) -> None:
        if rows:
            Answer.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["part", "instrument_version", "item_code"],
                update_fields=["option_code", "value", "updated_at"],
            )

    def write_then_save(part: Any, rows: Any, fields: Any) -> None:
        upsert(rows)
        part.save(update_fields=fields)

    def write_then_update(part: Any, rows: Any, fields: Any) -> None:
        upsert(rows)
        prepared.update(part, fields)

    def lock_then_read(pk: int) -> Any:
        [locked] = prepared.fetch("answers_save_lock", screenings._part_for_update, pk)
        return locked

    def plain(connection: Any, compiled: Any, params: Any, pending: Any) -> Any:
        return compiled.sql, params

    return {
        "protocol_cache": lambda: mock.patch.object(
            selectors, "_protocols", _Forgetful()
        ),
        "compiled_queries": lambda: mock.patch.object(prepared, "fetch", orm_fetch),
        "prepared_update": lambda: mock.patch.object(
            screenings, "_write", write_then_save
        ),
        "answers_once": lambda: mock.patch.object(
            respondent, "_checks_read_other_pages", lambda page: True
        ),
        "batched_writes": lambda: mock.patch.object(
            screenings, "_write", write_then_update
        ),
        "lock_and_read": lambda: mock.patch.object(
            screenings, "_lock_with_answers", lock_then_read
        ),
        "server_prepared": lambda: mock.patch.object(prepared, "_server_side", plain),
    }


@contextmanager
def _off(names: list[str]) -> Iterator[None]:
    switches = _switches()
    with ExitStack() as stack:
        # Earliest last: where two steps patch the same function, the state before
        # the earlier one is what "both off" means.
        for name in reversed(names):
            stack.enter_context(switches[name]())
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hikiscreen.settings")
    import django

    django.setup()
    from questionnaires import benchmarks

    rows = []
    print(
        f"{'switched on':<18} {'POST ms':>8} {'ceil ms':>8} {'ratio':>6} "
        f"{'GET ratio':>9} {'queries':>10}",
        flush=True,
    )
    for count in range(len(STEPS) + 1):
        with _off(list(STEPS[count:])):
            figures = benchmarks.page_figures(repeat=args.repeat)
        row = {
            "on": STEPS[count - 1] if count else "(none)",
            "post_ms": figures["page_post_ms"],
            "post_ceiling_ms": figures["page_post_ceiling_ms"],
            "post_ratio": figures["page_post_ratio"],
            "get_ratio": figures["page_get_ratio"],
            "queries": figures["queries_per_page"],
        }
        rows.append(row)
        queries = f"{row['queries']['get']} / {row['queries']['post']}"
        print(
            f"{'+ ' + row['on'] if count else row['on']:<18} {row['post_ms']:>8} "
            f"{row['post_ceiling_ms']:>8} {row['post_ratio']:>6} "
            f"{row['get_ratio']:>9} {queries:>10}",
            flush=True,
        )
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
