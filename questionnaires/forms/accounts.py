"""Forms for the account pages (second factor) and the members page (cleaning only)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from questionnaires import selectors
from questionnaires.models import Membership, StaffProfile
from questionnaires.security.ratelimits import account_limited
from questionnaires.services import accounts as account_services


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


class SignInCodeForm(TokenForm):
    """After the password: the app's 6 digits, or an 8-character backup code."""

    otp_token = forms.CharField(
        label=_("6-digit code from your authenticator app, or a backup code"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_otp_token(self) -> str:
        token: str = self.cleaned_data["otp_token"].strip().lower()
        if not (token.isdigit() and len(token) == 6) and not (
            len(token) == 8 and token.isalnum()
        ):
            raise forms.ValidationError(
                _("Enter the 6 digits shown in the app, or one of your backup codes.")
            )
        return token


class EmailCodeForm(TokenForm):
    """The one-time enrolment code e-mailed to a staff account."""

    otp_token = forms.CharField(
        label=_("6-digit code from the e-mail"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


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
        """An active account that belongs to no clinic, or one answer for all else.

        The same message whether the username does not exist, is staff, is inactive
        or belongs to a clinic (this one or another): an org admin learns nothing
        about the accounts of the system, and cannot take another clinic's staff.
        """
        user = selectors.account_without_clinic(self.cleaned_data["username"])
        if user is None:
            raise forms.ValidationError(
                _(
                    "No account without a clinic has this username. Check it with "
                    "the person, or create a new account below."
                )
            )
        return user


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


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, sending through the task queue, limited per account.

    ``save`` answers alike whether or not an account has the address: it enqueues
    (services.accounts), never sends, and an account already sent
    ``PASSWORD_RESET_ACCOUNT_RATE_LIMIT`` e-mails is silently skipped.
    """

    def save(  # type: ignore[override]
        self,
        domain_override: str | None = None,
        use_https: bool = False,
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        assert request is not None  # noqa: S101 (PasswordResetView passes it)
        users = [
            user
            for user in self.get_users(self.cleaned_data["email"])
            if not account_limited(
                request,
                group="password-reset-account",
                account=str(user.pk),
                rate=settings.PASSWORD_RESET_ACCOUNT_RATE_LIMIT,
            )
        ]
        account_services.password_reset_request(
            users=users,
            domain=domain_override or request.get_host(),
            use_https=use_https,
        )
