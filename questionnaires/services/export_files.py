"""Large clinic exports, written by a background task and offered once whole.

``organisation_export_request`` records the request (audited) and enqueues
``tasks.write_organisation_export`` on commit; the task calls
``organisation_export_write``, which streams the same rows as the in-request export
into a temporary file, counts them, takes the SHA-256, renames the file into place,
and only then marks it complete and tells the clinician by e-mail (a link, no data).
``export_files_purge`` (``manage.py purge_expired``) deletes expired files.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires.exports import streams
from questionnaires.models import ExportFile, Organisation, Protocol, Screening
from questionnaires.services.audit import audit_record


def export_path(export: ExportFile) -> Path:
    """Where a complete export's file lives (outside static and media files)."""
    return Path(settings.EXPORT_ROOT) / f"export-{export.pk}.csv"


@transaction.atomic
def organisation_export_request(
    *,
    organisation: Organisation,
    by: User,
    filters: streams.ExportFilters,
    research: bool,
    columns: int,
    download_url: str,
) -> ExportFile:
    """Queue a clinic export to be written in the background (audited now)."""
    kind = "research" if research else "screenings"
    export = ExportFile.objects.create(
        organisation=organisation,
        requested_by=by,
        research=research,
        filters=filters.as_details(),
        filename=f"{organisation.slug}-{kind}-{timezone.localdate():%Y-%m-%d}.csv",
        expires_at=timezone.now() + timedelta(days=settings.EXPORT_FILE_DAYS),
    )
    audit_record(
        action="organisation.export_csv",
        actor=by,
        target=organisation,
        organisation=organisation,
        details={
            "columns": columns,
            "research": research,
            "background": True,
            "export_file": export.pk,
            **filters.as_details(),
        },
    )
    from questionnaires import tasks  # tasks import services: import at call time

    transaction.on_commit(
        lambda: tasks.write_organisation_export.enqueue(
            export_id=export.pk, download_url=download_url
        )
    )
    return export


def export_file_downloaded(*, export: ExportFile, by: User) -> None:
    """Record a download of a background export (counts, never data)."""
    audit_record(
        action="organisation.export_download",
        actor=by,
        target=export.organisation,
        organisation=export.organisation,
        details={"export_file": export.pk, "rows": export.rows},
    )


def _filters(details: dict[str, str | None]) -> streams.ExportFilters:
    since, until, code = (
        details.get("since"),
        details.get("until"),
        details.get("protocol"),
    )
    return streams.ExportFilters(
        since=date.fromisoformat(since) if since else None,
        until=date.fromisoformat(until) if until else None,
        protocol=Protocol.objects.filter(code=code).first() if code else None,
    )


def organisation_export_write(*, export_id: int, download_url: str = "") -> ExportFile:
    """Write an export's file; mark it complete with its row count and checksum.

    Idempotent: a complete export is left as it is, and a re-run after a crash
    rewrites the temporary file from the start. Nothing is offered before the
    rename, so a partial file is never downloadable.
    """
    export = ExportFile.objects.select_related("organisation", "requested_by").get(
        pk=export_id
    )
    if export.status == ExportFile.Status.COMPLETE:
        return export
    screenings = streams.organisation_screenings(
        export.organisation, _filters(export.filters)
    )
    columns = streams.CsvExport.over(
        streams.versions_used(screenings), research=export.research
    )
    final = export_path(export)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_suffix(".part")
    try:
        rows, size, sha256 = _write(partial, screenings, columns, export.research)
    except BaseException:
        partial.unlink(missing_ok=True)
        ExportFile.objects.filter(pk=export.pk).update(status=ExportFile.Status.FAILED)
        raise
    os.replace(partial, final)
    with transaction.atomic():
        export.status = ExportFile.Status.COMPLETE
        export.rows = rows
        export.size = size
        export.sha256 = sha256
        export.completed_at = timezone.now()
        export.save(update_fields=["status", "rows", "size", "sha256", "completed_at"])
        audit_record(
            action="organisation.export_file_ready",
            actor_label="system",
            target=export.organisation,
            organisation=export.organisation,
            details={"export_file": export.pk, "rows": export.rows, "bytes": size},
        )
    _notify(export, download_url)
    return export


def _write(
    path: Path,
    screenings: QuerySet[Screening],
    columns: streams.CsvExport,
    research: bool,
) -> tuple[int, int, str]:
    """Write the CSV (with its trailer) to ``path``: data rows, bytes, SHA-256."""
    digest = hashlib.sha256()
    size = 0
    lines = 0

    def counted() -> Iterator[list[str]]:
        nonlocal lines
        for row in streams.screening_rows(screenings, columns, research=research):
            lines += 1
            yield row

    with path.open("wb") as out:
        for text in streams.csv_lines(counted(), trailer=True):
            data = text.encode()
            digest.update(data)
            size += len(data)
            out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return max(lines - 1, 0), size, digest.hexdigest()


def export_files_purge(*, now: datetime | None = None) -> int:
    """Delete the files of expired exports; keep their rows, marked ``purged_at``.

    A file already gone (deleted by hand, or a failed write that left none) is no
    error. The files go first, then the rows are marked: a run stopped in between
    is finished by the next one. One audit event per clinic, with the export
    numbers. Returns how many exports were purged.
    """
    now = now or timezone.now()
    expired = list(
        ExportFile.objects.filter(expires_at__lte=now, purged_at__isnull=True)
        .select_related("organisation")
        .order_by("pk")
    )
    for export in expired:
        final = export_path(export)
        final.unlink(missing_ok=True)
        final.with_suffix(".part").unlink(missing_ok=True)  # a write never finished
    by_clinic: dict[Organisation, list[int]] = {}
    for export in expired:
        by_clinic.setdefault(export.organisation, []).append(export.pk)
    with transaction.atomic():
        ExportFile.objects.filter(pk__in=[e.pk for e in expired]).update(purged_at=now)
        for organisation, pks in by_clinic.items():
            audit_record(
                action="organisation.export_files_purge",
                actor_label="system",
                target=organisation,
                organisation=organisation,
                details={"export_files": pks},
            )
    return len(expired)


def _notify(export: ExportFile, download_url: str) -> None:
    """Tell the clinician the file is ready: a link and a date, never data."""
    address = export.requested_by.email
    if not address:
        return
    send_mail(
        _("Your HikiScreen export is ready"),
        _(
            "The export you asked for is ready to download until %(until)s:\n"
            "%(link)s\n\nSign in to download it. It holds %(rows)d rows."
        )
        % {
            "until": f"{timezone.localtime(export.expires_at):%Y-%m-%d %H:%M}",
            "link": download_url,
            "rows": export.rows or 0,
        },
        None,
        [address],
    )
