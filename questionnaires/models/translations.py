"""Translations of published instrument versions, with where each comes from.

A clinic that holds the licensed Japanese or Italian text of an instrument (PHQ-9,
GAD-7, ASQ, HQ-25 …) enters it once, and it is published as a new version of the
instrument (``services.translations``); the record, on that version, keeps the text
with its provenance:
source (publisher or paper), citation, licence, who entered it, the population it
was validated in, and whether it is a validated translation or a working one. It is
never edited: a corrected translation belongs to a new instrument version.
Depends on ``bank`` (the version) and ``auth.User``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questionnaires.models.bank import InstrumentVersion

TRANSLATED_LANGUAGES = ("ja", "it")


class TranslationRecord(models.Model):
    """The text of one version in one language, and its provenance."""

    class Kind(models.TextChoices):
        VALIDATED = "validated", _("Validated translation")
        WORKING = "working", _("Working translation (not validated)")

    class Language(models.TextChoices):
        JAPANESE = "ja", _("Japanese")
        ITALIAN = "it", _("Italian")

    version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        related_name="translations",
        verbose_name=_("instrument version"),
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.VALIDATED
    )
    source = models.CharField(
        _("source (publisher or paper)"),
        max_length=300,
        help_text=_("Who publishes this translation, or the paper that validated it."),
    )
    citation = models.TextField(_("citation"), blank=True)
    licence = models.TextField(
        _("licence"), help_text=_("The licence under which the clinic uses this text.")
    )
    population = models.CharField(
        _("validated in"),
        max_length=200,
        blank=True,
        help_text=_("The population it was validated in, e.g. Japanese adults."),
    )
    #: {"instructions": str, "items": {item code: text},
    #:  "options": {item code: {option code: label}}}
    text = models.JSONField(_("text"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        ordering = ["version__instrument__code", "-version__number", "language"]
        verbose_name = _("instrument translation")
        verbose_name_plural = _("instrument translations")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="translationrecord_one_per_lang"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=TRANSLATED_LANGUAGES),
                name="translationrecord_language_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["validated", "working"]),
                name="translationrecord_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="validated") | ~models.Q(population=""),
                name="translationrecord_validated_has_population",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.version.instrument.code} v{self.version.number} [{self.language}]"
        )

    @property
    def is_validated(self) -> bool:
        return self.kind == self.Kind.VALIDATED
