"""Publishing a version from the admin: problems on the form, then a confirmation.

``publish_page`` checks the draft (:mod:`questionnaires.bank.review`). With problems
it shows the version's own change form with each problem next to its field (item
problems on that item's row, numbered from 1); without, a confirmation page that
shows what will be frozen, the wording changes of a validated instrument with its
licence note, the previous version's golden cases, and the protocols to roll out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from questionnaires.admin.common import staff_user, version_change_url
from questionnaires.bank import review
from questionnaires.forms.bank import PublishConfirmForm
from questionnaires.models import InstrumentVersion
from questionnaires.services import bank


def publish_page(
    model_admin: ModelAdmin[InstrumentVersion],
    request: HttpRequest,
    version: InstrumentVersion,
) -> HttpResponse:
    """GET: the problems on the form, or the confirmation; POST: publish."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if version.status != InstrumentVersion.Status.DRAFT:
        messages.info(request, _("%(v)s is not a draft.") % {"v": version})
        return redirect(version_change_url(version))
    checked = review.review(version)
    if checked.problems:
        if request.method == "POST":
            return redirect(_publish_url(version))
        return _problems_on_the_form(model_admin, request, version, checked.problems)
    needs_acknowledging = bool(
        checked.wording_changes and version.instrument.citation.strip()
    )
    form = PublishConfirmForm(
        request.POST if request.method == "POST" else None,
        protocols=checked.protocols,
        needs_acknowledging=needs_acknowledging,
        needs_reason=bool(checked.failed_cases),
    )
    if request.method == "POST" and form.is_valid():
        try:
            release = bank.instrument_version_release(
                version=version,
                by=staff_user(request),
                roll_out=form.cleaned_data.get("roll_out") or (),
                publish_protocols=form.cleaned_data.get("publish_protocols", False),
                intended_change=form.cleaned_data.get("intended_change", ""),
                wording_acknowledged=form.cleaned_data.get(
                    "wording_acknowledged", False
                ),
            )
        except bank.BankError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Published %(v)s.") % {"v": release.version})
            for protocol in release.protocols:
                messages.success(
                    request,
                    _("%(p)s: %(status)s.")
                    % {
                        "p": protocol.name_en + f" v{protocol.number}",
                        "status": protocol.get_status_display(),
                    },
                )
            return redirect(version_change_url(release.version))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": version,
        "version": version,
        "title": _("Publish %(v)s?") % {"v": f"{version.instrument} v{version.number}"},
        "change_url": version_change_url(version),
        "review": checked,
        "definition": checked.definition,
        "needs_acknowledging": needs_acknowledging,
        "form": form,
    }
    return TemplateResponse(
        request, "admin/questionnaires/instrumentversion/publish_confirm.html", context
    )


def _problems_on_the_form(
    model_admin: ModelAdmin[InstrumentVersion],
    request: HttpRequest,
    version: InstrumentVersion,
    problems: Sequence[review.Problem],
) -> HttpResponse:
    messages.error(
        request,
        ngettext(
            "Not published: %(n)s problem, shown next to its field below.",
            "Not published: %(n)s problems, shown next to their fields below.",
            len(problems),
        )
        % {"n": len(problems)},
    )
    return model_admin.change_view(
        request,
        str(version.pk),
        form_url=version_change_url(version),
        extra_context={"publish_problems": problems},
    )


def attach_problems(
    form: forms.BaseForm,
    item_forms: Sequence[forms.BaseForm],
    problems: Sequence[review.Problem],
) -> None:
    """Put each problem on the field it belongs to (the row of its item)."""
    for problem in problems:
        target = form
        if problem.item is not None and problem.item <= len(item_forms):
            target = item_forms[problem.item - 1]
        field = problem.field if problem.field in target.fields else None
        if not hasattr(target, "cleaned_data"):
            target.cleaned_data = {}  # an unbound form: add_error expects it
        target.add_error(field, problem.message)


def _publish_url(version: InstrumentVersion) -> str:
    return reverse("admin:bank-publish", args=[version.pk])


__all__ = ["attach_problems", "publish_page"]


def problems_context(context: dict[str, Any]) -> None:
    """Attach ``context["publish_problems"]`` to the change form being rendered."""
    problems = context.get("publish_problems")
    if not problems:
        return
    item_forms: list[forms.BaseForm] = []
    for inline in context.get("inline_admin_formsets", []):
        if inline.formset.model.__name__ == "Item":
            item_forms = list(inline.formset.forms)
    attach_problems(context["adminform"].form, item_forms, problems)
