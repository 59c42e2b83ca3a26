"""Large clinic exports: written in the background, offered only once whole."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import benchmarks
from questionnaires.exports import csv as export_csv
from questionnaires.models import AuditEvent, ExportFile, Organisation
from questionnaires.services import export_files
from tests.factories import SELF

pytestmark = pytest.mark.django_db

EXPORT = reverse("questionnaires:organisation-export-csv", args=["clinic-a"])


@pytest.fixture
def large(
    settings: Any,
    tmp_path: Path,
    clinic_a: Organisation,
    protocols: dict[str, Any],
) -> None:
    """Five submitted screenings, more than the two a request may stream."""
    settings.EXPORT_STREAM_MAX_ROWS = 2
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    benchmarks.synthetic_screenings(
        organisation=clinic_a, protocol=protocols[SELF], count=5
    )


def _download(client: Client, export: ExportFile) -> Any:
    response: Any = client.get(
        reverse("questionnaires:export-file-download", args=[export.pk])
    )
    if response.status_code == 200:
        # Reading it to the end closes it (the test client's wrapper); closing it
        # again here would fire request_finished and close the test's connection.
        response.content_bytes = b"".join(response.streaming_content)
    return response


def test_a_large_export_is_written_in_the_background_with_rows_and_checksum(
    client: Client,
    clinician: User,
    large: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clinician.email = "clinician@example.org"
    clinician.save()
    client.force_login(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXPORT)
    assert response.status_code == 302
    export = ExportFile.objects.get()
    assert export.status == ExportFile.Status.COMPLETE
    assert export.rows == 5
    data = export_files.export_path(export).read_bytes()
    assert hashlib.sha256(data).hexdigest() == export.sha256
    assert export_csv.is_complete(data.decode())
    (message,) = mail.outbox
    assert "/clinic/clinic-a/export/" in message.body
    assert "R-" not in message.body and "P-" not in message.body  # no data
    page = client.get(reverse("questionnaires:organisation-export", args=["clinic-a"]))
    assert export.sha256 in page.content.decode()
    download = _download(client, export)
    assert download.content_bytes == data
    assert download["Repr-Digest"].startswith("sha-256=:")
    assert AuditEvent.objects.filter(action="organisation.export_download").exists()


def test_an_export_is_not_offered_before_it_is_complete_or_after_it_expires(
    client: Client, clinician: User, clinic_a: Organisation, large: None
) -> None:
    client.force_login(clinician)
    client.get(EXPORT)  # no commit in this test: the task never runs
    export = ExportFile.objects.get()
    assert export.status == ExportFile.Status.PENDING
    assert _download(client, export).status_code == 404
    export_files.organisation_export_write(export_id=export.pk)
    assert _download(client, export).status_code == 200
    ExportFile.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _download(client, export).status_code == 404


def test_another_clinician_cannot_download_someone_elses_export(
    client: Client, clinician: User, colleague: User, large: None
) -> None:
    client.force_login(clinician)
    client.get(EXPORT)
    export = export_files.organisation_export_write(
        export_id=ExportFile.objects.get().pk
    )
    client.force_login(colleague)
    assert _download(client, export).status_code == 404


def test_a_failed_write_leaves_no_file_and_offers_nothing(
    client: Client, clinician: User, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(clinician)
    client.get(EXPORT)
    export = ExportFile.objects.get()

    def broken(*args: Any, **kwargs: Any) -> Any:
        yield ["header"]
        raise OSError("disk full")

    monkeypatch.setattr(export_files.streams, "screening_rows", broken)
    with pytest.raises(OSError, match="disk full"):
        export_files.organisation_export_write(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportFile.Status.FAILED
    assert not export_files.export_path(export).exists()
    assert not export_files.export_path(export).with_suffix(".part").exists()
    assert _download(client, export).status_code == 404


def test_a_small_export_still_streams_in_the_request(
    client: Client, clinician: User, large: None, settings: Any
) -> None:
    settings.EXPORT_STREAM_MAX_ROWS = 5
    client.force_login(clinician)
    response = client.get(EXPORT)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert export_csv.is_complete(content.decode())
    assert not ExportFile.objects.exists()


def _written(client: Client, clinician: User) -> ExportFile:
    """A complete background export of the ``large`` fixture's clinic."""
    client.force_login(clinician)
    client.get(EXPORT)  # no commit in these tests: written by hand below
    export = ExportFile.objects.get()
    export_files.organisation_export_write(export_id=export.pk)
    export.refresh_from_db()
    assert export_files.export_path(export).exists()
    return export


def test_purge_deletes_expired_export_files_and_keeps_their_records(
    client: Client, clinician: User, large: None
) -> None:
    export = _written(client, clinician)
    now = timezone.now()
    assert export_files.export_files_purge(now=now) == 0  # not expired yet
    assert export_files.export_path(export).exists()

    later = export.expires_at + timedelta(seconds=1)
    assert export_files.export_files_purge(now=later) == 1
    assert not export_files.export_path(export).exists()
    export.refresh_from_db()
    assert export.purged_at == later
    assert (export.rows, export.status) == (5, ExportFile.Status.COMPLETE)  # kept
    event = AuditEvent.objects.get(action="organisation.export_files_purge")
    assert event.details == {"export_files": [export.pk]}
    assert event.organisation_id == export.organisation_id
    # Done once: a later run finds nothing more to do.
    assert export_files.export_files_purge(now=later + timedelta(days=1)) == 0


def test_purge_of_a_file_already_gone_or_never_finished_is_no_error(
    client: Client, clinician: User, large: None
) -> None:
    export = _written(client, clinician)
    export_files.export_path(export).unlink()
    stray = export_files.export_path(export).with_suffix(".part")
    stray.write_text("cut short")  # a write that never finished
    later = export.expires_at + timedelta(seconds=1)
    assert export_files.export_files_purge(now=later) == 1
    assert not stray.exists()
    export.refresh_from_db()
    assert export.purged_at == later


def test_purge_expired_command_deletes_expired_export_files(
    client: Client, clinician: User, large: None
) -> None:
    export = _written(client, clinician)
    ExportFile.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "Deleted the files of 1 expired export(s)." in out.getvalue()
    assert not export_files.export_path(export).exists()
