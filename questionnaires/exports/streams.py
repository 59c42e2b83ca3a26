"""Queryset glue for the exports: what to export, read a chunk at a time.

The organisation export walks its screenings with ``.iterator(chunk_size=…)``; the
submitted parts and their answers are prefetched per chunk, so memory and the number of
queries grow with the number of chunks, not with the number of screenings. The rows
themselves are built by the pure :mod:`questionnaires.exports.csv`.
"""

from __future__ import annotations

import csv as std_csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from questionnaires import selectors
from questionnaires.bank.convert import version_definition
from questionnaires.exports import csv as csv_rows
from questionnaires.exports import fhir
from questionnaires.models import (
    Answer,
    InstrumentVersion,
    Organisation,
    Protocol,
    ProtocolEntry,
    Screening,
    ScreeningPart,
)
from questionnaires.scoring.definitions import InstrumentDefinition

CHUNK_SIZE = 500
SUBMITTED = ScreeningPart.Status.SUBMITTED
_ROLE_ORDER = {role: n for n, role in enumerate(csv_rows.ROLES)}


@dataclass(frozen=True)
class ExportFilters:
    """The organisation export's filters (all optional)."""

    since: date | None = None
    until: date | None = None
    protocol: Protocol | None = None

    def as_details(self) -> dict[str, Any]:
        """The filters as audit details: dates and a protocol code, never data."""
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "protocol": self.protocol.code if self.protocol else None,
        }


def fhir_base() -> str:
    base: str = getattr(settings, "FHIR_CANONICAL_BASE", fhir.DEFAULT_BASE)
    return base


def organisation_screenings(
    organisation: Organisation, filters: ExportFilters
) -> QuerySet[Screening]:
    """The organisation's screenings with at least one submitted part, oldest first.

    ``organisation`` must come from a gatekeeper selector (``organisation_get_for``).
    """
    submitted = ScreeningPart.objects.filter(screening=OuterRef("pk"), status=SUBMITTED)
    if filters.protocol is not None:
        submitted = submitted.filter(protocol=filters.protocol)
    screenings = Screening.objects.filter(organisation=organisation).filter(
        Exists(submitted)
    )
    if filters.since is not None:
        screenings = screenings.filter(created_at__date__gte=filters.since)
    if filters.until is not None:
        screenings = screenings.filter(created_at__date__lte=filters.until)
    return screenings.order_by("created_at", "id")


def with_answers(screenings: QuerySet[Screening]) -> QuerySet[Screening]:
    """Prefetch the submitted parts and their answers (per chunk when iterated)."""
    answers = Answer.objects.only(
        "id", "part_id", "instrument_version_id", "item_code", "value"
    )
    parts = (
        ScreeningPart.objects.filter(status=SUBMITTED)
        .select_related("protocol")
        .prefetch_related(Prefetch("answers", queryset=answers))
    )
    return screenings.select_related("patient").prefetch_related(
        Prefetch("parts", queryset=parts, to_attr="submitted_parts")
    )


def versions_used(screenings: QuerySet[Screening]) -> list[InstrumentVersion]:
    """The instrument versions of the submitted parts, in part then protocol order.

    Read from the protocols (published protocols never change), not from the answers,
    so it costs two small queries whatever the number of screenings.
    """
    protocols = Protocol.objects.filter(
        screening_parts__in=ScreeningPart.objects.filter(
            screening__in=screenings, status=SUBMITTED
        )
    ).distinct()
    entries = ProtocolEntry.objects.filter(protocol__in=protocols).select_related(
        "protocol", "instrument_version__instrument"
    )
    ordered = sorted(
        entries,
        key=lambda e: (
            _ROLE_ORDER.get(e.protocol.audience, 9),
            e.protocol.code,
            e.order,
        ),
    )
    return list(
        {e.instrument_version_id: e.instrument_version for e in ordered}.values()
    )


@dataclass
class CsvExport:
    """Everything a CSV export needs before its first row: columns and lookups."""

    columns: list[csv_rows.Column]
    code_of: dict[int, str]  # version id -> instrument code
    number_of: dict[int, int]  # version id -> version number
    definitions: list[InstrumentDefinition]

    @classmethod
    def over(
        cls, versions: Iterable[InstrumentVersion], *, research: bool
    ) -> CsvExport:
        versions = list(versions)
        definitions = [version_definition(v) for v in versions]
        return cls(
            columns=csv_rows.columns_for(definitions, research=research),
            code_of={v.pk: v.instrument.code for v in versions},
            number_of={v.pk: v.number for v in versions},
            definitions=definitions,
        )


def record_of(
    screening: Screening, export: CsvExport, patient: Callable[[Screening], str]
) -> csv_rows.ScreeningRecord:
    """The pure record of a screening fetched by :func:`with_answers`."""
    parts: list[ScreeningPart] = getattr(screening, "submitted_parts", None) or [
        p for p in screening.parts.all() if p.is_submitted
    ]
    answers: dict[str, dict[str, Any]] = {}
    versions: dict[str, int] = {}
    for part in parts:
        for answer in part.answers.all():
            code = export.code_of.get(answer.instrument_version_id)
            if code is None:
                continue
            answers.setdefault(code, {})[answer.item_code] = answer.value
            versions[code] = export.number_of[answer.instrument_version_id]
    completed = screening.completed_at
    return csv_rows.ScreeningRecord(
        screening_id=screening.pk,
        patient=patient(screening),
        age=screening.age,
        sex=screening.patient.sex if screening.patient else "",
        started_on=timezone.localdate(screening.created_at),
        completed_on=timezone.localdate(completed) if completed else None,
        protocols={p.role: p.protocol.code for p in parts},
        versions=versions,
        answers=answers,
        result=screening.result,
    )


def patient_labeller(*, research: bool) -> Callable[[Screening], str]:
    """Patient code, or a per-export random key for a research export."""
    if not research:
        return lambda s: s.patient.code if s.patient else ""
    keys = csv_rows.PatientKeys()
    return lambda s: keys(s.patient_id or 0)


def screening_rows(
    screenings: QuerySet[Screening], export: CsvExport, *, research: bool
) -> Iterator[list[str]]:
    """Header and rows, reading ``CHUNK_SIZE`` screenings at a time."""
    label = patient_labeller(research=research)
    records = (
        record_of(s, export, label)
        for s in with_answers(screenings).iterator(chunk_size=CHUNK_SIZE)
    )
    return csv_rows.rows_for(records, export.columns)


class _Echo:
    """A file-like object whose ``write`` returns the line (Django's CSV pattern)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]], *, batch: int = 100) -> Iterator[str]:
    """CSV text, a few rows per chunk of the response."""
    writer = std_csv.writer(_Echo())
    pending: list[str] = []
    for row in rows:
        pending.append(writer.writerow(row))
        if len(pending) >= batch:
            yield "".join(pending)
            pending = []
    if pending:
        yield "".join(pending)


# -- FHIR -------------------------------------------------------------------------


def screening_bundle(screening: Screening) -> dict[str, Any]:
    """The FHIR Bundle of a screening fetched by ``screening_get_for``."""
    parts = list(
        screening.parts.filter(status=SUBMITTED)
        .select_related("protocol")
        .prefetch_related("answers")
        .order_by("id")
    )
    version_ids = {a.instrument_version_id for p in parts for a in p.answers.all()}
    entries = ProtocolEntry.objects.filter(
        protocol__in=[p.protocol_id for p in parts]
    ).select_related("instrument_version__instrument")
    by_protocol: dict[int, list[InstrumentVersion]] = {}
    for entry in sorted(entries, key=lambda e: e.order):
        by_protocol.setdefault(entry.protocol_id, []).append(entry.instrument_version)
    exported = []
    for part in sorted(parts, key=lambda p: _ROLE_ORDER.get(p.role, 9)):
        versions = [
            v for v in by_protocol.get(part.protocol_id, []) if v.pk in version_ids
        ] or by_protocol.get(part.protocol_id, [])
        code_of = {v.pk: v.instrument.code for v in versions}
        answers: dict[str, dict[str, Any]] = {}
        for answer in part.answers.all():
            code = code_of.get(answer.instrument_version_id)
            if code is not None:
                answers.setdefault(code, {})[answer.item_code] = answer.value
        submitted = part.submitted_at or screening.created_at
        exported.append(
            fhir.PartAnswers(
                role=part.role,
                submitted_at=submitted.isoformat(),
                definitions=[version_definition(v) for v in versions],
                answers=answers,
                translations=_translations_used(versions, part.language),
            )
        )
    base = fhir_base()
    subject = None
    if screening.patient is not None and screening.organisation is not None:
        subject = {
            "identifier": {
                "system": f"{base}/patient-code/{screening.organisation.slug}",
                "value": screening.patient.code,
            }
        }
    return fhir.screening_bundle(
        screening_id=screening.pk,
        parts=exported,
        result=screening.result,
        timestamp=timezone.now().isoformat(),
        subject=subject,
        base=base,
    )


def _translations_used(
    versions: Iterable[InstrumentVersion], lang: str
) -> dict[str, fhir.TranslationUsed]:
    """Per instrument code, the translation a respondent in ``lang`` was shown."""
    used = {}
    for version in versions:
        record = selectors.translation_used(version, lang) if lang != "en" else None
        if record is not None:
            used[version.instrument.code] = fhir.TranslationUsed(
                language=record.language,
                source=record.source,
                citation=record.citation,
                licence=record.licence,
                population=record.population,
                validated=record.is_validated,
            )
    return used


def version_questionnaire(version: InstrumentVersion) -> dict[str, Any]:
    """An instrument version as a FHIR Questionnaire."""
    published = version.published_at
    return fhir.questionnaire(
        version_definition(version),
        status=version.status,
        date=published.isoformat() if published else None,
        base=fhir_base(),
    )
