"""Each questionnaire-page optimisation's share, measured side by side in one run.

``python -m bench.ablation`` (with ``DATABASE_URL`` and the production settings, as
``make bench``) measures the questionnaire page as ``manage.py benchmark`` does
(``benchmarks.page_figures``: test client, app beside its ceiling, in a transaction
rolled back), first with every optimisation below switched off, then switching
them on one at a time. Switching one off puts back the plain way: the protocol's
versions read on every page, the answers read before the save as well as under the
lock, each SQL statement in a round trip of its own, every question rendered from
its template on every GET. A benchmark, never a test: it patches the running
process and prints a table.
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
    "answers_once",
    "one_round_trip",
    "item_html_cache",
)


def _switches() -> dict[str, Callable[[], Any]]:
    from questionnaires import caches, selectors, sql
    from questionnaires.views import page_items, respondent

    class Forgetful(caches.ProcessCache[Any, Any]):
        """A cache that keeps nothing."""

        def set(self, key: Any, value: Any) -> None:
            return None

    def one_by_one(cursor: Any, statements: Any) -> None:
        for text, params in statements:
            cursor.execute(text, params)

    return {
        "protocol_cache": lambda: mock.patch.object(
            selectors, "_protocols", Forgetful("off", maxsize=1)
        ),
        "answers_once": lambda: mock.patch.object(
            respondent, "_checks_read_other_pages", lambda page: True
        ),
        "one_round_trip": lambda: mock.patch.object(sql, "_execute", one_by_one),
        "item_html_cache": lambda: mock.patch.object(
            page_items, "_html", Forgetful("off", maxsize=1)
        ),
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
    from bench import benchmarks

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
