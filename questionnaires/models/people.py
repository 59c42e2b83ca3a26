"""Organisations (clinics) and who belongs to them, in which role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Replace, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A clinic or service. Patients and screenings belong to exactly one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one organisation. A user may belong to several."""

    class Role(models.TextChoices):
        CLINICIAN = "clinician", _("Clinician")
        ORG_ADMIN = "org_admin", _("Organisation admin")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CLINICIAN
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_org"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["clinician", "org_admin"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class Patient(models.Model):
    """A pseudonymous patient of one clinic: a code, a birth year, optionally sex.

    No name is stored anywhere: the clinic keeps the link between the code and the
    person in its own records. Age is derived from the birth year, so it is the age
    reached during the current year (at most one year more than the exact age).
    """

    class Sex(models.TextChoices):
        UNSTATED = "", _("Not recorded")
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="patients"
    )
    code = models.CharField(
        _("patient code"),
        max_length=40,
        help_text=_("A pseudonymous code unique in the clinic. Never a name."),
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    sex = models.CharField(
        _("sex"), max_length=10, choices=Sex.choices, blank=True, default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="patient_unique_code_in_org"
            ),
            # "demo-001" and "DEMO 001" are one code: unique ignoring case and spaces.
            models.UniqueConstraint(
                "organisation",
                Replace(Upper("code"), models.Value(" "), models.Value("")),
                name="patient_unique_normalised_code_in_org",
                violation_error_message=_("This code is already used in this clinic."),
            ),
            models.CheckConstraint(
                condition=models.Q(sex__in=["", "female", "male", "other"]),
                name="patient_sex_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_year__gte=1900, birth_year__lte=2200),
                name="patient_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def age_in(self, year: int) -> int:
        """The age reached in ``year``."""
        return year - self.birth_year

    @property
    def age(self) -> int:
        """The age reached this year."""
        return self.age_in(timezone.localdate().year)


class StaffProfile(models.Model):
    """A staff member's own settings: the language of their pages and PDFs.

    An empty language means "my browser's language" (Accept-Language).
    """

    class Language(models.TextChoices):
        BROWSER = "", _("My browser's language")
        ENGLISH = "en", "English"
        JAPANESE = "ja", "日本語"
        ITALIAN = "it", "Italiano"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language of my pages and PDFs"),
        max_length=8,
        blank=True,
        choices=Language.choices,
        default=Language.BROWSER,
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=["", "en", "ja", "it"]),
                name="staffprofile_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.language or 'browser'}"
