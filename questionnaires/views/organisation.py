"""Pages for organisation admins: their organisation's members and audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from questionnaires import selectors
from questionnaires.forms.accounts import (
    AccountCreateForm,
    AuditFilterForm,
    MemberAddForm,
    RoleForm,
)
from questionnaires.models import Membership, Organisation
from questionnaires.services import organisations as services


def _administered(request: HttpRequest, slug: str) -> Organisation:
    return selectors.organisation_get_for(
        request.user, slug=slug, role=Membership.Role.ORG_ADMIN
    )


def _by(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required ran)
    return user


def _members_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    add_form: MemberAddForm | None = None,
    create_form: AccountCreateForm | None = None,
    new_account: services.NewAccount | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "questionnaires/organisation/members.html",
        {
            "organisation": organisation,
            "memberships": selectors.membership_list_for_organisation(organisation),
            "roles": Membership.Role.choices,
            "add_form": add_form or MemberAddForm(),
            "create_form": create_form or AccountCreateForm(),
            "new_account": new_account,
            "set_password_url": (
                request.build_absolute_uri(new_account.set_password_path)
                if new_account
                else ""
            ),
        },
        status=status,
    )


@require_GET
@login_required
def list_members(request: HttpRequest, slug: str) -> HttpResponse:
    return _members_page(request, _administered(request, slug))


@require_POST
@login_required
def add_member(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            services.membership_add(
                organisation=organisation,
                user=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                by=_by(request),
            )
        except services.MembershipError as error:
            form.add_error("username", error)
        else:
            messages.success(request, _("Member added."))
            return redirect("questionnaires:organisation-members", slug=slug)
    return _members_page(request, organisation, add_form=form, status=400)


@require_POST
@login_required
def create_account(request: HttpRequest, slug: str) -> HttpResponse:
    """Create a clinician account and show its set-password link, once."""
    organisation = _administered(request, slug)
    form = AccountCreateForm(request.POST)
    if form.is_valid():
        try:
            account = services.clinician_account_create(
                organisation=organisation,
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                by=_by(request),
            )
        except services.MembershipError as error:
            form.add_error("username", error)
        else:
            # Rendered, not redirected: the link is a secret and is never stored.
            response = _members_page(request, organisation, new_account=account)
            response["Cache-Control"] = "no-store"
            return response
    return _members_page(request, organisation, create_form=form, status=400)


@require_POST
@login_required
def change_member_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _administered(request, slug)
    membership = selectors.membership_get_for(
        request.user, organisation=organisation, pk=pk
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        try:
            services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], by=_by(request)
            )
        except services.MembershipError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Role changed."))
    return redirect("questionnaires:organisation-members", slug=slug)


@require_POST
@login_required
def remove_member(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _administered(request, slug)
    membership = selectors.membership_get_for(
        request.user, organisation=organisation, pk=pk
    )
    try:
        services.membership_remove(membership=membership, by=_by(request))
    except services.MembershipError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("questionnaires:organisation-members", slug=slug)
    messages.success(request, _("Member removed."))
    if membership.user_id == request.user.pk:
        return redirect("questionnaires:clinic-home")
    return redirect("questionnaires:organisation-members", slug=slug)


@require_GET
@login_required
def list_audit_events(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    form = AuditFilterForm(request.GET or None, actions=selectors.audit_action_list())
    action = form.cleaned_data["action"] if form.is_valid() else ""
    page = selectors.audit_page_for(
        request.user,
        organisation=organisation,
        action=action,
        before=request.GET.get("before", "")[:80],
    )
    return render(
        request,
        "questionnaires/organisation/audit.html",
        {
            "organisation": organisation,
            "form": form,
            "action": action,
            "page": page,
        },
    )
