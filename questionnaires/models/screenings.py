"""Screenings, their parts, answers, invitation links and anonymous family checks.

A screening belongs to one patient of one clinic, or (an anonymous family self-check)
to nobody. It has up to three parts, one per audience (self, informant, clinician);
each part is one protocol answered by one person. Answers are bound by stable codes to
the instrument version that was answered (``on_delete=PROTECT``), and the scoring
result is snapshotted onto the screening when a part is submitted (STYLE.md §7).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questionnaires.models.bank import (
    LANGUAGE_CODES,
    Audience,
    InstrumentVersion,
    Protocol,
)
from questionnaires.models.people import Organisation, Patient

LANGUAGE_CHOICES = [("en", "English"), ("ja", "日本語"), ("it", "Italiano")]


class Screening(models.Model):
    """One screening of one patient (or an anonymous family self-check)."""

    # Both null for an anonymous family self-check, both set otherwise.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="screenings",
    )
    patient = models.ForeignKey(
        Patient,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="screenings",
    )
    # The age the answers are about, fixed when the screening starts (scoring input).
    age = models.PositiveSmallIntegerField(_("age at screening"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    # Set the moment a suicide-risk answer is saved, before any submission.
    urgent_at = models.DateTimeField(_("marked urgent"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # The engine's output (DESIGN.md §3, English texts) over every submitted part.
    result = models.JSONField(
        _("result"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    # The same result with its texts in the other respondent languages.
    result_localised = models.JSONField(
        _("result texts in other languages"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
    )
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    # When an urgent screening's safety step was acknowledged: its
    # SafetyAcknowledgement's time, kept here too (services.safety.urgent_acknowledge)
    # so that the open urgent screenings are read from a small partial index rather
    # than by checking every urgent screening the clinic ever had.
    safety_acknowledged_at = models.DateTimeField(
        _("acknowledged"), null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        indexes = [
            # A patient's screenings newest first (patient page, patient list).
            models.Index(
                fields=["patient", "-created_at", "-id"],
                name="screening_patient_created_idx",
            ),
            # A clinic's screenings oldest first (exports, by keyset).
            models.Index(
                fields=["organisation", "created_at", "id"],
                name="screening_org_created_idx",
            ),
            # A clinic's urgent screenings, newest first: a small part of the table.
            models.Index(
                fields=["organisation", "-urgent_at"],
                name="screening_org_urgent_idx",
                condition=models.Q(urgent_at__isnull=False),
            ),
            # The urgent screenings not yet acknowledged: as few as the open safety
            # steps, however many urgent screenings were acknowledged before. Oldest
            # first over every clinic (the urgent queue of a user's clinics, read in
            # order and stopped after a page) ...
            models.Index(
                fields=["urgent_at", "id"],
                name="screening_open_urgent_idx",
                condition=models.Q(
                    urgent_at__isnull=False, safety_acknowledged_at__isnull=True
                ),
            ),
            # ... and newest first in one clinic (the top of its patient list).
            models.Index(
                fields=["organisation", "-urgent_at"],
                name="screening_org_open_urgent_idx",
                condition=models.Q(
                    urgent_at__isnull=False, safety_acknowledged_at__isnull=True
                ),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=True, patient__isnull=True)
                | models.Q(organisation__isnull=False, patient__isnull=False),
                name="screening_patient_and_org_together",
            ),
            models.CheckConstraint(
                condition=models.Q(age__gte=10, age__lte=100),
                name="screening_age_in_scoring_range",
            ),
        ]

    def __str__(self) -> str:
        who = self.patient.code if self.patient_id else "anonymous"  # type: ignore[union-attr]
        return f"Screening {self.pk} ({who}, {self.created_at:%Y-%m-%d})"

    @property
    def is_anonymous(self) -> bool:
        return self.patient_id is None

    @property
    def is_urgent(self) -> bool:
        return self.urgent_at is not None

    def result_in(self, lang: str) -> dict[str, Any] | None:
        """The result snapshot with its texts in ``lang`` (English fallback)."""
        localised = (self.result_localised or {}).get(lang)
        return localised or self.result


class ScreeningPart(models.Model):
    """One protocol answered by one person: the patient, a parent or the clinician."""

    Role = Audience

    class Mode(models.TextChoices):
        KIOSK = "kiosk", _("Patient on this device")
        LINK = "link", _("Invitation link")
        CLINICIAN = "clinician", _("Clinician form")

    class Status(models.TextChoices):
        PENDING = "pending", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    screening = models.ForeignKey(
        Screening, on_delete=models.CASCADE, related_name="parts"
    )
    role = models.CharField(_("who answers"), max_length=20, choices=Role.choices)
    protocol = models.ForeignKey(
        Protocol, on_delete=models.PROTECT, related_name="screening_parts"
    )
    mode = models.CharField(_("how"), max_length=20, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    # The last page the respondent saved, to resume where they left off.
    last_page = models.PositiveSmallIntegerField(_("last page"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The first time a suicide-risk answer was saved in this part.
    crisis_at = models.DateTimeField(_("crisis shown"), null=True, blank=True)
    # This part's own result (for the respondent's summary), English texts.
    result = models.JSONField(
        _("result"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["screening", "id"]
        verbose_name = _("screening part")
        verbose_name_plural = _("screening parts")
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "role"], name="screeningpart_one_per_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Audience.values),
                name="screeningpart_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=["kiosk", "link", "clinician"]),
                name="screeningpart_mode_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "in_progress", "submitted"]),
                name="screeningpart_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="submitted", submitted_at__isnull=False)
                | (~models.Q(status="submitted") & models.Q(submitted_at__isnull=True)),
                name="screeningpart_submitted_at_iff_submitted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.screening_id}/{self.role}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """One answer, by stable item code, bound to the version that was answered."""

    part = models.ForeignKey(
        ScreeningPart, on_delete=models.CASCADE, related_name="answers"
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="answers"
    )
    item_code = models.CharField(_("item code"), max_length=60)
    # The chosen option's code for choice items, empty otherwise.
    option_code = models.CharField(_("option code"), max_length=60, blank=True)
    # A number, or a string for times of day and free text.
    value = models.JSONField(_("value"), encoder=DjangoJSONEncoder)
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        ordering = ["part", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["part", "instrument_version", "item_code"],
                name="answer_one_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code}={self.value}"


class Invitation(models.Model):
    """Access to one part by an opaque token; only its SHA-256 is stored.

    A token opens exactly one part. It stops working when it expires or is revoked;
    once the part is submitted it can no longer change answers, but still shows the
    respondent their own summary until it expires.
    """

    class Kind(models.TextChoices):
        LINK = "link", _("Invitation link")
        KIOSK = "kiosk", _("Clinic device")
        SELF_CHECK = "self_check", _("Family self-check")

    part = models.ForeignKey(
        ScreeningPart, on_delete=models.CASCADE, related_name="invitations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["link", "kiosk", "self_check"]),
                name="invitation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk} ({self.get_kind_display()})"

    def is_usable(self, now: Any = None) -> bool:
        """Neither revoked nor expired (a used one still shows its summary)."""
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class FamilyCheck(models.Model):
    """An anonymous family self-check: nothing but a resume code and an expiry.

    No name, no contact details, no organisation: the screening holds the young
    person's age and the answers, and ``purge_expired`` deletes all of it once
    ``purge_after`` has passed.
    """

    screening = models.OneToOneField(
        Screening, on_delete=models.CASCADE, related_name="family_check"
    )
    resume_code_hash = models.CharField(
        _("resume code hash"), max_length=64, unique=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    purge_after = models.DateTimeField(_("deleted after"), db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("family self-check")
        verbose_name_plural = _("family self-checks")

    def __str__(self) -> str:
        return f"Family self-check {self.pk}"


class CrisisContact(models.Model):
    """An organisation's own crisis contact for one language.

    When an organisation has any contact for a language, its list replaces the
    default list of ``questionnaires.reports.crisis`` for that language.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="crisis_contacts"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_CHOICES, default="en"
    )
    name = models.CharField(_("service"), max_length=200)
    phone = models.CharField(_("how to reach"), max_length=200)
    hours = models.CharField(_("hours"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["organisation", "language", "order", "id"]
        verbose_name = _("crisis contact")
        verbose_name_plural = _("crisis contacts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=LANGUAGE_CODES),
                name="crisiscontact_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"
