"""The audit trail: an append-only record of who saw or changed what, and when.

A small model rather than a library: events are written explicitly by services in the
same transaction as the change (so an event exists exactly when the change does), and
they must never hold answers or personal data, which generic model-diff libraries would
copy in. Events are never updated or deleted by the app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from questionnaires.models.people import Organisation

#: Every action the app records (services call ``audit_record`` with one of these).
#: The audit page's filter offers this list rather than reading every event for the
#: distinct values; tests/services/test_audit_actions.py keeps it complete.
AUDIT_ACTIONS: tuple[str, ...] = (
    "account.create",
    "account.language_set",
    "alert_settings.change",
    "bank.golden_case_save",
    "bank.import",
    "bank.protocol_copy",
    "bank.protocol_publish",
    "bank.translation_publish",
    "bank.version_copy",
    "family_check.create",
    "family_check.purge",
    "instrument_version.export_fhir",
    "invitation.create",
    "invitation.kiosk_end",
    "invitation.open",
    "invitation.revoke",
    "kiosk.hand_back_refused",
    "membership.add",
    "membership.change",
    "membership.change_role",
    "membership.remove",
    "organisation.create",
    "organisation.delete",
    "organisation.export_csv",
    "organisation.export_download",
    "organisation.export_file_ready",
    "organisation.export_files_purge",
    "patient.create",
    "patient.erase",
    "patient.export",
    "report.download",
    "screening.create",
    "screening.export_csv",
    "screening.export_fhir",
    "screening.urgent",
    "screening.urgent_acknowledge",
    # services.safety records "screening.urgent_<step>" for SafetyAlert.Step values.
    "screening.urgent_alert",
    "screening.urgent_escalation",
    "screening.view_result",
    "screening_part.import_fhir",
    "screening_part.submit",
    "two_factor.backup_codes",
    "two_factor.enrol",
    "two_factor.enrol_code_sent",
    "two_factor.remove",
)


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who acted when there is no user: "respondent", "system", a management command.
    actor_label = models.CharField(_("actor"), max_length=60, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.CharField(_("target type"), max_length=60, blank=True)
    target_id = models.CharField(_("target id"), max_length=60, blank=True)
    # Identifiers and counts only: never answers, names or free text from users.
    details = models.JSONField(_("details"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # The audit page: one organisation's events newest first, by keyset.
            models.Index(
                fields=["organisation", "-created_at", "-id"],
                name="audit_org_created_idx",
            ),
            models.Index(
                fields=["organisation", "action", "-created_at", "-id"],
                name="audit_org_action_created_idx",
            ),
        ]

    def __str__(self) -> str:
        who = self.actor or self.actor_label or "-"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)
