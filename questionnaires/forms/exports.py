"""The organisation export's filters (date range, protocol, research variant) and
the FHIR uploads (a Questionnaire for the admin, QuestionnaireResponses for a part)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.exports.streams import ExportFilters
from questionnaires.forms.questionnaire import ImportForm
from questionnaires.models import Protocol
from questionnaires.security import untrusted_json


class ProtocolField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Protocol) -> str:
        return obj.active_name


class OrganisationExportForm(forms.Form):
    since = forms.DateField(
        label=_("Started on or after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Started on or before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    protocol = ProtocolField(
        label=_("Protocol"),
        queryset=Protocol.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Any protocol"),
    )
    research = forms.BooleanField(
        label=_("Research export: replace patient codes with random keys"),
        help_text=_(
            "The keys link the rows of one patient within this file only. Screening "
            "numbers and free-text answers are left out."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["protocol"]
        assert isinstance(field, ProtocolField)  # noqa: S101 - declared above
        field.queryset = Protocol.objects.exclude(status=Protocol.Status.DRAFT)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> ExportFilters:
        data = self.cleaned_data
        return ExportFilters(
            since=data.get("since"), until=data.get("until"), protocol=data["protocol"]
        )


#: The largest FHIR JSON file taken in (a bundled Questionnaire is under 100 kB).
FHIR_UPLOAD_MAX_BYTES = 2 * 1024 * 1024


def read_fhir_upload(upload: Any) -> Any:
    """The JSON of an uploaded FHIR file, refused when too large or not JSON."""
    if upload.size > FHIR_UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(size)s MB."),
            params={"size": FHIR_UPLOAD_MAX_BYTES // (1024 * 1024)},
        )
    try:
        return untrusted_json.loads(upload.read())
    except untrusted_json.UntrustedJSONError as exc:
        raise forms.ValidationError(
            _("Not a JSON file: %(error)s"), params={"error": exc}
        ) from exc


class QuestionnaireImportForm(ImportForm):
    """A FHIR R4 Questionnaire (JSON) to import; always as a new draft."""

    publish = None  # type: ignore[assignment]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        self.cleaned_data["document"] = read_fhir_upload(upload)
        return upload


class ResponseImportForm(forms.Form):
    """A FHIR R4 QuestionnaireResponse, or a Bundle of them, for one part."""

    file = forms.FileField(
        label=_("FHIR JSON file"),
        help_text=_(
            "A QuestionnaireResponse, or a Bundle of them, answering this part's "
            "questionnaires."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        self.cleaned_data["resource"] = read_fhir_upload(upload)
        return upload
