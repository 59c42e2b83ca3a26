"""Instrument translations: a clinic's licensed text entered in one step.

Choose the current version of an instrument and a language, paste the items (one
per line, in order) and the answer labels, preview them beside the English, then
publish: the translation becomes a new version of the instrument (the publishing
service's checks and protocol roll-out), and the earlier version stays as it was
for the answers given to it. The record is never edited afterwards (a corrected
translation is published again, as a further version).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from questionnaires.admin.common import staff_user
from questionnaires.forms.translations import TranslationEntryForm
from questionnaires.models import InstrumentVersion, TranslationRecord
from questionnaires.services import translations
from questionnaires.services.bank import BankError


@admin.register(TranslationRecord)
class TranslationRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "version",
        "language",
        "kind",
        "source",
        "population",
        "entered_by",
        "entered_at",
    ]
    list_filter = ["language", "kind"]
    readonly_fields = [
        "version",
        "language",
        "kind",
        "source",
        "citation",
        "licence",
        "population",
        "text",
        "entered_by",
        "entered_at",
    ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(
        self,
        request: HttpRequest,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Enter a translation: paste, preview beside the English, publish."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = TranslationEntryForm(
            data, request.FILES or None, initial=request.GET.dict()
        )
        context: dict[str, Any] = {}
        if form.is_bound and form.is_valid():
            cleaned = form.cleaned_data
            version = cleaned["version"]
            try:
                if cleaned["csv_text"]:
                    form = _filled_from(form, request, cleaned["csv_text"])
                    cleaned = form.cleaned_data
                text = translations.translation_text(
                    version,
                    items=cleaned["items"],
                    labels=cleaned["labels"],
                    instructions=cleaned["instructions"],
                )
                if "publish" in request.POST:
                    release = translations.translation_publish(
                        version=version,
                        language=cleaned["language"],
                        kind=cleaned["kind"],
                        source=cleaned["source"],
                        citation=cleaned["citation"],
                        licence=cleaned["licence"],
                        population=cleaned["population"],
                        text=text,
                        by=staff_user(request),
                    )
                    _report(request, release)
                    return redirect("admin:questionnaires_translationrecord_changelist")
            except BankError as exc:
                for problem in exc.problems:
                    messages.error(request, problem)
            else:
                context["preview"] = _preview(version, text, cleaned["labels"])
        version = _chosen_version(form)
        return TemplateResponse(
            request,
            "admin/questionnaires/translationrecord/enter.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Enter a licensed translation"),
                "form": form,
                "source": translations.translation_source(version) if version else None,
                **context,
            },
        )


def _filled_from(
    form: TranslationEntryForm, request: HttpRequest, csv_text: str
) -> TranslationEntryForm:
    """The form again with the uploaded CSV in its boxes, so that the preview's
    Publish sends what was shown (a file is not sent twice)."""
    pasted = translations.translation_from_csv(form.cleaned_data["version"], csv_text)
    filled = TranslationEntryForm(
        {
            **request.POST.dict(),
            "items": pasted.items,
            "labels": pasted.labels,
            "instructions": pasted.instructions,
        }
    )
    if not filled.is_valid():
        raise BankError(
            [error for errors in filled.errors.values() for error in errors]
        )
    return filled


def _report(request: HttpRequest, release: translations.TranslationRelease) -> None:
    """Say what was published, and any protocol still waiting for something else."""
    messages.success(
        request,
        _(
            "Published %(new)s with the translation (%(old)s is kept for the answers "
            "given to it). New screenings use it from now on."
        )
        % {
            "new": f"{release.version.instrument.code} v{release.version.number}",
            "old": f"{release.previous.instrument.code} v{release.previous.number}",
        },
    )
    waiting = [p for p in release.protocols if p.status == p.Status.DRAFT]
    if waiting:
        messages.warning(
            request,
            _("Drafted but not yet published (another part is not ready): %(names)s")
            % {"names": ", ".join(str(p) for p in waiting)},
        )


def _chosen_version(form: TranslationEntryForm) -> InstrumentVersion | None:
    """The version picked so far (posted, or ?version= in the address), if valid."""
    raw = form["version"].value()
    if not raw:
        return None
    try:
        version: InstrumentVersion = form.fields["version"].clean(raw)
    except ValidationError:
        return None
    return version


def _preview(
    version: InstrumentVersion, text: dict[str, Any], labels: str
) -> dict[str, Any]:
    """The pasted text beside the English, row by row."""
    source = translations.translation_source(version)
    pasted = [line.strip() for line in labels.splitlines() if line.strip()]
    return {
        "instructions": (source.instructions, text["instructions"]),
        "items": [
            (code, english, text["items"][code]) for code, english in source.items
        ],
        "labels": list(zip(source.labels, pasted, strict=True)),
    }
