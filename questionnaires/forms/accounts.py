"""Forms for the account pages (second factor) and the members page (cleaning only)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from questionnaires.models import Membership, StaffProfile


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
    )

    def clean_otp_token(self) -> str:
        token: str = self.cleaned_data["otp_token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits shown in the app."))
        return token


class StaffLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of my pages and PDFs"),
        choices=StaffProfile.Language.choices,
        required=False,
        help_text=_(
            "Family summaries can still be downloaded in any language from the result."
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MemberAddForm(RoleForm):
    username = forms.CharField(label=_("Username"), max_length=150)

    field_order = ["username", "role"]

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = (
            get_user_model()
            .objects.filter(username__iexact=username, is_active=True)
            .first()
        )
        if user is None:
            raise forms.ValidationError(_("No active account has this username."))
        found: User = user
        return found


class AccountCreateForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only. Not a patient's name."),
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, data: Any = None, *, actions: list[str]) -> None:
        super().__init__(data)
        field = cast(forms.ChoiceField, self.fields["action"])
        field.choices = [("", _("All actions")), *((a, a) for a in actions)]
