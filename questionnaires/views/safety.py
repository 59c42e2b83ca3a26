"""Pages of the safety loop: acknowledging an urgent screening (clinicians), the
clinic's alert settings and the closed-loop figures (org admins)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from questionnaires import selectors
from questionnaires.forms.safety import AcknowledgeForm, AlertSettingsForm
from questionnaires.models import Membership, Organisation
from questionnaires.services import safety as services


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - behind login_required
    return request.user


def _administered(request: HttpRequest, slug: str) -> Organisation:
    return selectors.organisation_get_for(
        request.user, slug=slug, role=Membership.Role.ORG_ADMIN
    )


@require_http_methods(["GET", "POST"])
@login_required
def acknowledge_urgent(request: HttpRequest, pk: int) -> HttpResponse:
    screening = selectors.screening_get_for(request.user, pk=pk)
    state = selectors.safety_state_for(screening)
    if state is None or state.acknowledgement is not None:
        return redirect("questionnaires:screening-detail", pk=screening.pk)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.urgent_acknowledge(
            screening=screening,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            by=_user(request),
        )
        messages.success(
            request, _("Recorded. The screening has left the urgent list.")
        )
        return redirect("questionnaires:screening-detail", pk=screening.pk)
    return render(
        request,
        "questionnaires/clinician/urgent_acknowledge.html",
        {
            "screening": screening,
            "patient": screening.patient,
            "safety": state,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit_alert_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    current = services.alert_settings_for(organisation)
    form = AlertSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.alert_settings_save(
            organisation=organisation,
            values={name: form.cleaned_data[name] for name in form.Meta.fields},
            by=_user(request),
        )
        messages.success(request, _("Alert settings saved."))
        return redirect("questionnaires:organisation-alerts", slug=slug)
    return render(
        request,
        "questionnaires/organisation/alerts.html",
        {"organisation": organisation, "form": form, "current": "alerts"},
    )


@require_GET
@login_required
def show_safety_figures(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    return render(
        request,
        "questionnaires/organisation/safety_figures.html",
        {
            "organisation": organisation,
            "months": selectors.safety_figures_for(organisation),
            "queue": selectors.urgent_queue_for(
                request.user, organisation=organisation
            ),
            "current": "safety",
        },
    )


def _minutes(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


@require_GET
@login_required
def export_safety_figures_csv(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{organisation.slug}-safety-loop.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "month",
            "urgent",
            "acknowledged",
            "median_minutes_to_acknowledge",
            "p90_minutes_to_acknowledge",
            "escalations",
            "still_open",
        ]
    )
    for month in selectors.safety_figures_for(organisation):
        writer.writerow(
            [
                month.month.strftime("%Y-%m"),
                month.urgent,
                month.acknowledged,
                _minutes(month.median_minutes),
                _minutes(month.p90_minutes),
                month.escalations,
                month.open,
            ]
        )
    return response
