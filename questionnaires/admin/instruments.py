"""Instruments, versions and items: preview, try scoring, import, export, publish."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from questionnaires.admin import licensed_text, publishing
from questionnaires.admin.common import (
    FrozenMixin,
    FrozenParentInline,
    bank_language,
    fhir_download,
    staff_user,
    version_change_url,
)
from questionnaires.bank import convert
from questionnaires.bank.loader import DefinitionError
from questionnaires.exports import streams as export_streams
from questionnaires.forms.bank import GoldenCaseForm
from questionnaires.forms.exports import QuestionnaireImportForm
from questionnaires.forms.questionnaire import (
    LICENSED_PLACEHOLDER,
    AgeForm,
    ImportForm,
    LicensedTextForm,
    questionnaire_form_class,
)
from questionnaires.models import (
    LANGUAGE_CODES,
    GoldenCase,
    Instrument,
    InstrumentVersion,
    Item,
    ItemOption,
)
from questionnaires.scoring import InvalidInput, score
from questionnaires.services import bank
from questionnaires.services.exports import export_record, questionnaire_import


class ItemInline(FrozenParentInline):
    model = Item
    show_change_link = True
    fields = [
        "order",
        "code",
        "kind",
        "respondent_text",
        "text_en",
        "text_ja",
        "text_it",
        "required",
        "option_set",
        "min",
        "max",
        "decimals",
        "show_if",
        "safety",
    ]
    readonly_fields = ["respondent_text"]

    @admin.display(description=_("as respondents see it (English)"))
    def respondent_text(self, item: Item) -> str:
        if item.pk is None:
            return ""
        return item.text_en or str(LICENSED_PLACEHOLDER)


class ItemOptionInline(FrozenParentInline):
    model = ItemOption
    fields = ["order", "code", "value", "label_en", "label_ja", "label_it"]

    def _parentis_frozen(self, obj: Item | None) -> bool:
        return obj is not None and obj.version.is_frozen

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._parentis_frozen(obj) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._parentis_frozen(obj) and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._parentis_frozen(obj) and super().has_delete_permission(request)


class GoldenCaseInline(admin.TabularInline):  # type: ignore[type-arg]
    """Answers with the results this version gives; saved from "Try scoring"."""

    model = GoldenCase
    fields = ("name", "age", "answers", "expected", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = InstrumentVersion
    fields = ["number", "status", "published_at", "changelog"]
    readonly_fields = ["number", "status", "published_at", "changelog"]
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name_en", "audience", "text_may_ship", "citation"]
    list_filter = ["audience", "text_may_ship"]
    search_fields = ["code", "name_en", "short_name"]
    inlines = [VersionInline]
    fieldsets = [
        (None, {"fields": ["code", "short_name", "audience", "age_min", "age_max"]}),
        (_("Name"), {"fields": ["name_en", "name_ja", "name_it"]}),
        (
            _("Source and licence (copied into each version when published)"),
            {
                "fields": [
                    "citation",
                    "text_may_ship",
                    "licence_note",
                    "licence_attribution",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The code names the instrument in every answer and document.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.versions.exists()


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(FrozenMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    change_form_template = "admin/questionnaires/instrumentversion/change_form.html"
    change_list_template = "admin/questionnaires/instrumentversion/change_list.html"
    list_display = ["instrument", "number", "status", "published_at", "text_status"]
    list_filter = ["status", "instrument__audience", "instrument"]
    list_select_related = ["instrument"]
    search_fields = ["instrument__code", "instrument__name_en"]
    inlines = [ItemInline, GoldenCaseInline]
    # Publishing has no bulk action: each version goes through its confirmation page
    # (what will be frozen, wording changes, golden cases) one at a time.
    actions = ["copy_selected_as_draft", "download_fhir_selected"]
    fieldsets = [
        (None, {"fields": ["instrument", "number", "status", "published_at"]}),
        (_("Content"), {"fields": ["changelog", "languages", "scoring"]}),
        (
            _("Instructions"),
            {"fields": ["instructions_en", "instructions_ja", "instructions_it"]},
        ),
        (
            _("Item text entered under licence"),
            {"fields": ["text_status", "text_entered_by", "text_licence_note"]},
        ),
    ]
    readonly_fields = ["status", "published_at", "text_status", "text_entered_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None:
            return [*self.readonly_fields, "instrument", "number", "text_licence_note"]
        return list(self.readonly_fields)

    @admin.display(description=_("item text"))
    def text_status(self, version: InstrumentVersion) -> str:
        if version.licence_allows_text():
            return str(_("ships with the instrument"))
        if version.text_entered_at is None:
            return str(LICENSED_PLACEHOLDER)
        return str(
            _("entered by %(who)s on %(when)s")
            % {
                "who": version.text_entered_by,
                "when": f"{version.text_entered_at:%Y-%m-%d}",
            }
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="bank-import"),
            path("<int:pk>/publish/", view(self.publish_view), name="bank-publish"),
            path("<int:pk>/copy/", view(self.copy_view), name="bank-copy"),
            path("<int:pk>/retire/", view(self.retire_view), name="bank-retire"),
            path("<int:pk>/export/", view(self.export_view), name="bank-export"),
            path(
                "<int:pk>/fhir/", view(self.export_fhir_view), name="bank-export-fhir"
            ),
            path("import-fhir/", view(self.import_fhir_view), name="bank-import-fhir"),
            path("<int:pk>/preview/", view(self.preview_view), name="bank-preview"),
            path("<int:pk>/try/", view(self.try_view), name="bank-try"),
            path("<int:pk>/text/", view(self.text_view), name="bank-text"),
            path(
                "<int:pk>/licensed-text/",
                view(self.licensed_text_view),
                name="bank-licensed-text",
            ),
            *super().get_urls(),
        ]

    # -- actions ----------------------------------------------------------------------

    @admin.action(description=_("Copy the selected versions as new drafts"))
    def copy_selected_as_draft(
        self, request: HttpRequest, queryset: QuerySet[InstrumentVersion]
    ) -> None:
        for version in queryset:
            self._run(
                request, version, bank.instrument_version_copy_as_draft, _("Copied")
            )

    @admin.action(description=_("Download the selected as FHIR Questionnaires"))
    def download_fhir_selected(
        self, request: HttpRequest, queryset: QuerySet[InstrumentVersion]
    ) -> HttpResponse | None:
        resources = []
        for version in queryset.select_related("instrument"):
            try:
                resources.append(export_streams.version_questionnaire(version))
            except DefinitionError:
                messages.error(
                    request,
                    _("%(version)s: not a valid definition yet.")
                    % {"version": version},
                )
                return None
        export_record(
            action="instrument_version.export_fhir",
            by=request.user,
            details={"questionnaires": len(resources)},
        )
        bundle = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": f"{r['url']}|{r['version']}", "resource": r}
                for r in resources
            ],
        }
        return fhir_download(bundle, "questionnaires.fhir.json")

    # -- views ------------------------------------------------------------------------

    @method_decorator(require_http_methods(["GET", "POST"]))
    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return publishing.publish_page(self, request, self._version(request, pk))

    def licensed_text_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return licensed_text.licensed_text_page(
            self, request, self._version(request, pk)
        )

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        publishing.problems_context(context)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @method_decorator(require_POST)
    def copy_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._version(request, pk)
        draft = self._run(
            request, version, bank.instrument_version_copy_as_draft, _("Copied")
        )
        return redirect(version_change_url(draft or version))

    @method_decorator(require_POST)
    def retire_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._version(request, pk)
        self._run(request, version, bank.instrument_version_retire, _("Retired"))
        return redirect(version_change_url(version))

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._version(request, pk)
        try:
            document = convert.version_document(version)
        except DefinitionError as exc:
            return self._problems(request, version, exc.issues)
        name = f"{version.instrument.code}-v{version.number}.json"
        return HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=2) + "\n",
            content_type="application/json; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def export_fhir_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._version(request, pk)
        try:
            resource = export_streams.version_questionnaire(version)
        except DefinitionError as exc:
            return self._problems(request, version, exc.issues)
        export_record(
            action="instrument_version.export_fhir",
            by=request.user,
            target=version,
            details={"questionnaires": 1, "items": len(resource["item"])},
        )
        name = f"{version.instrument.code}-v{version.number}.fhir.json"
        return fhir_download(resource, name)

    def import_fhir_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = QuestionnaireImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                imported = questionnaire_import(
                    resource=form.cleaned_data["document"],
                    by=staff_user(request),
                    base=export_streams.fhir_base(),
                )
            except bank.BankError as exc:
                for problem in exc.problems:
                    messages.error(request, problem)
            else:
                for note in imported.notes:
                    messages.warning(request, note)
                messages.success(
                    request, f"{_('Imported as a draft')}: {imported.result.version}"
                )
                return redirect(version_change_url(imported.result.version))
        return self._import_page(
            request,
            "import_fhir.html",
            title=_("Import a FHIR R4 Questionnaire as a new draft"),
            form=form,
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = bank.bank_import(
                    document=form.cleaned_data["document"],
                    by=staff_user(request),
                    publish=form.cleaned_data["publish"],
                )
            except bank.BankError as exc:
                for problem in exc.problems:
                    messages.error(request, problem)
            else:
                verb = (
                    _("Imported") if result.created else _("Already loaded, unchanged:")
                )
                messages.success(request, f"{verb} {result.version}")
                return redirect(version_change_url(result.version))
        return self._import_page(
            request,
            "import.html",
            title=_("Import an instrument version (JSON)"),
            form=form,
        )

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._version(request, pk)
        try:
            definition = convert.version_definition(version)
        except DefinitionError as exc:
            return self._problems(request, version, exc.issues)
        lang = bank_language(request)
        form = questionnaire_form_class(definition, lang=lang)(require_answers=False)
        return self._page(request, version, "preview.html", form=form, lang=lang)

    def try_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._version(request, pk)
        try:
            definition = convert.version_definition(version)
        except DefinitionError as exc:
            return self._problems(request, version, exc.issues)
        lang = bank_language(request)
        data = request.POST if request.method == "POST" else None
        age_form = AgeForm(data)
        age = age_form.cleaned_data["age"] if age_form.is_valid() else None
        form = questionnaire_form_class(definition, lang=lang)(
            data, age=age, require_answers=False
        )
        result = None
        case_form = GoldenCaseForm(data)
        if data is not None and age_form.is_valid() and form.is_valid():
            try:
                scored = score(
                    {definition.code: definition},
                    {definition.code: form.answers()},
                    age=age,
                )
            except InvalidInput as exc:
                for error in exc.errors:
                    messages.error(request, str(error))
            else:
                result = scored.as_json()
                name = case_form.is_valid() and case_form.cleaned_data["case_name"]
                if name and age is not None and "_save_case" in request.POST:
                    self._save_case(request, version, name, age, form.answers())
        return self._page(
            request,
            version,
            "try_scoring.html",
            form=form,
            age_form=age_form,
            case_form=case_form,
            lang=lang,
            result=result,
            instrument_result=(result or {})
            .get("instruments", {})
            .get(definition.code),
        )

    def text_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._version(request, pk)
        if version.licence_allows_text():
            messages.info(request, _("This instrument's text ships with it."))
            return redirect(version_change_url(version))
        items = list(version.items.prefetch_related("options"))
        form = LicensedTextForm(request.POST or None, items=items, version=version)
        if request.method == "POST" and form.is_valid():
            try:
                bank.instrument_version_enter_text(
                    version=version,
                    item_texts=form.item_texts(),
                    option_labels=form.option_labels(),
                    licence_note=form.cleaned_data["licence_note"],
                    by=staff_user(request),
                )
            except bank.BankError as exc:
                for problem in exc.problems:
                    messages.error(request, problem)
            else:
                messages.success(request, _("Item text recorded."))
                return redirect(version_change_url(version))
        return self._page(request, version, "enter_text.html", form=form, admin=True)

    # -- helpers ----------------------------------------------------------------------

    def _save_case(
        self,
        request: HttpRequest,
        version: InstrumentVersion,
        name: str,
        age: int,
        answers: dict[str, Any],
    ) -> None:
        try:
            bank.golden_case_save(
                version=version,
                name=name,
                age=age,
                answers=answers,
                by=staff_user(request),
            )
        except bank.BankError as exc:
            for problem in exc.problems:
                messages.error(request, problem)
        else:
            messages.success(
                request, _("Saved as the golden case “%(name)s”.") % {"name": name}
            )

    def _version(self, request: HttpRequest, pk: int) -> InstrumentVersion:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            InstrumentVersion.objects.select_related("instrument"), pk=pk
        )

    def _run(
        self,
        request: HttpRequest,
        version: InstrumentVersion,
        service: Callable[..., InstrumentVersion],
        done: Any,
    ) -> InstrumentVersion | None:
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            result = service(version=version, by=staff_user(request))
        except bank.BankError as exc:
            messages.error(request, _("%(version)s: refused.") % {"version": version})
            for problem in exc.problems:
                messages.error(request, problem)
            return None
        messages.success(request, f"{done}: {result}")
        return result

    def _import_page(
        self,
        request: HttpRequest,
        template: str,
        *,
        title: str | Promise,
        form: ImportForm,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
        }
        return TemplateResponse(
            request, f"admin/questionnaires/instrumentversion/{template}", context
        )

    def _problems(
        self, request: HttpRequest, version: InstrumentVersion, issues: Any
    ) -> HttpResponse:
        messages.error(request, _("This draft is not a valid definition yet:"))
        for issue in issues:
            messages.error(request, str(issue))
        return redirect(version_change_url(version))

    def _page(
        self,
        request: HttpRequest,
        version: InstrumentVersion,
        template: str,
        **extra: Any,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": version,
            "version": version,
            "languages": LANGUAGE_CODES,
            "change_url": version_change_url(version),
            "title": f"{version}",
            **extra,
        }
        return TemplateResponse(
            request, f"admin/questionnaires/instrumentversion/{template}", context
        )


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Reached from a version's items: edits one item and its options."""

    list_display = ["code", "version", "kind", "order"]
    list_select_related = ["version__instrument"]
    search_fields = ["code", "version__instrument__code"]
    inlines = [ItemOptionInline]
    readonly_fields = ["version", "respondent_text"]
    fieldsets = [
        (None, {"fields": ["version", "order", "code", "kind", "required", "safety"]}),
        (
            _("Text"),
            {
                "fields": [
                    "respondent_text",
                    ("text_en", "text_ja", "text_it"),
                    ("help_en", "help_ja", "help_it"),
                    ("section_en", "section_ja", "section_it"),
                ]
            },
        ),
        (_("Answer"), {"fields": ["option_set", "min", "max", "decimals", "show_if"]}),
    ]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # reached through its version, not the index

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        frozen = obj is not None and obj.version.is_frozen
        return not frozen and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        frozen = obj is not None and obj.version.is_frozen
        return not frozen and super().has_delete_permission(request, obj)

    @admin.display(description=_("as respondents see it (English)"))
    def respondent_text(self, item: Item) -> str:
        return item.text_en or str(LICENSED_PLACEHOLDER)
