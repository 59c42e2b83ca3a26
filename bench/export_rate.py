"""Export rate: a clinic's CSV streamed in-process from an existing database.

``python -m bench.export_rate --database-url postgres://…/db --clinic SLUG`` streams
the clinic CSV (``--variant clinic``), the research CSV (``research``) or both
(default) as the export view does, and reports per variant the data rows, rows/s
(untraced), and the peak of Python's memory (tracemalloc, a second, traced run) and
the process's peak RSS; and the CPU time per 1,000 rows of this process and of its
PostgreSQL backend (when the server runs on this machine), which a busy machine
slows less than it slows rows/s. ``--profile FILE`` writes a cProfile of one more run.
``--project`` points at another checkout to measure its code on the same data.

Unlike ``bench.scale`` it never drops a database, so that old and new code can be
measured in turn on the same data. ``--fill N`` first creates the database named in
``--database-url`` (it must not exist), migrates it and fills it with N screenings by
``bench.scale.fill``; ``--one-clinic`` then moves every screening into the first clinic
(``scale-0``), for an export of all N. Drop it yourself afterwards (``dropdb``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any


def stream(slug: str, *, research: bool) -> tuple[int, int]:
    """Stream one export to nowhere: (data rows, characters)."""
    from questionnaires.exports import streams
    from questionnaires.models import Organisation

    clinic = Organisation.objects.get(slug=slug)
    screenings = streams.organisation_screenings(clinic, streams.ExportFilters())
    export = streams.CsvExport.over(
        streams.versions_used(screenings), research=research
    )
    rows = streams.screening_rows(screenings, export, research=research)
    size = lines = 0
    for chunk in streams.csv_lines(rows, trailer=True):
        size += len(chunk)
        lines += chunk.count("\n")
    return lines - 2, size  # not the header, not the trailer


def _backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the
    server runs on this machine (read from /proc), else None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(slug: str, *, research: bool, profile: Path | None) -> dict[str, Any]:
    server_before = _backend_cpu()
    client_before = time.process_time()
    start = time.perf_counter()
    rows, size = stream(slug, research=research)
    seconds = time.perf_counter() - start
    client_cpu = time.process_time() - client_before
    server_after = _backend_cpu()
    server_cpu = (
        server_after - server_before
        if server_after is not None and server_before is not None
        else None
    )
    tracemalloc.start()
    stream(slug, research=research)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if profile is not None:
        import cProfile

        cProfile.runctx(
            "stream(slug, research=research)",
            globals(),
            {"slug": slug, "research": research},
            str(profile),
        )
    return {
        "rows": rows,
        "megabytes": round(size / 2**20, 1),
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds) if seconds else None,
        # CPU per 1,000 rows, of this process and of its database backend: what a
        # row costs, whatever else the machine is doing (rows/s is not).
        "client_cpu_ms_per_1k": round(client_cpu / rows * 1e6) if rows else None,
        "server_cpu_ms_per_1k": (
            round(server_cpu / rows * 1e6) if rows and server_cpu is not None else None
        ),
        "peak_mib": round(peak / 2**20, 1),
        "max_rss_mib": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
        ),
    }


def create_and_fill(url: str, screenings: int, *, one_clinic: bool) -> None:
    """Create the database of ``url`` (refused if it exists), migrate and fill it."""
    import psycopg2
    from django.core.management import call_command
    from django.db import connection

    from bench import scale

    server, name = url.rsplit("/", 1)
    admin = psycopg2.connect(f"{server}/postgres", connect_timeout=10)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')  # fails if it exists
        cursor.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    admin.close()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_instruments", stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"filled: {scale.fill(screenings, seed=20)}", flush=True)
    if one_clinic:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE questionnaires_screening SET organisation_id = "
                "(SELECT id FROM questionnaires_organisation WHERE slug = 'scale-0')"
            )
            cursor.execute("VACUUM ANALYZE questionnaires_screening")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clinic", required=True, help="the organisation's slug")
    parser.add_argument(
        "--variant", choices=("clinic", "research", "both"), default="both"
    )
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--project", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--fill", type=int, default=0, help="create and fill first")
    parser.add_argument("--one-clinic", action="store_true")
    return parser.parse_args(argv)


#: The settings a benchmark process needs, unless the environment gives them.
_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "hikiscreen.settings",
    "SECRET_KEY": "bench-only",
    "ALLOWED_HOSTS": "testserver,localhost",
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
    "EMAIL_URL": "dummymail://",
}


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.project is not None:  # measure another checkout's code
        sys.path.insert(0, str(args.project.resolve()))
        os.chdir(args.project)
    for name, value in _ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    if args.fill:
        create_and_fill(args.database_url, args.fill, one_clinic=args.one_clinic)
    variants = ["clinic", "research"] if args.variant == "both" else [args.variant]
    figures = {}
    for variant in variants:
        profile = args.profile
        if profile is not None and len(variants) > 1:
            profile = profile.with_suffix(f".{variant}{profile.suffix}")
        figures[variant] = measure(
            args.clinic, research=variant == "research", profile=profile
        )
        print(f"{variant}: {figures[variant]}", flush=True)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
