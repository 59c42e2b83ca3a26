"""Pages for signed-in clinicians and organisation admins.

Each view has one shape (STYLE.md §5): gatekeeper selector → bind form → service →
redirect. Nothing is read without a selector, so another clinic's patient or
screening is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from questionnaires import selectors
from questionnaires.bank.names import instrument_name
from questionnaires.forms.patients import PatientEraseForm
from questionnaires.forms.questionnaire import questionnaire_form_class
from questionnaires.forms.screening import (
    PatientForm,
    PatientSearchForm,
    ScreeningStartForm,
)
from questionnaires.models import LANGUAGE_CODES, Invitation, ScreeningPart
from questionnaires.reports import charts, texts
from questionnaires.reports.context import report_context, suicide_share_suggestion
from questionnaires.reports.data import crisis_contacts_for, screening_report_data
from questionnaires.scoring.rules import natural
from questionnaires.security.qr import qr_svg
from questionnaires.services import invitations as invitation_services
from questionnaires.services import patients as patient_services
from questionnaires.services import screenings as services


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - behind login_required
    return request.user


@require_GET
@login_required
def clinic_home(request: HttpRequest) -> HttpResponse:
    memberships = selectors.membership_list_for(request.user)
    return render(
        request,
        "questionnaires/clinician/home.html",
        {
            "memberships": memberships,
            "urgent_queue": selectors.urgent_queue_for(request.user),
        },
    )


# --- Patients -------------------------------------------------------------------


@require_GET
@login_required
def list_patients(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for(request.user, slug=slug)
    search = PatientSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = selectors.patient_page_for(
        request.user,
        organisation=organisation,
        query=query,
        after=request.GET.get("after", "")[:40],
    )
    return render(
        request,
        "questionnaires/clinician/patient_list.html",
        {
            "organisation": organisation,
            "page": page,
            "patients": page.patients,
            "search": search,
            "query": query,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def create_patient(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for(request.user, slug=slug)
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_create(
                organisation=organisation,
                code=form.cleaned_data["code"],
                birth_year=form.cleaned_data["birth_year"],
                sex=form.cleaned_data["sex"],
                by=_user(request),
                own_scheme=form.cleaned_data["own_scheme"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("questionnaires:patient-detail", pk=patient.pk)
    return render(
        request,
        "questionnaires/clinician/patient_create.html",
        {"organisation": organisation, "form": form},
    )


@require_GET
@login_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = selectors.patient_get_for(request.user, pk=pk)
    screenings = list(selectors.screening_list_for_patient(patient))
    return render(
        request,
        "questionnaires/clinician/patient_detail.html",
        {
            "patient": patient,
            "screenings": screenings,
            "trend": charts.trend(reversed(screenings)),
            "can_erase": selectors.user_administers(request.user, patient.organisation),
        },
    )


@require_GET
@login_required
def export_patient(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything stored about one patient, as a JSON download (audited)."""
    patient = selectors.patient_get_for(request.user, pk=pk)
    document = patient_services.patient_export(patient=patient, by=_user(request))
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    filename = f"hikiscreen-patient-{patient.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def erase_patient(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase one patient's data on request, once its code is typed (org admins)."""
    # Org admins only: erasure cannot be undone and removes records every clinician
    # of the clinic relies on, so it is the organisation's decision, not one
    # clinician's; a clinician's stolen session cannot wipe patients.
    patient = selectors.patient_get_for_admin(request.user, pk=pk)
    form = PatientEraseForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        organisation = patient.organisation
        patient_services.patient_erase(patient=patient, by=_user(request))
        messages.success(
            request, _("The patient's data was erased. The audit trail records it.")
        )
        return redirect("questionnaires:patient-list", slug=organisation.slug)
    return render(
        request,
        "questionnaires/clinician/patient_erase.html",
        {
            "patient": patient,
            "form": form,
            "counts": selectors.patient_records(patient).counts,
        },
        status=400 if form.is_bound else 200,
    )


# --- Screenings -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def start_screening(request: HttpRequest, pk: int) -> HttpResponse:
    patient = selectors.patient_get_for(request.user, pk=pk)
    protocols = {
        role: selectors.protocol_list(role) for role in ScreeningStartForm.roles()
    }
    form = ScreeningStartForm(request.POST or None, protocols=protocols)
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.screening_start(
                patient=patient,
                parts=[
                    services.PartSpec(role=role, protocol=protocol, mode=mode)
                    for role, protocol, mode in form.parts()
                ],
                by=_user(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("questionnaires:screening-detail", pk=screening.pk)
    return render(
        request,
        "questionnaires/clinician/screening_start.html",
        {
            "patient": patient,
            "form": form,
            "safety_gaps": [
                {
                    "name": gap.version.instrument.active_name,
                    "working": _language_names(gap.working),
                    "english": _language_names(gap.english),
                }
                for gap in selectors.safety_language_gaps(
                    [p for role in ("self", "informant") for p in protocols[role]]
                )
            ],
        },
    )


def _language_names(codes: tuple[str, ...]) -> str:
    """Languages named within a sentence ("giapponese, italiano" in Italian)."""
    return texts.join(texts.text(f"language.{code}") for code in codes)


@never_cache
@require_GET
@login_required
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    screening = selectors.screening_get_for(request.user, pk=pk)
    parts = list(screening.parts.all())
    invitations = selectors.invitation_list_for_parts(parts)
    # A raw token exists only in the request that created it; it is passed to this
    # page once through the session and never stored.
    new_links: dict[str, str] = request.session.pop("new_links", {})
    rows = []
    for part in parts:
        mine = [i for i in invitations if i.part_id == part.pk]
        active = [i for i in mine if i.is_usable() and i.kind == Invitation.Kind.LINK]
        token = new_links.get(str(part.pk))
        link = (
            request.build_absolute_uri(
                reverse("questionnaires:respond-start", kwargs={"token": token})
            )
            if token
            else ""
        )
        rows.append(
            {
                "part": part,
                "active": active,
                "link": link,
                "qr": qr_svg(link) if link else "",
            }
        )
    return render(
        request,
        "questionnaires/clinician/screening_detail.html",
        {
            "screening": screening,
            "patient": screening.patient,
            "rows": rows,
            "safety": selectors.safety_state_for(screening),
        },
    )


@require_POST
@login_required
def create_invitation(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    part = selectors.part_get_for(request.user, screening_pk=pk, role=role)
    if part.is_submitted or part.mode == ScreeningPart.Mode.CLINICIAN:
        messages.error(request, _("This part cannot get a link."))
        return redirect("questionnaires:screening-detail", pk=pk)
    issued = invitation_services.invitation_create(part=part, by=_user(request))
    request.session["new_links"] = {str(part.pk): issued.token}
    return redirect("questionnaires:screening-detail", pk=pk)


@require_POST
@login_required
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get_for(request.user, pk=pk)
    invitation_services.invitation_revoke(invitation=invitation, by=_user(request))
    messages.success(request, _("The link no longer works."))
    return redirect("questionnaires:screening-detail", pk=invitation.part.screening_id)


@require_POST
@login_required
def hand_over_device(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    """Sign the clinician out and open the questionnaire on this device."""
    part = selectors.part_get_for(request.user, screening_pk=pk, role=role)
    if part.is_submitted or part.role == ScreeningPart.Role.CLINICIAN:
        messages.error(request, _("This part cannot be handed over."))
        return redirect("questionnaires:screening-detail", pk=pk)
    user = _user(request)
    issued = invitation_services.invitation_create(
        part=part, by=user, kind=Invitation.Kind.KIOSK
    )
    # Signing out means nothing of the clinic is reachable from the device; only
    # the clinician's password brings it back (kiosk-return).
    logout(request)
    request.session["kiosk"] = {"user": user.pk, "screening": pk}
    return redirect("questionnaires:respond-start", token=issued.token)


#: Criteria items -> the self and family items shown beside them (INSTRUMENTS.md §3).
_BESIDE = {
    "months_withdrawn": ("months_withdrawn",),
    "days_out_per_week": ("days_out_per_week",),
    "rarely_leaves_room": ("rarely_leaves_room",),
    "onset_age": ("onset_age",),
    "impairment_significant": (
        "impair_school_work",
        "impair_home",
        "impair_relationships",
    ),
    "distressed": ("distressed",),
}
_MODULE_OF_ROLE = {"self": "withdrawal", "informant": "withdrawal_family"}


def criteria_hints(
    answers: Mapping[str, Mapping[str, Mapping[str, object]]],
) -> dict[str, str]:
    """Per criteria item, what the young person and the family answered (or "")."""
    hints: dict[str, str] = {}
    for item, sources in _BESIDE.items():
        parts = []
        for role, label in (("self", _("Young person")), ("informant", _("Family"))):
            given = answers.get(role, {}).get(_MODULE_OF_ROLE[role], {})
            values = [
                f"{code} = {natural(given[code])}"
                if len(sources) > 1
                else natural(given[code])
                for code in sources
                if given.get(code) is not None
            ]
            said = texts.join(values) if values else _("not answered")
            parts.append(texts.text("label_value", label=label, value=said))
        hints[item] = " · ".join(parts)
    return hints


@require_http_methods(["GET", "POST"])
@login_required
def rate_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    part = selectors.part_get_for(
        request.user, screening_pk=pk, role=ScreeningPart.Role.CLINICIAN
    )
    state = selectors.part_state(part)
    lang = _page_language()
    data = request.POST if request.method == "POST" else None
    submit = request.method == "POST" and "submit" in request.POST
    forms = [
        questionnaire_form_class(definition, lang=lang)(
            data,
            initial=state.answers.get(definition.code, {}),
            age=part.screening.age,
            require_answers=submit,
        )
        for definition in state.definitions
    ]
    hints = criteria_hints(selectors.other_respondents_answers(part.screening))
    for form in forms:
        for code, field in form.fields.items():
            if code in hints:
                field.help_text = format_html(
                    '{}<strong class="criteria-beside d-block">{}</strong>',
                    field.help_text or "",
                    hints[code],
                )
    if part.is_submitted:
        for form in forms:
            for field in form.fields.values():
                field.disabled = True
    elif data is not None:
        checked = [form.is_valid() for form in forms]  # every form, no short cut
        valid = all(checked)
        answers = {
            form.definition.code: {
                code: (None if value in (None, "") else value)
                for code, value in form.cleaned_data.items()
                if code not in form.errors
            }
            for form in forms
        }
        services.answers_save(part=part, answers=answers, language=lang)
        if valid and submit:
            services.part_submit(part=part, by=_user(request))
            messages.success(request, _("Criteria submitted."))
            return redirect("questionnaires:screening-result", pk=pk)
        if valid:
            messages.success(request, _("Saved."))
            return redirect("questionnaires:screening-criteria", pk=pk)
    return render(
        request,
        "questionnaires/clinician/criteria_form.html",
        {
            "screening": part.screening,
            "patient": part.screening.patient,
            "part": part,
            "forms": [
                (instrument_name(form.definition.name, lang), form) for form in forms
            ],
            "errors": sum(len(form.errors) for form in forms if form.is_bound),
        },
    )


def _page_language() -> str:
    """The language of this page (the clinician's), as a report language."""
    lang = (translation.get_language() or "en")[:2]
    return lang if lang in LANGUAGE_CODES else "en"


@never_cache
@require_GET
@login_required
def screening_result(request: HttpRequest, pk: int) -> HttpResponse:
    screening = selectors.screening_get_for(request.user, pk=pk)
    services.screening_result_view(screening=screening, by=_user(request))
    report: dict[str, Any] | None = None
    share_suggestion: str | None = None
    lang = _page_language()
    if screening.result:
        data = screening_report_data(screening, lang=lang)
        report = report_context(data, audience="clinician", lang=lang)
        share_suggestion = suicide_share_suggestion(screening.result)
    return render(
        request,
        "questionnaires/clinician/screening_result.html",
        {
            "screening": screening,
            "patient": screening.patient,
            "report": report,
            "side_by_side": charts.side_by_side(screening),
            "share_suggestion": share_suggestion,
            "safety": selectors.safety_state_for(screening),
            "contacts": crisis_contacts_for(screening.organisation, lang)
            if screening.is_urgent
            else (),
            "translations": selectors.translations_used_for(screening),
            # The family summary in the language the family answered in, else the
            # clinician's own.
            "family_language": selectors.answered_language(
                screening, ScreeningPart.Role.INFORMANT
            )
            or lang,
        },
    )
