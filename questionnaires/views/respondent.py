"""Pages for respondents: a patient or a parent, reached by an invitation token.

Patient and parent share one flow (STYLE.md §5): start → one section per page →
review → submit → done. Every URL carries the opaque token, never a primary key, and
every page works without JavaScript: answers are saved on each page POST, branching
is re-evaluated on the server, and the scripts in ``static/js`` only add autosave and
live show/hide on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from questionnaires import selectors
from questionnaires.bank import flow
from questionnaires.bank.flow import safety_triggers
from questionnaires.bank.loader import dump_condition
from questionnaires.bank.names import instrument_name
from questionnaires.bank.protocols import protocol_size
from questionnaires.forms.questionnaire import (
    QuestionnaireForm,
    questionnaire_form_class,
)
from questionnaires.models import LANGUAGE_CODES, Invitation, ScreeningPart
from questionnaires.reports.context import ReportData, report_context
from questionnaires.reports.data import (
    crisis_contacts_for,
    part_report_data,
    reader_of,
)
from questionnaires.services import invitations as invitation_services
from questionnaires.services import screenings as services
from questionnaires.views import page_items, reports

ACTIONS = ("next", "back", "save", "autosave")


def respondent_language() -> str:
    """The active language if the respondent pages have it, else English."""
    lang = (translation.get_language() or "en").split("-")[0]
    return lang if lang in LANGUAGE_CODES else "en"


@dataclass
class Context:
    """What every respondent page knows: the link, its part and the saved state."""

    token: str
    invitation: Invitation
    part: ScreeningPart
    state: selectors.PartState
    pages: tuple[flow.Page, ...]
    lang: str

    @property
    def age(self) -> int:
        return self.part.screening.age

    @property
    def is_kiosk(self) -> bool:
        return self.invitation.kind == Invitation.Kind.KIOSK

    @property
    def is_self_check(self) -> bool:
        return self.invitation.kind == Invitation.Kind.SELF_CHECK


def _load(request: HttpRequest, token: str) -> Context:
    invitation = selectors.invitation_get_by_token(token)
    part = invitation.part
    state = selectors.part_state(part)
    return Context(
        token=token,
        invitation=invitation,
        part=part,
        state=state,
        pages=flow.build_pages(state.definitions),
        lang=respondent_language(),
    )


def _invalid_link(request: HttpRequest) -> HttpResponse:
    # One page and one status for unknown, expired and revoked links alike, so a
    # link reveals nothing about whether a screening exists behind it.
    return render(request, "questionnaires/respond/link_invalid.html", status=404)


def _heading(page: flow.Page, lang: str) -> str:
    """A page's heading: the instrument's name (in ``lang`` for every bundled one),
    or the section's text."""
    if page.heading == page.instrument.name:
        return instrument_name(page.heading, lang)
    return flow.text_in(page.heading, lang)


def _base(request: HttpRequest, ctx: Context, **extra: Any) -> dict[str, Any]:
    crisis = ctx.part.crisis_at is not None
    organisation = ctx.part.screening.organisation
    return {
        "token": ctx.token,
        "part": ctx.part,
        "lang": ctx.lang,
        "is_kiosk": ctx.is_kiosk,
        "is_self_check": ctx.is_self_check,
        # Italian addresses a parent as "Lei" and a young person as "tu": the
        # templates pick the message context by who is reading (docs/translation.md).
        "to_parent": ctx.part.role == ScreeningPart.Role.INFORMANT,
        "page_count": len(ctx.pages),
        "crisis": crisis,
        "crisis_contacts": (
            crisis_contacts_for(organisation, ctx.lang) if crisis else ()
        ),
        "resume_code": _resume_code(request, ctx.part),
        "minutes": _minutes(ctx),
        **extra,
    }


def _minutes(ctx: Context) -> int:
    return protocol_size(ctx.state.definitions).minutes


def _resume_code(request: HttpRequest, part: ScreeningPart) -> str:
    """The check's resume code the first time a page shows it, then "".

    The code waits in the session only from starting the check to the page shown
    next (the start page, which asks to write it down); shown, it leaves the
    session, so django_session never keeps a usable resume code.
    """
    codes: dict[str, str] = dict(request.session.get("resume_codes", {}))
    code = codes.pop(str(part.pk), "")
    if code:
        request.session["resume_codes"] = codes
    return code


def _with_context(view: Any) -> Any:
    """Resolve the token to a Context, or answer with the invalid-link page."""

    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> Any:
        try:
            ctx = _load(request, token)
        except selectors.LinkReplaced:
            return render(
                request, "questionnaires/respond/link_replaced.html", status=409
            )
        except selectors.InvalidLink:
            return _invalid_link(request)
        return view(request, ctx, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@never_cache
@require_GET
@_with_context
def start_questionnaire(request: HttpRequest, ctx: Context) -> HttpResponse:
    if ctx.part.is_submitted:
        return redirect("questionnaires:respond-done", token=ctx.token)
    invitation_services.invitation_open(invitation=ctx.invitation)
    resume_page = min(max(ctx.part.last_page, 1), len(ctx.pages) or 1)
    return render(
        request,
        "questionnaires/respond/start.html",
        _base(
            request,
            ctx,
            started=ctx.part.status != ScreeningPart.Status.PENDING,
            resume_page=resume_page,
            audience=ctx.part.role,
        ),
    )


def _page_form(
    ctx: Context, page: flow.Page, data: Mapping[str, Any] | None
) -> QuestionnaireForm:
    definition = page.instrument
    # A POST reads the saved answers before the save (which reads them again under
    # the part's lock) only if its checks can use them: a condition on this page
    # that may refer to an item of another page.
    reads_saved = data is None or _checks_read_other_pages(page)
    saved = ctx.state.answers.get(definition.code, {}) if reads_saved else {}
    form_class = _form_class(ctx, page)
    page_codes = {item.code for item in page.items}
    others = {c: v for c, v in saved.items() if c not in page_codes}
    return form_class(
        data,
        initial={c: v for c, v in saved.items() if c in page_codes},
        age=ctx.age,
        context_answers=others,
    )


def _form_class(ctx: Context, page: flow.Page) -> type[QuestionnaireForm]:
    return questionnaire_form_class(
        page.instrument, lang=ctx.lang, section=_section_index(page, ctx.pages)
    )


def _checks_read_other_pages(page: flow.Page) -> bool:
    """Whether validating ``page`` can read an answer given on another page: only a
    ``show_if`` of one of its items can, and only if its instrument has other items
    (QuestionnaireForm.context_answers)."""
    return len(page.items) < len(page.instrument.items) and any(
        item.show_if is not None for item in page.items
    )


def _items(
    ctx: Context, page: flow.Page, form: QuestionnaireForm | None = None
) -> list[str]:
    """The page's questions with the saved answers, or with what ``form`` (a
    refused POST) holds, each shown or hidden as branching decides."""
    saved = ctx.state.answers.get(page.instrument.code, {})
    current = dict(saved)
    if form is not None:
        current.update(_posted_values(form, page))
    fields = page_items.item_fields(
        _form_class(ctx, page), ctx.state.versions_by_code[page.instrument.code]
    )
    return page_items.page_items(
        fields,
        shown=flow.shown_items(page.instrument, current, ctx.age),
        values=saved,
        form=form,
    )


def _section_index(page: flow.Page, pages: tuple[flow.Page, ...]) -> int:
    return sum(
        1 for p in pages[: page.number - 1] if p.instrument.code == page.instrument.code
    )


def _posted_values(form: QuestionnaireForm, page: flow.Page) -> dict[str, Any]:
    """The raw choices posted, good enough to decide what to show (not to save)."""
    values: dict[str, Any] = {}
    for item in page.items:
        raw = form.data.get(form.add_prefix(item.code))
        if raw in (None, ""):
            values[item.code] = None
            continue
        try:
            values[item.code] = int(raw) if item.options else raw
        except (TypeError, ValueError):
            values[item.code] = raw
    return {k: v for k, v in values.items() if v is not None}


def _branching_data(ctx: Context, page: flow.Page) -> dict[str, Any]:
    """What static/js/branching.js needs to re-evaluate ``show_if`` live."""
    conditions = {
        item.code: dump_condition(item.show_if)
        for item in page.instrument.items
        if item.show_if is not None
    }
    page_codes = [item.code for item in page.items]
    return {
        "prefix": page.instrument.code,  # QuestionnaireForm's prefix
        "age": ctx.age,
        "page": page_codes,
        "order": [item.code for item in page.instrument.items],
        "saved": {
            c: v
            for c, v in ctx.state.answers.get(page.instrument.code, {}).items()
            if c not in page_codes
        },
        "conditions": conditions,
    }


def _error_summary(form: QuestionnaireForm, page: flow.Page) -> list[dict[str, str]]:
    """Errors in page order, each linked to its field's first input."""
    entries = []
    for item in page.items:
        errors = form.errors.get(item.code)
        if not errors:
            continue
        field_id = form[item.code].auto_id
        anchor = f"{field_id}_0" if item.options else field_id
        entries.append(
            {
                "anchor": anchor,
                "label": str(form[item.code].label),
                "message": str(errors[0]),
            }
        )
    return entries


@never_cache
@require_http_methods(["GET", "POST"])
@_with_context
def answer_page(request: HttpRequest, ctx: Context, number: int) -> HttpResponse:
    if ctx.part.is_submitted:
        return redirect("questionnaires:respond-done", token=ctx.token)
    if not 1 <= number <= len(ctx.pages):
        raise Http404
    page = ctx.pages[number - 1]
    if request.method == "GET":
        return _render_page(request, ctx, page, _items(ctx, page), errors=[])
    action = request.POST.get("action", "next")
    if action not in ACTIONS:
        action = "next"
    form = _page_form(ctx, page, request.POST)
    form.require_answers = action == "next"
    valid = form.is_valid()
    _one_error_per_question(form)
    shown_answered = _posted_answered(request)
    to_save = _answers_to_save(form, page, shown_answered)
    try:
        services.answers_save(
            part=ctx.part,
            answers={page.instrument.code: to_save},
            page=_resume_at(number, action, valid, len(ctx.pages)),
            language=ctx.lang,
            state=ctx.state,
        )
    except services.PartSubmitted:
        return redirect("questionnaires:respond-done", token=ctx.token)
    answered = _answered_after(shown_answered, to_save)
    if action == "autosave":
        # static/js/autosave.js keeps the page's list of answered items up to date.
        return HttpResponse(status=204, headers={"X-Answered": ",".join(answered)})
    if action == "save":
        return redirect("questionnaires:respond-saved", token=ctx.token)
    if action == "back":
        if number == 1:
            return redirect("questionnaires:respond-start", token=ctx.token)
        return redirect(
            "questionnaires:respond-page", token=ctx.token, number=number - 1
        )
    if not valid:
        # Reload the part so a crisis raised by this very save shows at once.
        ctx.part.refresh_from_db(fields=["crisis_at"])
        return _render_page(
            request,
            ctx,
            page,
            _items(ctx, page, form),
            errors=_error_summary(form, page),
            status=422,
            answered=answered,
        )
    if number < len(ctx.pages):
        return redirect(
            "questionnaires:respond-page", token=ctx.token, number=number + 1
        )
    return redirect("questionnaires:respond-review", token=ctx.token)


def _one_error_per_question(form: QuestionnaireForm) -> None:
    """Show a question's first problem only.

    A value out of range is also "unanswered" for a required question; saying both
    ("must be 10 or less. Please answer this question.") confuses more than it helps.
    """
    for errors in form.errors.values():
        del errors[1:]


def _resume_at(number: int, action: str, valid: bool, count: int) -> int:
    """The page a respondent who comes back should land on: where they were going."""
    if action == "next" and valid:
        return min(number + 1, count)
    if action == "back":
        return max(number - 1, 1)
    return number


def _answers_to_save(
    form: QuestionnaireForm, page: flow.Page, shown_answered: frozenset[str] | None
) -> dict[str, Any]:
    """Every field that validated: its value, or None to clear an emptied answer.

    Fields with an error keep their saved answer; the page shows the error and the
    respondent's input, so nothing typed is lost. A field not posted at all (a radio
    group left unchosen, a stale second tab, a tampered form) changes nothing. An
    empty field clears only an answer the page showed (``shown_answered``, when the
    page says): a stale second tab's empty box leaves what another tab saved since.
    """
    cleaned = getattr(form, "cleaned_data", {})
    values: dict[str, Any] = {}
    for item in page.items:
        if item.code in form.errors or item.code not in cleaned:
            continue
        if form.add_prefix(item.code) not in form.data:
            continue
        value = cleaned[item.code]
        if value not in (None, ""):
            values[item.code] = value
        elif shown_answered is None or item.code in shown_answered:
            values[item.code] = None
    return values


def _posted_answered(request: HttpRequest) -> frozenset[str] | None:
    """The items the posted page showed answered (its hidden ``answered`` field)."""
    posted = request.POST.get("answered")
    return None if posted is None else frozenset(filter(None, posted.split(",")))


def _answered_after(
    shown_answered: frozenset[str] | None, saved: Mapping[str, Any]
) -> list[str]:
    """The page's answered items once ``saved`` is saved, as far as the page knows."""
    kept = (shown_answered or frozenset()) - {c for c, v in saved.items() if v is None}
    return sorted(kept | {c for c, v in saved.items() if v is not None})


def _render_page(
    request: HttpRequest,
    ctx: Context,
    page: flow.Page,
    items: list[str],
    *,
    errors: list[dict[str, str]],
    status: int = 200,
    answered: list[str] | None = None,
) -> HttpResponse:
    if answered is None:
        saved = ctx.state.answers.get(page.instrument.code, {})
        answered = [item.code for item in page.items if item.code in saved]
    instructions = (
        flow.text_in(page.instrument.instructions, ctx.lang)
        if page.first_of_instrument and page.instrument.instructions
        else ""
    )
    attribution = (
        page.instrument.licence.attribution if page.first_of_instrument else ""
    )
    # A clinic's licensed translation names where it comes from (docs/translation.md).
    translation = (
        ctx.state.translations.get((page.instrument.code, ctx.lang))
        if page.first_of_instrument
        else None
    )
    return render(
        request,
        "questionnaires/respond/page.html",
        _base(
            request,
            ctx,
            page=page,
            items=items,
            heading=_heading(page, ctx.lang),
            instructions=instructions,
            attribution=attribution,
            translation=translation,
            # Safety questions in English to someone who reads another language: the
            # clinician was told when starting, and asks them in person too.
            safety_in_english=ctx.lang not in page.instrument.languages
            and any(item.safety for item in page.items),
            errors=errors,
            branching=_branching_data(ctx, page),
            progress_percent=round(100 * (page.number - 1) / len(ctx.pages)),
            answered=",".join(answered),
            **_crisis_on_page(ctx, page),
        ),
        status=status,
    )


def _crisis_on_page(ctx: Context, page: flow.Page) -> dict[str, Any]:
    """What static/js/crisis.js needs to show the crisis help the moment a safety
    item on this page is answered positively: each such field's name and the
    values that raise an urgent flag, and the contacts (issue 17)."""
    if ctx.part.crisis_at is not None:
        return {}  # the crisis help is already on the page
    triggers = safety_triggers(page.instrument, [item.code for item in page.items])
    if not triggers:
        return {}
    organisation = ctx.part.screening.organisation
    return {
        "crisis_triggers": {
            # The field's name, with QuestionnaireForm's prefix.
            f"{page.instrument.code}-{code}": [str(v) for v in values]
            for code, values in triggers.items()
        },
        "crisis_template_contacts": crisis_contacts_for(organisation, ctx.lang),
    }


@dataclass(frozen=True)
class ReviewRow:
    page: int
    question: str
    answer: str
    missing: bool


def _answer_text(item: Any, value: Any, lang: str) -> str:
    if item.options:
        for option in item.options:
            if option.value == value:
                label = flow.text_in(option.label, lang)
                if label:
                    return label
                return _yes_no(option.code) or option.code
    return str(value)


def _yes_no(code: str) -> str:
    return {"yes": gettext("Yes"), "no": gettext("No")}.get(code, "")


def _review_rows(ctx: Context) -> list[tuple[str, list[ReviewRow]]]:
    groups: list[tuple[str, list[ReviewRow]]] = []
    for page in ctx.pages:
        definition = page.instrument
        saved = ctx.state.answers.get(definition.code, {})
        shown = flow.shown_items(definition, saved, ctx.age)
        rows = []
        for item in page.items:
            if item.code not in shown:
                continue
            value = saved.get(item.code)
            rows.append(
                ReviewRow(
                    page=page.number,
                    question=flow.text_in(item.text, ctx.lang),
                    answer="" if value is None else _answer_text(item, value, ctx.lang),
                    missing=value is None and item.required,
                )
            )
        if rows:
            groups.append((_heading(page, ctx.lang), rows))
    return groups


@never_cache
@require_GET
@_with_context
def review_answers(request: HttpRequest, ctx: Context) -> HttpResponse:
    if ctx.part.is_submitted:
        return redirect("questionnaires:respond-done", token=ctx.token)
    groups = _review_rows(ctx)
    missing = sum(1 for _, rows in groups for row in rows if row.missing)
    return render(
        request,
        "questionnaires/respond/review.html",
        _base(request, ctx, groups=groups, missing=missing),
    )


@require_POST
@_with_context
def submit_answers(request: HttpRequest, ctx: Context) -> HttpResponse:
    services.part_submit(part=ctx.part)
    return redirect("questionnaires:respond-done", token=ctx.token)


@never_cache
@require_GET
@_with_context
def saved_for_later(request: HttpRequest, ctx: Context) -> HttpResponse:
    return render(request, "questionnaires/respond/saved.html", _base(request, ctx))


@never_cache
@require_GET
@_with_context
def questionnaire_done(request: HttpRequest, ctx: Context) -> HttpResponse:
    if not ctx.part.is_submitted:
        return redirect("questionnaires:respond-start", token=ctx.token)
    if _answers_no_longer_shown(ctx):
        return _invalid_link(request)
    if ctx.is_kiosk:
        # Reveals nothing: no result, no name of a questionnaire, no way back in.
        return render(request, "questionnaires/respond/hand_back.html")
    summary = _family_summary(ctx) if ctx.is_self_check else None
    return render(
        request,
        "questionnaires/respond/done.html",
        _base(
            request,
            ctx,
            summary=summary,
            can_download=ctx.part.result is not None,
            retention_days=invitation_services.retention_days(),
            shown_hours=None if ctx.is_self_check else _shown_hours(),
        ),
    )


def _shown_hours() -> int:
    """Hours a clinic link shows its done page and summary after submission."""
    return int(settings.SUBMITTED_LINK_HOURS)


def _answers_no_longer_shown(ctx: Context) -> bool:
    """Whether a submitted clinic link's time to show the summary has passed.

    A clinic's link shows its done page and summary PDF (scores, clinic, patient
    code) for SUBMITTED_LINK_HOURS after submission, then the page every dead link
    shows. A family self-check keeps its summary for its stated retention period.
    """
    submitted = ctx.part.submitted_at
    if ctx.is_self_check or submitted is None:
        return False
    return timezone.now() - submitted > timedelta(hours=_shown_hours())


def _report_data(ctx: Context) -> ReportData:
    """The respondent's own report: this part's answers only."""
    return part_report_data(ctx.part, lang=ctx.lang)


def _family_summary(ctx: Context) -> dict[str, Any] | None:
    if not ctx.part.result:
        return None
    return report_context(
        _report_data(ctx), audience=reader_of(ctx.part), lang=ctx.lang
    )


@never_cache
@require_GET
@_with_context
def download_own_report(request: HttpRequest, ctx: Context) -> HttpResponse:
    if not ctx.part.is_submitted or ctx.is_kiosk or not ctx.part.result:
        raise Http404
    if _answers_no_longer_shown(ctx):
        return _invalid_link(request)
    return reports.pdf_response(
        data=_report_data(ctx),
        # A parent's link only ever shows the parent's own summary; the young
        # person's link their own, addressed to them.
        audience=reader_of(ctx.part),
        lang=ctx.lang,
        screening=ctx.part.screening,
        by=None,
        filename="hikiscreen-summary",
    )
