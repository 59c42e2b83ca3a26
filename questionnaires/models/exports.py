"""A clinic export written in the background: a file offered only once it is whole."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from questionnaires.models.people import Organisation


class ExportFile(models.Model):
    """One organisation CSV written by a background task (too large to stream).

    The file is written under a temporary name and renamed once its rows are counted
    and its SHA-256 taken; only then is the status ``complete`` and a download
    offered, until ``expires_at``. ``filters`` holds dates and a protocol code only.
    Once expired, ``manage.py purge_expired`` deletes the file and sets
    ``purged_at``; the row stays, the record of what was exported (rows, checksum,
    who asked) that the audit trail's events point to.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        COMPLETE = "complete", _("Ready")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="export_files"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    research = models.BooleanField(_("research export"), default=False)
    filters = models.JSONField(_("filters"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    filename = models.CharField(_("file name"), max_length=200)
    rows = models.PositiveIntegerField(_("data rows"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    expires_at = models.DateTimeField(_("download until"))
    purged_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export file")
        verbose_name_plural = _("export files")
        indexes = [
            models.Index(
                fields=["requested_by", "-created_at"], name="exportfile_user_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "complete", "failed"]),
                name="exportfile_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="complete")
                | models.Q(rows__isnull=False, sha256__regex=r"^[0-9a-f]{64}$"),
                name="exportfile_complete_has_rows_and_checksum",
            ),
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.organisation_id}, {self.status})"
