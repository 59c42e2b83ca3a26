"""Time from an urgent answer to the alert e-mail, with a worker running (issue 17).

``python -m bench.alert_latency --samples 20`` on the database of ``DATABASE_URL``
(PostgreSQL for a meaningful figure; it is migrated and the bundled instruments are
loaded if needed). It starts ``manage.py run_tasks`` (the worker ``make run`` and
the compose file start) with the file e-mail backend writing to a scratch directory,
then for each sample saves a PHQ-9 item 9 answer of "more than half the days" through
the same service the respondent page calls, and waits for the alert file. The figure
is the wall time from just before the save to the file's appearance (its
modification time), so it includes the commit, the enqueue, the worker's poll
interval (``--interval``, default 1 s) and the sending. Bounded: a timeout per sample.
Noisy on a shared machine: read the median, not one run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()

    outbox = Path(tempfile.mkdtemp(prefix="hikiscreen-alerts-"))
    env = {**os.environ, "DEBUG": "1", "EMAIL_URL": f"filemail:///{outbox}"}
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hikiscreen.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_instruments", verbosity=0)
    from django.contrib.auth.models import User

    from questionnaires.models import Membership, Organisation, Patient, Protocol
    from questionnaires.services import screenings as services

    tag = secrets.token_hex(4)
    clinic = Organisation.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    clinician = User.objects.create_user(f"bench-{tag}", email=f"{tag}@bench.example")
    Membership.objects.create(user=clinician, organisation=clinic)
    protocol = Protocol.objects.get(code="self_report_brief")

    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "run_tasks",
            "--interval",
            str(args.interval),
            "--verbosity",
            "0",
        ],
        cwd=ROOT,
        env=env,
    )
    latencies = []
    try:
        time.sleep(3)  # the worker's start-up (Django setup), not part of the figure
        for n in range(args.samples):
            patient = Patient.objects.create(
                organisation=clinic, code=f"B-{n}", birth_year=2008
            )
            screening = services.screening_start(
                patient=patient,
                parts=[services.PartSpec(role="self", protocol=protocol, mode="link")],
                by=clinician,
            )
            before = set(outbox.iterdir())
            started = time.time()
            services.answers_save(
                part=screening.parts.get(), answers={"phq9": {"phq9_9": 2}}
            )
            deadline = started + args.timeout
            new: set[Path] = set()
            while not new and time.time() < deadline:
                time.sleep(0.01)
                new = set(outbox.iterdir()) - before
            if not new:
                raise SystemExit(f"sample {n}: no alert within {args.timeout} s")
            time.sleep(0.05)  # let the backend finish writing the file
            sent = max(p.stat().st_mtime for p in new)
            latencies.append(sent - started)
            time.sleep(0.3 + (n % 7) * 0.1)  # spread samples over the poll cycle
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    ordered = sorted(latencies)
    p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    print(
        f"urgent answer -> alert e-mail sent, {len(ordered)} samples, worker "
        f"interval {args.interval} s: median {statistics.median(ordered):.2f} s, "
        f"p90 {p90:.2f} s, max {ordered[-1]:.2f} s, min {ordered[0]:.2f} s"
    )


if __name__ == "__main__":
    main()
