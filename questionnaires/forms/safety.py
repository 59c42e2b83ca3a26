"""Forms of the safety loop: acknowledging an urgent screening, a clinic's alert
settings (cleaning only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from questionnaires.models import AlertSettings, SafetyAcknowledgement

WEEKDAYS = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]


class AcknowledgeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What was done"),
        choices=SafetyAcknowledgement.Outcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Short note"),
        max_length=300,
        required=False,
        help_text=_("For example who assessed, and the follow-up. No answers needed."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AlertSettingsForm(forms.ModelForm):
    open_days = forms.MultipleChoiceField(
        label=_("Open days"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AlertSettings
        fields = ["addresses", "escalate_after", "opens_at", "closes_at", "open_days"]
        widgets = {
            "addresses": forms.Textarea(attrs={"rows": 3}),
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "addresses": _(
                "One e-mail address a line. The clinician who started a screening "
                "always gets its alert as well."
            ),
            "escalate_after": _(
                "If nobody records a safety assessment within this many minutes of "
                "opening hours, the organisation admins get the alert."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.initial["open_days"] = list(self.instance.open_days)

    def clean_addresses(self) -> str:
        lines = [a.strip() for a in self.cleaned_data["addresses"].splitlines()]
        addresses = [a for a in lines if a]
        for address in addresses:
            validate_email(address)
        return "\n".join(addresses)

    def clean_open_days(self) -> str:
        return "".join(sorted(self.cleaned_data["open_days"]))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and opens >= closes:
            self.add_error("closes_at", _("Closing time must be after opening time."))
        return cleaned
