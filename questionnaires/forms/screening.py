"""Forms of the screening flows: patients, starting a screening, family self-check.

The questionnaire itself is ``questionnaires.forms.questionnaire_form_class``; these
are the small fixed forms around it. Labels are translatable; the respondent-facing
ones (family start, resume code) are translated into every respondent language.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from questionnaires import selectors
from questionnaires.models import Patient, Protocol, ScreeningPart

NOT_USED = ""


class PatientForm(forms.ModelForm):
    """A pseudonymous patient: code, birth year, optional sex. Never a name."""

    own_scheme = forms.BooleanField(
        label=_("This is our code scheme"),
        required=False,
        help_text=_(
            "Tick only if a code refused as looking like a name, date, e-mail or "
            "phone number really is your clinic's own pseudonymous scheme."
        ),
    )

    class Meta:
        model = Patient
        fields = ["code", "birth_year", "sex"]
        help_texts = {
            "code": _(
                "A code from your own records, unique in this clinic. Do not enter "
                "a name, initials or a date of birth."
            ),
            "birth_year": _("Age is worked out from the year."),
        }

    def clean_birth_year(self) -> int:
        year: int = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        if not this_year - 100 <= year <= this_year - 10:
            raise forms.ValidationError(
                _("Enter a birth year between %(low)s and %(high)s."),
                params={"low": this_year - 100, "high": this_year - 10},
            )
        return year

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        if not code:
            raise forms.ValidationError(_("Enter a code."))
        return code


class PatientSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by code"), required=False, max_length=40)


class ProtocolChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Protocol) -> str:
        return protocol_line(obj)


def protocol_line(protocol: Protocol) -> str:
    """One line: the protocol's name, who it is for and how long it takes."""
    size = selectors.protocol_size_for(protocol)
    who = {
        "self": _("for the young person"),
        "informant": _("for a parent or family member"),
        "clinician": _("rated by the clinician"),
    }.get(protocol.audience, "")
    if size.age_min is not None and protocol.audience == "self":
        who = _("for the young person, aged %(age)s or over") % {"age": size.age_min}
    length = ngettext(
        "%(questions)s questions, about %(minutes)s minute",
        "%(questions)s questions, about %(minutes)s minutes",
        size.minutes,
    ) % {"questions": size.questions, "minutes": size.minutes}
    return _("%(name)s — %(who)s; %(length)s") % {
        "name": protocol.name(get_language() or "en"),
        "who": who,
        "length": length,
    }


def _protocol_field(queryset: QuerySet[Protocol], label: Any) -> forms.Field:
    return ProtocolChoiceField(
        queryset=queryset, label=label, required=False, empty_label=None
    )


class ScreeningStartForm(forms.Form):
    """Which protocol each audience answers, and how."""

    self_protocol = forms.ModelChoiceField(queryset=Protocol.objects.none())
    self_mode = forms.ChoiceField(
        label=_("How does the patient answer?"),
        choices=[
            (NOT_USED, _("No self-report this time")),
            (ScreeningPart.Mode.KIOSK, _("On this device, now (hand it over)")),
            (ScreeningPart.Mode.LINK, _("By an invitation link")),
        ],
        widget=forms.RadioSelect,
        initial=ScreeningPart.Mode.KIOSK,
        required=False,
    )
    informant_protocol = forms.ModelChoiceField(queryset=Protocol.objects.none())
    informant_mode = forms.ChoiceField(
        label=_("How does a parent answer?"),
        choices=[
            (NOT_USED, _("No family report this time")),
            (ScreeningPart.Mode.LINK, _("By an invitation link")),
            (ScreeningPart.Mode.KIOSK, _("On this device, now (hand it over)")),
        ],
        widget=forms.RadioSelect,
        initial=ScreeningPart.Mode.LINK,
        required=False,
    )
    clinician_protocol = forms.ModelChoiceField(queryset=Protocol.objects.none())
    clinician_mode = forms.ChoiceField(
        label=_("Clinician-rated criteria"),
        choices=[
            (NOT_USED, _("Not this time")),
            (ScreeningPart.Mode.CLINICIAN, _("I will rate them")),
        ],
        widget=forms.RadioSelect,
        initial=ScreeningPart.Mode.CLINICIAN,
        required=False,
    )

    def __init__(
        self, *args: Any, protocols: dict[str, QuerySet[Protocol]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "self": _("Self-report protocol"),
            "informant": _("Family report protocol"),
            "clinician": _("Clinician protocol"),
        }
        for role, queryset in protocols.items():
            self.fields[f"{role}_protocol"] = _protocol_field(queryset, labels[role])
            mode = self.fields[f"{role}_mode"]
            if not queryset and isinstance(mode, forms.ChoiceField):
                mode.choices = [(NOT_USED, _("No published protocol"))]
                mode.initial = NOT_USED

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [role for role in self.roles() if cleaned.get(f"{role}_mode")]
        if not chosen:
            raise forms.ValidationError(
                _("Choose at least one part: self-report, family report or criteria.")
            )
        for role in chosen:
            if cleaned.get(f"{role}_protocol") is None:
                self.add_error(f"{role}_protocol", _("Choose a protocol."))
        return cleaned

    @staticmethod
    def roles() -> tuple[str, ...]:
        return ("self", "informant", "clinician")

    def parts(self) -> list[tuple[str, Protocol, str]]:
        """``(role, protocol, mode)`` for each chosen part."""
        return [
            (
                role,
                self.cleaned_data[f"{role}_protocol"],
                self.cleaned_data[f"{role}_mode"],
            )
            for role in self.roles()
            if self.cleaned_data.get(f"{role}_mode")
        ]


class FamilyStartForm(forms.Form):
    """The one fact an anonymous check needs: how old the young person is."""

    age = forms.IntegerField(
        label=_("How old is your young person?"),
        help_text=_("In years. This check is meant for ages 10 and over."),
        min_value=10,
        max_value=100,
        error_messages={
            "min_value": _(
                "This check is meant for ages 10 and over. For a younger child, "
                "a family doctor or a child health service is the right place to ask."
            ),
            "max_value": _("Enter an age of 100 or less."),
        },
    )
    agree = forms.BooleanField(
        label=_(
            "I understand that this is a screening, not a diagnosis, and that my "
            "answers are kept only as long as this page says."
        ),
    )


class ResumeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your resume code"),
        help_text=_("Ten letters and numbers, for example 4K7QD-9XM2P."),
        max_length=20,
    )


class KioskReturnForm(forms.Form):
    password = forms.CharField(
        label=_("Clinician password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
