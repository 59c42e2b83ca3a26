"""The confirmation form for erasing a patient's data on request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.models import Patient


class PatientEraseForm(forms.Form):
    """Erasure happens only once the patient's code is typed exactly."""

    code = forms.CharField(
        label=_("Type the patient code to confirm"),
        max_length=40,
        help_text=_("Erasure cannot be undone."),
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        if code != self.patient.code:
            raise forms.ValidationError(
                _("The code does not match this patient. Nothing was erased.")
            )
        return code
