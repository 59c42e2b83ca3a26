"""Measurements behind `manage.py benchmark` (DESIGN.md §5); never a timed test.

Bench-only, like everything in ``bench/``: the product never imports it (a test in
``tests/test_architecture.py`` checks), and the production image leaves it out.

Each function times one thing several times and reports the median, so one slow run
(a garbage collection, the other core busy) does not decide the figure.
"""

from __future__ import annotations

import json
import secrets
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.ceiling import field_name
from questionnaires import caches
from questionnaires.bank import flow, latest_by_code, load_bundled
from questionnaires.bank.convert import version_definition
from questionnaires.models import InstrumentVersion, Organisation, Protocol
from questionnaires.scoring import InstrumentDefinition, score
from questionnaires.scoring.definitions import CHOICE_KINDS, Item
from questionnaires.services import invitations, screenings


def median_ms(action: Callable[[], object], *, repeat: int, warmup: int = 3) -> float:
    """Median wall time of ``action`` in milliseconds over ``repeat`` runs."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def interleaved_medians(
    actions: Mapping[str, Callable[[], object]], *, repeat: int, warmup: int = 2
) -> dict[str, float]:
    """Median ms of each action, run round-robin so that a busy moment of the
    machine slows every action alike instead of deciding one ratio."""
    for action in actions.values():
        for _ in range(warmup):
            action()
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def example_value(item: Item) -> Any:
    """A valid answer to ``item`` that opens every branch (the highest option)."""
    if item.kind in CHOICE_KINDS:
        return max(option.value for option in item.options)
    if item.kind == "time_of_day":
        return "03:30" if item.code == "sleep_time" else "13:00"
    if item.kind == "free_text":
        return None
    if item.kind == "age":
        return 15  # onset, below the example respondent's age
    bounds = item.bounds or (0, 10)
    return int((bounds[0] + bounds[1]) // 2)


def full_screening(
    definitions: Mapping[str, InstrumentDefinition],
) -> dict[str, dict[str, Any]]:
    """Answers to every item of every bundled instrument: the largest screening."""
    answers: dict[str, dict[str, Any]] = {}
    for code, definition in definitions.items():
        values = {item.code: example_value(item) for item in definition.items}
        answers[code] = {
            key: value for key, value in values.items() if value is not None
        }
    return answers


def bundled_definitions() -> dict[str, InstrumentDefinition]:
    return latest_by_code(load_bundled())


def score_ms(*, repeat: int = 2000, age: int = 19) -> dict[str, float]:
    """Median time to validate and score a full screening (every bundled instrument)."""
    definitions = bundled_definitions()
    answers = full_screening(definitions)
    result = median_ms(lambda: score(definitions, answers, age=age), repeat=repeat)
    return {
        "score_ms": round(result, 4),
        "score_instruments": len(definitions),
        "score_items": sum(len(answers[c]) for c in answers),
    }


def _example(case: str) -> dict[str, Any]:
    from questionnaires.reports.samples import EXAMPLES

    data: dict[str, Any] = json.loads((EXAMPLES / f"{case}.json").read_text("utf-8"))
    return data


def pdf_figures(*, repeat: int = 10, case: str = "positive") -> dict[str, float]:
    """The clinician report against WeasyPrint alone on the same HTML (DESIGN.md §5).

    ``pdf_ms``: the whole report from an INPUT (score, snapshot, definitions metadata,
    context, template, charts, PDF). ``pdf_layout_ms``: WeasyPrint alone laying out
    that final HTML as a standalone call would (its own fonts and stylesheet each
    time). ``pdf_layout_shared_ms``: WeasyPrint reusing the app's loaded fonts and
    stylesheet, the strictest floor. ``pdf_cached_ms``: an unchanged report again.
    """
    from django.core.cache.backends.locmem import LocMemCache
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from questionnaires.reports import pdf
    from questionnaires.reports.inputs import report_from_input

    example = _example(case)

    def report(lang: str) -> Any:
        return report_from_input(
            example,
            lang=lang,
            organisation="Demo Clinic",
            patient_code="P-0001",
            report_date="2026-01-15",
        )

    def whole() -> bytes:
        return pdf.render_report(report("en"), audience="clinician", lang="en")

    html = pdf.build_html(report("en"), audience="clinician", lang="en")
    css_path = Path(str(finders.find(pdf.STYLESHEET)))

    def weasyprint_alone() -> bytes:
        fonts = FontConfiguration()
        stylesheet = CSS(filename=str(css_path), font_config=fonts)
        document = HTML(
            string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.StaticFilesFetcher()
        )
        return bytes(
            document.write_pdf(
                stylesheets=[stylesheet], font_config=fonts, **pdf.PDF_OPTIONS
            )
        )

    cache = LocMemCache("benchmark", {})
    cached_data = report("en")
    pdf.render_report_cached(cached_data, audience="clinician", lang="en", cache=cache)

    def cached() -> bytes:
        return pdf.render_report_cached(
            cached_data, audience="clinician", lang="en", cache=cache
        )

    medians = interleaved_medians(
        {
            "whole": whole,
            "alone": weasyprint_alone,
            "shared": lambda: pdf.html_to_pdf(html),
        },
        repeat=repeat,
    )
    whole_ms, alone_ms, shared_ms = (
        medians["whole"],
        medians["alone"],
        medians["shared"],
    )
    ja = pdf.render_report(report("ja"), audience="clinician", lang="ja")
    return {
        "pdf_ms": round(whole_ms, 1),
        "pdf_layout_ms": round(alone_ms, 1),
        "pdf_ratio": round(whole_ms / alone_ms, 3),
        "pdf_layout_shared_ms": round(shared_ms, 1),
        "pdf_ratio_shared": round(whole_ms / shared_ms, 3),
        "pdf_cached_ms": round(median_ms(cached, repeat=200), 3),
        "pdf_bytes_en": len(whole()),
        "pdf_bytes_ja": len(ja),
    }


def synthetic_screenings(
    *, organisation: Any, protocol: Any, count: int, by: Any = None
) -> int:
    """Create ``count`` submitted self-report screenings of ``protocol`` in bulk.

    Every screening answers every item (:func:`example_value`) and carries the result
    those answers score to, computed once; patients have two screenings each.
    """
    from django.utils import timezone

    from questionnaires.bank.convert import version_definition
    from questionnaires.models import (
        Answer,
        Patient,
        ProtocolEntry,
        Screening,
        ScreeningPart,
    )

    versions = [
        e.instrument_version
        for e in ProtocolEntry.objects.filter(protocol=protocol)
        .select_related("instrument_version__instrument")
        .order_by("order")
    ]
    definitions = {v.instrument.code: version_definition(v) for v in versions}
    answers = full_screening(definitions)
    result = score(definitions, answers, age=19).as_json()
    now = timezone.now()
    first = Patient.objects.filter(organisation=organisation).count()
    patients = Patient.objects.bulk_create(
        Patient(organisation=organisation, code=f"B-{n:06d}", birth_year=2007)
        for n in range(first, first + (count + 1) // 2)
    )
    screenings = Screening.objects.bulk_create(
        (
            Screening(
                organisation=organisation,
                patient=patients[n // 2],
                age=19,
                created_by=by,
                completed_at=now,
                scored_at=now,
                result=result,
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    parts = ScreeningPart.objects.bulk_create(
        (
            ScreeningPart(
                screening=screening,
                role="self",
                protocol=protocol,
                mode="link",
                status="submitted",
                submitted_at=now,
                result=result,
            )
            for screening in screenings
        ),
        batch_size=2000,
    )
    rows = [
        (version, item_code, value)
        for version in versions
        for item_code, value in answers[version.instrument.code].items()
    ]
    Answer.objects.bulk_create(
        (
            Answer(part=part, instrument_version=version, item_code=code, value=value)
            for part in parts
            for version, code, value in rows
        ),
        batch_size=5000,
    )
    return count


class _Discard(Exception):
    """Raised to roll the benchmark's synthetic data back."""


def export_figures(
    *, rows: int, protocol_code: str = "self_report_brief"
) -> dict[str, Any]:
    """Stream an organisation CSV of ``rows`` synthetic screenings (DESIGN.md §5).

    Runs in a transaction that is rolled back, so the database is left as it was
    (the bundled bank is loaded inside it if missing). Reports the tracemalloc peak
    while streaming a tenth of the rows and all of them, so a peak that does not grow
    with the rows shows the export streams, and the rows per second of an untraced run.
    """
    import tracemalloc

    from django.core.management import call_command
    from django.db import transaction

    from questionnaires.exports import streams
    from questionnaires.models import Organisation, Protocol

    def stream(organisation: Organisation) -> tuple[int, int]:
        screenings = streams.organisation_screenings(
            organisation, streams.ExportFilters()
        )
        export = streams.CsvExport.over(
            streams.versions_used(screenings), research=True
        )
        size = lines = 0
        for chunk in streams.csv_lines(
            streams.screening_rows(screenings, export, research=True)
        ):
            size += len(chunk)
            lines += chunk.count("\n")
        return size, lines - 1

    def peak(organisation: Organisation) -> float:
        tracemalloc.start()
        stream(organisation)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top / 2**20

    figures: dict[str, Any] = {}
    try:
        with transaction.atomic():
            published = Protocol.objects.filter(
                code=protocol_code, status=Protocol.Status.PUBLISHED
            )
            if not published.exists():
                call_command("load_instruments", verbosity=0)
            protocol = published.get()
            organisation = Organisation.objects.create(
                name="Benchmark export", slug="benchmark-export-rolled-back"
            )
            small = max(rows // 10, 1)
            synthetic_screenings(
                organisation=organisation, protocol=protocol, count=small
            )
            figures["export_peak_mb_tenth"] = round(peak(organisation), 2)
            synthetic_screenings(
                organisation=organisation, protocol=protocol, count=rows - small
            )
            figures["export_peak_mb"] = round(peak(organisation), 2)
            start = time.perf_counter()
            size, lines = stream(organisation)
            seconds = time.perf_counter() - start
            figures.update(
                {
                    "export_rows": lines,
                    "export_bytes": size,
                    "export_rows_per_s": round(lines / seconds),
                }
            )
            raise _Discard
    except _Discard:
        pass
    return figures


# --- Questionnaire pages ----------------------------------------------------------


@dataclass(frozen=True)
class PageScenario:
    """The page measured: the fullest page of the largest respondent protocol."""

    protocol: Protocol
    protocol_items: int
    instrument: str
    page: int
    items: int
    options: int  # the most options of any item on the page
    instrument_version_id: int
    answers: dict[str, str]  # what a respondent posts (no CSRF token, no action)


def page_scenario() -> PageScenario | None:
    """The published self or family protocol with the most items, and its fullest page.

    None when the question bank has no published respondent protocol yet.
    """
    best: tuple[int, Protocol, list[InstrumentVersion]] | None = None
    protocols = Protocol.objects.filter(
        status=Protocol.Status.PUBLISHED, audience__in=["self", "informant"]
    ).order_by("code")
    for protocol in protocols:
        versions = [
            entry.instrument_version
            for entry in protocol.entries.select_related(
                "instrument_version__instrument"
            ).order_by("order", "id")
        ]
        size = sum(len(version_definition(v).items) for v in versions)
        if best is None or size > best[0]:
            best = (size, protocol, versions)
    if best is None:
        return None
    size, protocol, versions = best
    pages = flow.build_pages([version_definition(v) for v in versions])
    page = max(pages, key=lambda p: (len(p.items), -p.number))
    version = next(v for v in versions if v.instrument.code == page.instrument.code)
    prefix = page.instrument.code
    answers = {}
    for item in page.items:
        value = (
            min(o.value for o in item.options) if item.options else example_value(item)
        )
        if value is not None:
            answers[f"{prefix}-{item.code}"] = str(value)
    return PageScenario(
        protocol=protocol,
        protocol_items=size,
        instrument=page.instrument.code,
        page=page.number,
        items=len(page.items),
        options=max((len(item.options) for item in page.items), default=2),
        instrument_version_id=version.pk,
        answers=answers,
    )


@dataclass(frozen=True)
class Respondent:
    token: str
    part_id: int


def respondents_create(
    protocol: Protocol, count: int, *, label: str
) -> list[Respondent]:
    """``count`` screenings of ``protocol``, each with a working invitation link, in
    a new organisation named after ``label`` (one pseudonymous patient, no name)."""
    organisation = Organisation.objects.create(name=f"Benchmark {label}", slug=label)
    clinician = User.objects.create_user(username=label)
    patient = screenings.patient_create(
        organisation=organisation, code="BENCH-1", birth_year=2006, by=clinician
    )
    role = protocol.audience
    created = []
    for _ in range(count):
        screening = screenings.screening_start(
            patient=patient,
            parts=[screenings.PartSpec(role=role, protocol=protocol, mode="link")],
            by=clinician,
        )
        part = screening.parts.get()
        issued = invitations.invitation_create(part=part, by=clinician)
        created.append(Respondent(token=issued.token, part_id=part.pk))
    return created


def page_figures(*, repeat: int = 30) -> dict[str, Any]:
    """Queries and median render time of the largest questionnaire page, GET and
    POST through Django's test client, beside the ceiling (bench.ceiling).

    Runs in a transaction that is rolled back, so the current database keeps
    nothing: the screening, and the bundled instruments if none were loaded.
    """
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with (
        override_settings(
            ROOT_URLCONF="bench.ceiling",
            ALLOWED_HOSTS=hosts,
            TOKEN_RATE_LIMIT="1000000/m",  # noqa: S106 (a rate, not a password)
        ),
        transaction.atomic(),
    ):
        scenario = page_scenario()
        loaded = scenario is None
        if scenario is None:
            call_command("load_instruments", stdout=StringIO())
            scenario = page_scenario()
        assert scenario is not None  # noqa: S101 (the bundled bank has protocols)
        figures = _measure_page(scenario, repeat=repeat)
        transaction.set_rollback(True)
    if loaded:
        # Definitions and pages cached under primary keys that the rollback freed.
        caches.clear_all()
    return figures


def _measure_page(scenario: PageScenario, *, repeat: int) -> dict[str, Any]:
    # The ceiling writes to a part of its own, as in bench/load.py: its rows (under
    # fresh item codes) would otherwise pile up in the app's part, and every app POST
    # would read them back and fail to score them.
    respondent, ceiling_part = respondents_create(
        scenario.protocol, 2, label=f"bench-{secrets.token_hex(4)}"
    )
    page = reverse(
        "questionnaires:respond-page",
        kwargs={"token": respondent.token, "number": scenario.page},
    )
    ceiling = reverse(
        "bench-ceiling",
        kwargs={
            "part": ceiling_part.part_id,
            "version": scenario.instrument_version_id,
            "items": scenario.items,
            "options": scenario.options,
        },
    )
    app_data = {**scenario.answers, "action": "next"}
    ceiling_data = {field_name(n): "0" for n in range(1, scenario.items + 1)} | {
        "action": "next"
    }
    client = Client()

    def get(url: str) -> Callable[[], object]:
        def action() -> object:
            response = client.get(url, secure=True)
            assert response.status_code == 200, response.status_code  # noqa: S101
            return response

        return action

    def post(url: str, data: dict[str, str]) -> Callable[[], object]:
        def action() -> object:
            response = client.post(url, data, secure=True)
            assert response.status_code == 302, response.status_code  # noqa: S101
            return response

        return action

    actions = {
        "get": get(page),
        "get_ceiling": get(ceiling),
        "post": post(page, app_data),
        "post_ceiling": post(ceiling, ceiling_data),
    }
    for action in actions.values():
        action()
    with CaptureQueriesContext(connection) as get_queries:
        actions["get"]()
    with CaptureQueriesContext(connection) as post_queries:
        actions["post"]()
    # Counted now: the captured list is a slice of a log the next request clears.
    queries = {"get": len(get_queries), "post": len(post_queries)}
    medians = interleaved_medians(actions, repeat=repeat)
    return {
        "queries_per_page": queries,
        "page_protocol": scenario.protocol.code,
        "page_items": scenario.items,
        "page_get_ms": round(medians["get"], 2),
        "page_get_ceiling_ms": round(medians["get_ceiling"], 2),
        "page_get_ratio": round(medians["get_ceiling"] / medians["get"], 3),
        "page_post_ms": round(medians["post"], 2),
        "page_post_ceiling_ms": round(medians["post_ceiling"], 2),
        "page_post_ratio": round(medians["post_ceiling"] / medians["post"], 3),
    }
