"""The admin's one-step entry of a licensed translation (cleaning only)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from questionnaires.models import InstrumentVersion, TranslationRecord


class VersionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: InstrumentVersion) -> str:
        return f"{obj.instrument.code} v{obj.number} · {obj.instrument.active_name}"


def _published() -> Any:
    return InstrumentVersion.objects.filter(
        status=InstrumentVersion.Status.PUBLISHED
    ).select_related("instrument")


class TranslationEntryForm(forms.Form):
    # Any published version is accepted, so that a form sent twice reaches the
    # service and is told the translation is already published; only the current
    # version of each instrument is offered.
    version = VersionChoiceField(
        label=_("Instrument version"),
        queryset=_published(),
        help_text=_(
            "The current version of the instrument. The translation is published "
            "as its next version; answers already given keep their version."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=TranslationRecord.Language.choices,
        error_messages={
            "invalid_choice": _(
                "%(value)s is not a language a translation can be entered in: "
                "choose Japanese or Italian."
            )
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=TranslationRecord.Kind.choices,
        initial=TranslationRecord.Kind.VALIDATED,
    )
    source = forms.CharField(
        label=_("Source (publisher or paper)"),
        max_length=300,
        help_text=_("e.g. the publisher's official translation, or the paper."),
    )
    citation = forms.CharField(
        label=_("Citation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    licence = forms.CharField(
        label=_("Licence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The licence under which the clinic uses this text."),
    )
    population = forms.CharField(
        label=_("Validated in"),
        max_length=200,
        required=False,
        help_text=_("The population it was validated in, e.g. Japanese adults."),
    )
    instructions = forms.CharField(
        label=_("Instructions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    items = forms.CharField(
        label=_("Items, one per line, in order"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Numbering such as “1.” at the start of a line is dropped."),
    )
    labels = forms.CharField(
        label=_("Answer labels, one per line, in the order listed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    upload = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_(
            "Header code,text; a code is an item code, instructions, or answer:N "
            "for the N-th answer label listed. It fills the boxes above."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        data["csv_text"] = ""
        if upload is not None:
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("upload", _("Save the CSV as UTF-8 and upload again."))
        elif not (data.get("items") or "").strip():
            self.add_error(
                "items", _("Paste the items, one per line, or upload a CSV.")
            )
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(VersionChoiceField, self.fields["version"])
        newer = InstrumentVersion.objects.filter(
            instrument=OuterRef("instrument"),
            status=InstrumentVersion.Status.PUBLISHED,
            number__gt=OuterRef("number"),
        )
        current = _published().exclude(Exists(newer)).order_by("instrument__code")
        field.widget.choices = [
            ("", field.empty_label),
            *((v.pk, field.label_from_instance(v)) for v in current),
        ]
