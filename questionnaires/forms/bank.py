"""Forms of the question-bank admin pages: confirming a publish, licensed text,
saving a golden case. They clean only; the services in ``services.bank`` write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.models import Protocol


class PublishConfirmForm(forms.Form):
    """What the admin confirms before a version is frozen for good."""

    roll_out = forms.ModelMultipleChoiceField(
        queryset=Protocol.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Draft the next version of these protocols with the new version"),
    )
    publish_protocols = forms.BooleanField(
        required=False,
        initial=True,
        label=_(
            "Publish those protocol versions at once (clinics then start new "
            "screenings on them; running screenings finish on the old ones)"
        ),
    )
    wording_acknowledged = forms.BooleanField(
        required=False,
        label=_(
            "I know that changed wording or options void the instrument's "
            "validation, and this change is intended"
        ),
    )
    intended_change = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_(
            "Why the golden cases come out differently (recorded with the version)"
        ),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        protocols: Sequence[Protocol],
        needs_acknowledging: bool,
        needs_reason: bool,
    ) -> None:
        super().__init__(data, initial={"roll_out": list(protocols)})
        roll_out = self.fields["roll_out"]
        assert isinstance(roll_out, forms.ModelMultipleChoiceField)  # noqa: S101
        roll_out.queryset = Protocol.objects.filter(pk__in=[p.pk for p in protocols])
        if not protocols:
            del self.fields["roll_out"]
            del self.fields["publish_protocols"]
        if needs_acknowledging:
            self.fields["wording_acknowledged"].required = True
        else:
            del self.fields["wording_acknowledged"]
        if needs_reason:
            self.fields["intended_change"].required = True
        else:
            del self.fields["intended_change"]


class LicensedTextPasteForm(forms.Form):
    """Item text for a licensed version: pasted one per line, or a CSV file."""

    items_text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        label=_("Items, one per line, in order"),
        help_text=_("Numbering such as “1.” at the start of a line is dropped."),
    )
    options_text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Answer labels, one per line, in value order"),
        help_text=_("One block per answer list, blocks separated by a blank line."),
    )
    csv_file = forms.FileField(
        required=False,
        label=_("Or a CSV file"),
        help_text=_(
            "Header code,en (and ja, it if you have them); a code is an item "
            "code, or option:N for the answer whose value is N."
        ),
    )
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput)
    licence_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Licence the text is used under"),
    )
    licence_confirmed = forms.BooleanField(
        required=False,
        label=_("Our organisation holds the licence for this text"),
    )
    citation_confirmed = forms.BooleanField(
        required=False,
        label=_("The citation above is shown with the text"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("csv_file")
        if upload is not None:
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("csv_file", _("Save the CSV as UTF-8 and upload again."))
        if not (data.get("items_text") or "").strip() and not data.get("csv_text"):
            self.add_error(
                "items_text", _("Paste the items, one per line, or upload a CSV.")
            )
        return data

    def confirmed(self) -> bool:
        """Both confirmations ticked: the text may be published."""
        return bool(
            self.cleaned_data.get("licence_confirmed")
            and self.cleaned_data.get("citation_confirmed")
        )


class GoldenCaseForm(forms.Form):
    """A name for the answers just scored, to keep them as a golden case."""

    case_name = forms.CharField(
        max_length=200,
        label=_("Save these answers as a golden case named"),
        required=False,
    )
