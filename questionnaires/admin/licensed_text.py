"""Licensed text in one step: paste or upload, check beside the codes, publish.

For an instrument whose licence keeps its text out of the bundle (HQ-25): the admin
pastes the items one per line (or uploads a CSV), sees each beside its item code and
scoring key with reverse-keyed items marked, confirms the licence and the citation,
and publishes; the draft protocols that waited for the text publish with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from questionnaires.admin.common import staff_user, version_change_url
from questionnaires.bank import convert
from questionnaires.forms.bank import LicensedTextPasteForm
from questionnaires.models import InstrumentVersion
from questionnaires.services import bank


@dataclass(frozen=True)
class Row:
    """One item as the admin checks it: number, code, scoring key, pasted text."""

    number: int
    code: str
    key: str
    reverse: bool
    text: str


def licensed_text_page(
    model_admin: ModelAdmin[InstrumentVersion],
    request: HttpRequest,
    version: InstrumentVersion,
) -> HttpResponse:
    """Paste or upload, preview beside the codes, confirm and publish."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if version.licence_allows_text():
        messages.info(request, _("This instrument's text ships with it."))
        return redirect(version_change_url(version))
    initial = {"licence_note": version.instrument.licence_attribution}
    form = LicensedTextPasteForm(
        request.POST or None, request.FILES or None, initial=initial
    )
    parsed = None
    if request.method == "POST" and form.is_valid():
        parsed = bank.licensed_text_parse(
            version,
            items_text=form.cleaned_data["items_text"],
            options_text=form.cleaned_data["options_text"],
            csv_text=form.cleaned_data["csv_text"],
        )
        for problem in parsed.problems:
            form.add_error(None, problem)
        if "_publish" in request.POST and not parsed.problems:
            if not form.confirmed():
                form.add_error(
                    None,
                    _("Tick both confirmations (licence and citation) to publish."),
                )
            else:
                return _publish(request, version, form, parsed)
    return TemplateResponse(
        request,
        "admin/questionnaires/instrumentversion/licensed_text.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "original": version,
            "version": version,
            "title": _("Enter the licensed text of %(v)s")
            % {"v": f"{version.instrument} v{version.number}"},
            "change_url": version_change_url(version),
            "form": form,
            "rows": _rows(version, parsed),
            "option_rows": _option_rows(version, parsed),
            "waiting": bank.protocols_waiting_for(version),
            "previewed": parsed is not None and not parsed.problems,
        },
    )


def _publish(
    request: HttpRequest,
    version: InstrumentVersion,
    form: LicensedTextPasteForm,
    parsed: bank.LicensedText,
) -> HttpResponse:
    try:
        entered, protocols = bank.licensed_text_publish(
            version=version,
            item_texts=parsed.item_texts,
            option_labels=parsed.option_labels,
            licence_note=form.cleaned_data["licence_note"],
            citation_confirmed=form.cleaned_data["citation_confirmed"],
            by=staff_user(request),
        )
    except bank.BankError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
        return redirect("admin:bank-licensed-text", version.pk)
    messages.success(request, _("Text recorded for %(v)s.") % {"v": entered})
    for protocol in protocols:
        messages.success(
            request,
            _("Protocol published with it: %(p)s.")
            % {"p": f"{protocol.name_en} v{protocol.number}"},
        )
    return redirect(version_change_url(entered))


def _rows(version: InstrumentVersion, parsed: bank.LicensedText | None) -> list[Row]:
    definition = convert.version_definition(version)
    total = definition.scoring.total
    scored = set(total.items)
    reverse = set(total.reverse)
    texts = parsed.item_texts if parsed else {}
    rows = []
    for number, item in enumerate(definition.items, start=1):
        values = [o.value for o in item.options]
        span = f"{min(values)}–{max(values)}" if values else ""
        if item.code in reverse:
            key = _("reversed: %(base)s − answer") % {
                "base": f"{total.reverse_base:g}" if total.reverse_base else ""
            }
        elif item.code in scored:
            key = _("answer %(span)s") % {"span": span}
        else:
            key = _("not in the total")
        rows.append(
            Row(
                number=number,
                code=item.code,
                key=key,
                reverse=item.code in reverse,
                text=texts.get(item.code, {}).get("en", ""),
            )
        )
    return rows


def _option_rows(
    version: InstrumentVersion, parsed: bank.LicensedText | None
) -> list[dict[str, Any]]:
    first = version.items.prefetch_related("options").order_by("order", "id").first()
    if first is None:
        return []
    labels = parsed.option_labels if parsed else {}
    return [
        {"value": o.value, "label": labels.get((first.code, o.code), {}).get("en", "")}
        for o in first.options.all()
    ]
