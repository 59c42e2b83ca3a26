"""The question bank: instruments, their versions, items, options and protocols.

A version is the unit answers are bound to. While it is a draft its rows are edited in
the admin; ``instrument_version_publish`` validates the rows with the pure loader and
stores the validated document in ``InstrumentVersion.document``, and from then on the
version is frozen: ``save()``/``delete()`` and the querysets' ``update()``/``delete()``
refuse to change it, its items or its options (STYLE.md §7, Example 4). The one
exception is item text an admin enters under the organisation's licence for an
instrument whose text may not ship; that goes through its own service and is recorded.

Draft rows are deliberately not unique on item code or option value: a draft is work in
progress (codes get swapped and renumbered in one formset save), and publishing lists
every duplicate with its path at once. A published version's document is validated.

Translations are one column per product language (``text_en``, ``text_ja``,
``text_it``): explicit, editable side by side in the admin, and a missing one falls
back to English (:func:`translated`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from questionnaires.bank.names import instrument_name
from questionnaires.scoring.definitions import AUDIENCES, KINDS

#: The product's languages, the one list (``settings.LANGUAGES``): the bank stores text
#: in each, English first, the fallback for the others.
LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)

code_validator = RegexValidator(
    r"\A[a-z][a-z0-9_]*\Z", _("Lower-case letters, digits and _; start with a letter.")
)


class FrozenError(Exception):
    """A change to a published (or retired) part of the bank was refused."""


def translated(obj: models.Model, field: str, lang: str) -> str:
    """``obj.<field>_<lang>``, falling back to English when that one is empty."""
    text: str = getattr(obj, f"{field}_{lang}", "") if lang in LANGUAGE_CODES else ""
    return text or getattr(obj, f"{field}_en")


def text_map(obj: models.Model, field: str) -> dict[str, str]:
    """The non-empty translations of ``field`` as a language map ``{"en": …}``."""
    return {
        lang: value
        for lang in LANGUAGE_CODES
        if (value := getattr(obj, f"{field}_{lang}"))
    }


class Audience(models.TextChoices):
    SELF = "self", _("Self-report")
    INFORMANT = "informant", _("Informant (family)")
    CLINICIAN = "clinician", _("Clinician-rated")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


_M = TypeVar("_M", bound=models.Model)


class FrozenQuerySet(models.QuerySet[_M]):
    """Bulk ``update()``/``delete()`` refuse rows that belong to a frozen version."""

    frozen_lookup = ""

    def _refuse_frozen(self) -> None:
        frozen = self.filter(**{f"{self.frozen_lookup}status__in": FROZEN_STATUSES})
        if frozen.exists():
            raise FrozenError(_("Published versions cannot be changed."))

    def update(self, **kwargs: Any) -> int:
        self._refuse_frozen()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_frozen()
        return super().delete()

    def update_frozen(self, **kwargs: Any) -> int:
        """``update()`` without the guard: only for the services that may write
        frozen rows (publish, retire, licensed text entered under licence)."""
        return super().update(**kwargs)


FROZEN_STATUSES = (Status.PUBLISHED, Status.RETIRED)


class VersionQuerySet(FrozenQuerySet["InstrumentVersion"]):
    frozen_lookup = ""


class ItemQuerySet(FrozenQuerySet["Item"]):
    frozen_lookup = "version__"


class ItemOptionQuerySet(FrozenQuerySet["ItemOption"]):
    frozen_lookup = "item__version__"


class ProtocolQuerySet(FrozenQuerySet["Protocol"]):
    frozen_lookup = ""


class ProtocolEntryQuerySet(FrozenQuerySet["ProtocolEntry"]):
    frozen_lookup = "protocol__"


class Instrument(models.Model):
    """A questionnaire, e.g. PHQ-9. Its catalogue data applies to new versions.

    A published version keeps its own copy of all of this in its document, so editing
    the catalogue (a corrected citation, a Japanese name) never rewrites history.
    """

    Audience = Audience

    code = models.CharField(
        _("code"), max_length=40, unique=True, validators=[code_validator]
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    name_it = models.CharField(_("name (Italian)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.SELF
    )
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    citation = models.TextField(_("citation"), blank=True)
    text_may_ship = models.BooleanField(
        _("item text may ship"),
        default=False,
        help_text=_(
            "Off: the licence forbids distributing the item text; an admin enters it "
            "under the organisation's own licence."
        ),
    )
    licence_note = models.TextField(_("licence note"), blank=True)
    licence_attribution = models.TextField(_("attribution"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audience__in=AUDIENCES),
                name="instrument_audience_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="instrument_age_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_name or self.name_en} ({self.code})"

    def name(self, lang: str = "en") -> str:
        """The name in ``lang``: this row's, else the catalogues' (bundled ones)."""
        return instrument_name(text_map(self, "name"), lang)

    @property
    def active_name(self) -> str:
        """The name in the language of the page being drawn (templates, form labels)."""
        return self.name(translation.get_language() or "en")


class InstrumentVersion(models.Model):
    """One numbered version of an instrument: draft → published → retired."""

    Status = Status

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    changelog = models.TextField(_("changelog"), blank=True)
    languages = models.JSONField(
        _("complete languages"),
        default=list,
        blank=True,
        help_text=_('Languages the respondent text is complete in, "en" first.'),
    )
    instructions_en = models.TextField(_("instructions (English)"), blank=True)
    instructions_ja = models.TextField(_("instructions (Japanese)"), blank=True)
    instructions_it = models.TextField(_("instructions (Italian)"), blank=True)
    scoring = models.JSONField(
        _("scoring"),
        default=dict,
        blank=True,
        help_text=_(
            "Totals, subscales, reverse items, bands, flags and the missing rule, in "
            "the scoring format of docs/instrument-schema.md."
        ),
    )
    # The validated hikiscreen.instrument/1 document, written once by publishing.
    document = models.JSONField(_("published document"), null=True, blank=True)
    text_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("text entered by"),
    )
    text_entered_at = models.DateTimeField(_("text entered"), null=True, blank=True)
    text_licence_note = models.TextField(
        _("licence the text was entered under"), blank=True
    )
    # Why this version may score its predecessor's golden cases differently; set
    # when it is published, so the reason is recorded with the frozen version.
    intended_change = models.TextField(
        _("scoring change meant"),
        blank=True,
        help_text=_(
            "Why this version scores some of the previous version's golden cases "
            "differently, when that is intended."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["instrument__code", "-number"]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="instrumentversion_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="instrumentversion_status_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status=Status.DRAFT,
                        published_at__isnull=True,
                        document__isnull=True,
                    )
                    | (
                        ~models.Q(status=Status.DRAFT)
                        & models.Q(published_at__isnull=False, document__isnull=False)
                    )
                ),
                name="instrumentversion_published_has_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} v{self.number} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and self._stored_status() in FROZEN_STATUSES:
            raise FrozenError(
                _("%(version)s is published and cannot be changed; copy it as a draft.")
                % {"version": f"{self.instrument.code} v{self.number}"}
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.pk is not None and self._stored_status() in FROZEN_STATUSES:
            raise FrozenError(_("A published version can never be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def needs_licensed_text(self) -> bool:
        """The licence forbids shipping text and nobody has entered it yet."""
        return self.text_entered_at is None and not self.licence_allows_text()

    def licence_allows_text(self) -> bool:
        """Whether the version's own licence lets its text ship."""
        if self.document is not None:
            return bool(self.document["licence"]["text_may_ship"])
        return self.instrument.text_may_ship

    def instructions(self, lang: str = "en") -> str:
        return translated(self, "instructions", lang)

    def _stored_status(self) -> str | None:
        status: str | None = (
            type(self)
            .objects.filter(pk=self.pk)
            .values_list("status", flat=True)
            .first()
        )
        return status


class Item(models.Model):
    """One question of a draft or published version, identified by a stable code."""

    class Kind(models.TextChoices):
        LIKERT = "likert", _("Likert (ordered options)")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        YES_NO = "yes_no", _("Yes / no")
        INTEGER = "integer", _("Whole number")
        NUMBER = "number", _("Number")
        MONTHS = "months", _("Months (duration)")
        AGE = "age", _("Age")
        TIME_OF_DAY = "time_of_day", _("Time of day")
        FREE_TEXT = "free_text", _("Free text")

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=60, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    text_ja = models.TextField(_("text (Japanese)"), blank=True)
    text_it = models.TextField(_("text (Italian)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    help_ja = models.TextField(_("help (Japanese)"), blank=True)
    help_it = models.TextField(_("help (Italian)"), blank=True)
    section_en = models.CharField(
        _("section heading (English)"), max_length=200, blank=True
    )
    section_ja = models.CharField(
        _("section heading (Japanese)"), max_length=200, blank=True
    )
    section_it = models.CharField(
        _("section heading (Italian)"), max_length=200, blank=True
    )
    # The option_sets name the options were given by; items sharing it share options.
    option_set = models.CharField(_("option set"), max_length=60, blank=True)
    min = models.FloatField(_("minimum"), null=True, blank=True)
    max = models.FloatField(_("maximum"), null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), null=True, blank=True)
    show_if = models.JSONField(
        _("show if"),
        null=True,
        blank=True,
        help_text=_(
            "A condition on earlier items, e.g. "
            '{"ref": "item:asq_1", "op": "eq", "value": 1}.'
        ),
    )
    safety = models.BooleanField(
        _("safety item"),
        default=False,
        help_text=_("A positive answer counts even when the item is hidden."),
    )

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=KINDS), name="item_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_if_frozen(self.version_id)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_if_frozen(self.version_id)
        return super().delete(*args, **kwargs)

    def text(self, lang: str = "en") -> str:
        return translated(self, "text", lang)


class ItemOption(models.Model):
    """One response option of a choice item; ``value`` is what is scored."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=60)
    value = models.IntegerField(_("value"))
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    label_ja = models.CharField(_("label (Japanese)"), max_length=300, blank=True)
    label_it = models.CharField(_("label (Italian)"), max_length=300, blank=True)

    objects = ItemOptionQuerySet.as_manager()

    class Meta:
        ordering = ["item", "order", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return f"{self.code} = {self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_if_frozen(Item.objects.filter(pk=self.item_id).values("version_id")[:1])
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_if_frozen(Item.objects.filter(pk=self.item_id).values("version_id")[:1])
        return super().delete(*args, **kwargs)

    def label(self, lang: str = "en") -> str:
        return translated(self, "label", lang)


def _refuse_if_frozen(version: Any) -> None:
    """Refuse a write to a part of a frozen version (``version``: pk or subquery)."""
    if InstrumentVersion.objects.filter(
        pk=version, status__in=FROZEN_STATUSES
    ).exists():
        raise FrozenError(
            _("This version is published: its items and options cannot be changed.")
        )


class Protocol(models.Model):
    """One version of an ordered battery of instrument versions for one audience.

    Versioned like instruments: the rows sharing a ``code`` are its versions, draft →
    published → retired. Publishing a version retires the one before it, so new
    screenings start on the newest while running ones finish on theirs.
    """

    Audience = Audience
    Status = Status

    code = models.CharField(_("code"), max_length=60, validators=[code_validator])
    number = models.PositiveIntegerField(_("version"), default=1)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    name_it = models.CharField(_("name (Italian)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    is_default = models.BooleanField(_("default for its audience"), default=False)
    order = models.PositiveIntegerField(_("order offered"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProtocolQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audience__in=AUDIENCES),
                name="protocol_audience_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="protocol_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=Status.DRAFT, published_at__isnull=True)
                | (
                    ~models.Q(status=Status.DRAFT)
                    & models.Q(published_at__isnull=False)
                ),
                name="protocol_published_at_set",
            ),
            models.UniqueConstraint(
                fields=["audience"],
                condition=models.Q(is_default=True, status=Status.PUBLISHED),
                name="protocol_one_published_default_per_audience",
            ),
            models.UniqueConstraint(
                fields=["code", "number"], name="protocol_unique_code_number"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(status=Status.PUBLISHED),
                name="protocol_one_published_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_en} v{self.number} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and Protocol.objects.filter(pk=self.pk, status__in=FROZEN_STATUSES).exists()
        ):
            raise FrozenError(_("A published protocol cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status in FROZEN_STATUSES:
            raise FrozenError(_("A published protocol can never be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    def name(self, lang: str = "en") -> str:
        return translated(self, "name", lang)

    @property
    def active_name(self) -> str:
        """The name in the language of the page being drawn (templates, form labels)."""
        return self.name(translation.get_language() or "en")


class ProtocolEntry(models.Model):
    """One instrument version in a protocol, at a position."""

    protocol = models.ForeignKey(
        Protocol, on_delete=models.CASCADE, related_name="entries"
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="protocol_entries"
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = ProtocolEntryQuerySet.as_manager()

    class Meta:
        ordering = ["protocol", "order", "id"]
        verbose_name = _("protocol part")
        verbose_name_plural = _("protocol parts")
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "instrument_version"],
                name="protocolentry_unique_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol.code}[{self.order}]"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def _refuse_if_frozen(self) -> None:
        if Protocol.objects.filter(
            pk=self.protocol_id, status__in=FROZEN_STATUSES
        ).exists():
            raise FrozenError(_("A published protocol cannot be changed."))


class GoldenCase(models.Model):
    """Answers with the totals, bands and flags a version must give for them.

    A draft must reproduce its predecessor's cases before it is published, or the
    admin records why the change is meant (``InstrumentVersion.intended_change``).
    Cases document a version rather than change it, so a frozen version takes new
    ones (try-scoring saves them).
    """

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="golden_cases"
    )
    name = models.CharField(_("name"), max_length=200)
    age = models.PositiveSmallIntegerField(_("age"))
    answers = models.JSONField(_("answers"), default=dict)
    # {"total": n|null, "band": code|null, "subscales": {...}, "flags": [codes]}
    expected = models.JSONField(_("expected result"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("golden case")
        verbose_name_plural = _("golden cases")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "name"], name="goldencase_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name
