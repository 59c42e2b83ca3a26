"""Queryset glue for the exports: what to export, read a chunk at a time.

The organisation export walks its screenings with ``.iterator(chunk_size=…)`` over the
few narrow columns a row needs; the result snapshots, the submitted parts and their
answers are read per chunk as tuples and JSON text (named statements in
:mod:`questionnaires.sql` for the first and the last), so memory and the number of
queries grow with the number of chunks, not with the number of screenings. The rows
themselves are built by the pure :mod:`questionnaires.exports.csv`; :func:`csv_lines`
ends the file with a trailer line naming its row count, so a file cut short can be told
from a whole one.
"""

from __future__ import annotations

import csv as std_csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from questionnaires import selectors, sql
from questionnaires.bank.convert import version_definition
from questionnaires.exports import csv as csv_rows
from questionnaires.exports import fhir
from questionnaires.models import (
    InstrumentVersion,
    Organisation,
    Protocol,
    ProtocolEntry,
    Screening,
    ScreeningPart,
)
from questionnaires.models.translations import TRANSLATED_LANGUAGES
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


def single_screening(screening: Screening) -> QuerySet[Screening]:
    """One screening (from ``screening_get_for``) as the queryset an export reads."""
    return Screening.objects.filter(pk=screening.pk)


def count_up_to(screenings: QuerySet[Screening], limit: int) -> int:
    """How many screenings, counting no further than ``limit + 1`` (a bounded read)."""
    return screenings.order_by().values("pk")[: limit + 1].count()


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


#: The columns of a screening the export's cursor reads: narrow, so that sorting
#: them is cheap. The result snapshot is read per chunk (``sql.EXPORT_RESULTS``);
#: ``result_localised`` never.
_SCREENING_COLUMNS = (
    "id",
    "patient_id",
    "patient__code",
    "patient__sex",
    "age",
    "created_at",
    "completed_at",
)
_ScreeningRow = tuple[int, int | None, str | None, str | None, int, Any, Any]


def _chunks(rows: Iterable[_ScreeningRow], size: int) -> Iterator[list[_ScreeningRow]]:
    chunk: list[_ScreeningRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def screening_records(
    screenings: QuerySet[Screening], export: CsvExport, *, research: bool
) -> Iterator[csv_rows.ScreeningRecord]:
    """The pure records of ``screenings``, ``CHUNK_SIZE`` at a time, as plain tuples.

    The screenings are read through one cursor (server-side on PostgreSQL) with only
    the few narrow columns a row needs. Per chunk, three more queries read their
    result snapshots as JSON text (without the keys no column reads), the submitted
    parts (ORM tuples), and the parts' answers as one JSON object per part and
    instrument version (``sql.EXPORT_RESULTS``, ``sql.EXPORT_ANSWERS``). No model
    instance is built and all JSON is decoded by the C decoder, so memory is flat
    and the Python per row is small.
    """
    keys = csv_rows.PatientKeys() if research else None
    zone = timezone.get_current_timezone()
    size = CHUNK_SIZE
    rows = screenings.values_list(*_SCREENING_COLUMNS).iterator(chunk_size=size)
    code_of, number_of = export.code_of, export.number_of
    loads = json.loads
    for chunk in _chunks(rows, size):
        ids = [row[0] for row in chunk]
        results = dict(sql.export_results(ids, leave_out=csv_rows.RESULT_KEYS_UNREAD))
        parts = list(
            ScreeningPart.objects.filter(screening_id__in=ids, status=SUBMITTED)
            .order_by("screening_id", "id")
            .values_list("id", "screening_id", "role", "protocol__code")
        )
        screening_of = {part_id: screening_id for part_id, screening_id, _, _ in parts}
        answers: dict[int, dict[str, dict[str, Any]]] = {}
        versions: dict[int, dict[str, int]] = {}
        # In part order: should two parts answer one version, the later one wins.
        for part_id, version_id, text in sorted(sql.export_answers(list(screening_of))):
            code = code_of.get(version_id)
            if code is None:
                continue
            screening_id = screening_of[part_id]
            by_code = answers.setdefault(screening_id, {})
            if code in by_code:
                by_code[code].update(loads(text))
            else:
                by_code[code] = loads(text)
            versions.setdefault(screening_id, {})[code] = number_of[version_id]
        protocols: dict[int, dict[str, str]] = {}
        for _, screening_id, role, protocol_code in parts:
            protocols.setdefault(screening_id, {})[role] = protocol_code
        for pk, patient_id, code, sex, age, created, completed in chunk:
            patient = keys(patient_id or 0) if keys is not None else code or ""
            result = results.get(pk)
            yield csv_rows.ScreeningRecord(
                screening_id=pk,
                patient=patient,
                age=age,
                sex=sex or "",
                started_on=created.astimezone(zone).date(),
                completed_on=completed.astimezone(zone).date() if completed else None,
                protocols=protocols.get(pk, {}),
                versions=versions.get(pk, {}),
                answers=answers.get(pk, {}),
                result=loads(result) if result is not None else None,
            )


def screening_rows(
    screenings: QuerySet[Screening], export: CsvExport, *, research: bool
) -> Iterator[list[str]]:
    """Header and rows, reading ``CHUNK_SIZE`` screenings at a time."""
    records = screening_records(screenings, export, research=research)
    return csv_rows.rows_for(records, export.columns)


class _Echo:
    """A file-like object whose ``write`` returns the line (Django's CSV pattern)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    rows: Iterable[list[str]], *, batch: int = 100, trailer: bool = False
) -> Iterator[str]:
    """CSV text, a few rows per chunk of the response.

    With ``trailer``, the last line is :func:`csv.trailer` of the number of data
    rows (the header not counted): a stream cut anywhere lacks it.
    """
    writer = std_csv.writer(_Echo())
    pending: list[str] = []
    count = -1  # the header is not a data row
    for row in rows:
        pending.append(writer.writerow(row))
        count += 1
        if len(pending) >= batch:
            yield "".join(pending)
            pending = []
    if trailer:
        pending.append(csv_rows.trailer(max(count, 0)))
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
        translation = _translation_used(version, lang)
        if translation is not None:
            used[version.instrument.code] = translation
    return used


def _translation_used(
    version: InstrumentVersion, lang: str
) -> fhir.TranslationUsed | None:
    record = selectors.translation_used(version, lang) if lang != "en" else None
    if record is None:
        return None
    return fhir.TranslationUsed(
        language=record.language,
        source=record.source,
        citation=record.citation,
        licence=record.licence,
        population=record.population,
        validated=record.is_validated,
    )


def version_questionnaire(version: InstrumentVersion) -> dict[str, Any]:
    """An instrument version as a FHIR Questionnaire."""
    published = version.published_at
    return fhir.questionnaire(
        version_definition(version),
        status=version.status,
        date=published.isoformat() if published else None,
        base=fhir_base(),
        translations=[
            used
            for lang in TRANSLATED_LANGUAGES
            if (used := _translation_used(version, lang)) is not None
        ],
    )
