"""Closing the safety loop: who is alerted, each alert sent, and the acknowledgement.

An urgent screening gets one ``SafetyAlert`` row per step (the first alert, then the
escalation). The row, not the task queue, is the record of what must be sent: a task
only delivers it, so a lost task is re-sent from the row and the unique (screening,
step) pair means a re-run, a second worker or a second server never sends twice.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from questionnaires.models.people import Organisation
from questionnaires.models.screenings import Screening


def default_opens_at() -> datetime.time:
    """9:00. A callable: a fixed time default makes Django warn (fields.W161) during
    the ten seconds around that time of day, so `check --deploy` failed at 9:00."""
    return datetime.time(9, 0)


def default_closes_at() -> datetime.time:
    """18:00 (a callable for the same reason)."""
    return datetime.time(18, 0)


class AlertSettings(models.Model):
    """A clinic's alert addresses, escalation delay and opening hours."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="alert_settings"
    )
    # One address a line; the clinician who started the screening is always added.
    addresses = models.TextField(_("alert addresses"), blank=True)
    escalate_after = models.PositiveSmallIntegerField(
        _("escalate after (minutes in opening hours)"), default=60
    )
    opens_at = models.TimeField(_("opens at"), default=default_opens_at)
    closes_at = models.TimeField(_("closes at"), default=default_closes_at)
    # ISO weekdays the clinic is open, e.g. "12345" for Monday to Friday.
    open_days = models.CharField(_("open days"), max_length=7, default="12345")

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="alertsettings_opens_before_closing",
            ),
            models.CheckConstraint(
                condition=models.Q(escalate_after__gte=1),
                name="alertsettings_escalate_after_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Alert settings of {self.organisation}"

    @property
    def address_list(self) -> list[str]:
        return [a.strip() for a in self.addresses.splitlines() if a.strip()]


class SafetyAlert(models.Model):
    """One alert step for one urgent screening: due, then sent (or no longer needed)."""

    class Step(models.TextChoices):
        ALERT = "alert", _("Alert")
        ESCALATION = "escalation", _("Escalation")

    screening = models.ForeignKey(
        Screening, on_delete=models.CASCADE, related_name="safety_alerts"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    due_at = models.DateTimeField(_("due"), db_index=True)
    # The last time a task was enqueued to send it (the sweep re-enqueues lost ones).
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    # Set when the step is no longer needed (acknowledged before the escalation).
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("safety alert")
        verbose_name_plural = _("safety alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "step"], name="safetyalert_one_per_step"
            ),
            models.CheckConstraint(
                condition=models.Q(step__in=["alert", "escalation"]),
                name="safetyalert_step_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} for screening {self.screening_id}"


class SafetyAcknowledgement(models.Model):
    """A clinician's record that an urgent screening has been acted on."""

    class Outcome(models.TextChoices):
        ASSESSED = "assessed", _("Safety assessment done")
        CONTACTED = "contacted", _("Contacted, follow-up arranged")

    screening = models.OneToOneField(
        Screening, on_delete=models.CASCADE, related_name="safety_acknowledgement"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("acknowledged"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("safety acknowledgement")
        verbose_name_plural = _("safety acknowledgements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["assessed", "contacted"]),
                name="safetyack_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.screening_id})"
