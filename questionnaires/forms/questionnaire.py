"""Forms. The questionnaire form is built from an instrument definition.

:func:`questionnaire_form_class` builds one form class per definition, language and
section and keeps it: definitions are immutable, so a questionnaire page only pays for
Django's per-instance copy of the fields. Every radio group renders as a fieldset with
its question as the legend (Django's ``RadioSelect.use_fieldset``), sections as
fieldsets with their heading as the legend.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from crispy_forms.utils import get_template_pack
from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from questionnaires.bank.flow import text_in
from questionnaires.bank.loader import YES_NO_OPTIONS
from questionnaires.bank.schema import MAX_DOCUMENT_BYTES
from questionnaires.caches import ProcessCache, process_cache
from questionnaires.models import LANGUAGE_CODES, InstrumentVersion
from questionnaires.models import Item as ItemRow
from questionnaires.scoring.definitions import (
    CHOICE_KINDS,
    FREE_TEXT_MAX,
    InstrumentDefinition,
    Item,
)
from questionnaires.scoring.engine import check_value
from questionnaires.scoring.rules import Facts, evaluate
from questionnaires.security import untrusted_json

Value = int | float | str
LICENSED_PLACEHOLDER = _("Text to be entered under licence")
_TIME_RE = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]\Z")  # ASCII digits only
#: Form classes per (definition, language, section). The value keeps the definition
#: alive and is checked by identity, so a reused id() can never serve another one.
_classes: ProcessCache[
    tuple[int, str, int | None], tuple[InstrumentDefinition, type]
] = process_cache("questionnaire_form_classes", maxsize=512)


def sections(definition: InstrumentDefinition) -> list[tuple[str, tuple[Item, ...]]]:
    """The items split where an item starts a section: ``(heading en, items)``."""
    parts: list[tuple[str, list[Item]]] = []
    for item in definition.items:
        if item.section or not parts:
            parts.append((text_in(item.section, "en"), []))
        parts[-1][1].append(item)
    return [(heading, tuple(items)) for heading, items in parts]


class QuestionnaireForm(forms.Form):
    """Answers to one instrument (or one of its sections), keyed by item code.

    ``age`` is the respondent's age when known (an ``age`` item may not exceed it).
    ``require_answers`` makes a shown required item mandatory; previews and trial
    scoring leave it off, since an incomplete instrument is a valid case to try.
    ``context_answers`` are the saved answers to the instrument's items that are
    not in this form (other sections), so ``show_if`` can refer to them.
    """

    definition: InstrumentDefinition
    lang: str
    section: int | None
    helper: FormHelper

    def __init__(
        self,
        *args: Any,
        age: int | None = None,
        require_answers: bool = True,
        context_answers: Mapping[str, Value] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", self.definition.code)
        super().__init__(*args, **kwargs)
        self.age = age
        self.require_answers = require_answers
        self.context_answers = dict(context_answers or {})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        items = self.definition.index.items
        for code, value in list(cleaned.items()):
            if value in (None, ""):
                continue
            value = _plain(value)
            cleaned[code] = value
            problem = check_value(items[code], value, self.age)
            if problem is not None:
                self.add_error(code, _friendly(items[code], value, self.age, problem))
        if self.require_answers:
            for code in self.fields:
                item = items[code]
                unanswered = item.required and cleaned.get(code) in (None, "")
                if unanswered and (item.show_if is None or self._shown(item, cleaned)):
                    self.add_error(code, _("Please answer this question."))
        return cleaned

    def answers(self) -> dict[str, Value]:
        """The valid answers given, item code → value (unanswered items left out)."""
        return {
            code: value
            for code, value in self.cleaned_data.items()
            if value not in (None, "")
        }

    def _shown(self, item: Item, cleaned: Mapping[str, Any]) -> bool:
        answers = {
            **self.context_answers,
            **{c: v for c, v in cleaned.items() if v not in (None, "")},
        }
        assert item.show_if is not None  # noqa: S101
        facts = Facts(self.definition.code, answers, None, {}, self.age or 0)
        return evaluate(item.show_if, facts)[0]


def _friendly(item: Item, value: Any, age: int | None, problem: str) -> str:
    """A respondent-facing message for the engine's technical one, where known."""
    if (
        item.kind == "age"
        and age is not None
        and isinstance(value, int)
        and value > age
    ):
        # Say what to check, never the age itself: the respondent did not give it
        # (the clinic recorded a birth year), so it is not theirs to be told.
        return str(
            _(
                "Please check this number: it is the age when this began, so it "
                "cannot be more than the age now."
            )
        )
    return problem


def questionnaire_form_class(
    definition: InstrumentDefinition, *, lang: str = "en", section: int | None = None
) -> type[QuestionnaireForm]:
    """The form class for a definition, language and optional section (cached)."""
    key = (id(definition), lang, section)
    cached = _classes.get(key)
    if cached is not None and cached[0] is definition:
        form_class: type[QuestionnaireForm] = cached[1]
        return form_class
    items = (
        sections(definition)[section][1] if section is not None else definition.items
    )
    fields = {item.code: item_field(item, lang) for item in items}
    form_class = type(
        f"{definition.code.title()}Form",
        (QuestionnaireForm,),
        {
            **fields,
            "definition": definition,
            "lang": lang,
            "section": section,
            "helper": _helper(definition, lang, section),
        },
    )
    _classes.set(key, (definition, form_class))
    return form_class


def item_field(item: Item, lang: str) -> forms.Field:
    """The form field for one item, by kind, labelled in ``lang`` (English fallback)."""
    label = text_in(item.text, lang) or f"[{item.code}] {LICENSED_PLACEHOLDER}"
    common: dict[str, Any] = {
        "label": label,
        "required": False,  # checked in clean(), where show_if can be evaluated
        "help_text": text_in(item.help, lang),
    }
    kind = item.kind
    if kind in CHOICE_KINDS:
        return forms.TypedChoiceField(
            choices=[
                (o.value, _option_label(item, o.code, o.label, lang))
                for o in item.options
            ],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind == "time_of_day":
        return forms.RegexField(
            regex=_TIME_RE,
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            error_messages={"invalid": _("Enter a time as HH:MM (24-hour).")},
            **common,
        )
    if kind == "free_text":
        return forms.CharField(
            max_length=FREE_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    low, high = item.bounds or (None, None)
    decimals = item.allowed_decimals
    # Plain words for young people and parents, not Django's "Ensure this value...".
    common["error_messages"] = {
        "min_value": _("Enter %(limit_value)s or more."),
        "max_value": _("Enter %(limit_value)s or less."),
    }
    if kind in ("integer", "age") or decimals == 0:
        return forms.IntegerField(
            min_value=_int_or_none(low), max_value=_int_or_none(high), **common
        )
    step = Decimal(1).scaleb(-decimals)
    return forms.DecimalField(
        min_value=None if low is None else Decimal(str(low)),
        max_value=None if high is None else Decimal(str(high)),
        decimal_places=decimals,
        widget=forms.NumberInput(attrs={"step": str(step)}),
        **common,
    )


def _option_label(item: Item, code: str, label: Mapping[str, str], lang: str) -> str:
    text = text_in(label, lang)
    if text:
        return text
    if item.kind == "yes_no":
        default = {o.code: o.label for o in YES_NO_OPTIONS}.get(code, {})
        return text_in(default, lang) or code
    return code


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)


def _plain(value: Any) -> Value:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value  # type: ignore[no-any-return]


class TextFieldset(Fieldset):
    """A fieldset whose legend is plain text.

    crispy's Fieldset renders its legend as a Django template (so ``{{ }}`` and
    ``{% %}`` in a bank section heading would run) and marks the result safe. A
    section heading is text from the question bank: escaped, never evaluated.
    """

    def render(
        self, form: Any, context: Any, template_pack: Any = None, **kwargs: Any
    ) -> SafeString:
        pack = template_pack or get_template_pack()
        fields = self.get_rendered_fields(form, context, pack, **kwargs)
        context.update({"fieldset": self, "legend": str(self.legend), "fields": fields})
        return render_to_string(self.get_template_name(pack), context.flatten())


def _helper(
    definition: InstrumentDefinition, lang: str, section: int | None
) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    parts = sections(definition)
    chosen = [parts[section]] if section is not None else parts
    layout: list[TextFieldset | str] = []
    for _heading, items in chosen:
        legend = text_in(items[0].section, lang) if items[0].section else ""
        if legend:
            layout.append(TextFieldset(legend, *(i.code for i in items)))
        else:
            layout.extend(i.code for i in items)
    helper.layout = Layout(*layout)
    return helper


class ImportForm(forms.Form):
    """An instrument document to import, in the format of the bundled files."""

    file = forms.FileField(label=_("JSON file"))
    publish = forms.BooleanField(
        label=_("Publish at once"),
        required=False,
        initial=True,
        help_text=_("Otherwise it is imported as a draft to review and edit."),
    )

    def clean_file(self) -> Any:
        """The upload, decoded; refused unread when bigger than any instrument.

        Django has already spooled a large upload to a temporary file; its size is
        checked before a byte of it is read into memory or parsed.
        """
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s KB; an instrument file is at most "
                    "%(limit)s KB."
                ),
                params={
                    "size": upload.size // 1024,
                    "limit": MAX_DOCUMENT_BYTES // 1024,
                },
            )
        try:
            self.cleaned_data["document"] = untrusted_json.loads(upload.read())
        except untrusted_json.UntrustedJSONError as exc:
            raise forms.ValidationError(
                _("Not a JSON file: %(error)s"), params={"error": exc}
            ) from exc
        return upload


class AgeForm(forms.Form):
    """The respondent's age, for trying the scoring on example answers."""

    age = forms.IntegerField(label=_("Age"), min_value=4, max_value=99, initial=19)


class LicensedTextForm(forms.Form):
    """Item text and option labels entered under the organisation's licence.

    Options shared through an option set get one field per option, not per item.
    """

    licence_note = forms.CharField(
        label=_("Licence the text is entered under"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        items: list[ItemRow],
        version: InstrumentVersion,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.fields["licence_note"].initial = version.text_licence_note
        for item in items:
            for lang in LANGUAGE_CODES:
                self.fields[f"item-{item.code}-{lang}"] = forms.CharField(
                    label=f"{item.code} ({lang})",
                    required=lang == "en",
                    initial=getattr(item, f"text_{lang}"),
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            for option in item.options.all():
                for lang in LANGUAGE_CODES:
                    name = f"option-{self._owner(item)}-{option.code}-{lang}"
                    self.fields.setdefault(
                        name,
                        forms.CharField(
                            label=f"{self._owner(item)} {option.code}={option.value} "
                            f"({lang})",
                            required=lang == "en",
                            initial=getattr(option, f"label_{lang}"),
                        ),
                    )

    def item_texts(self) -> dict[str, dict[str, str]]:
        return {
            item.code: {
                lang: self.cleaned_data[f"item-{item.code}-{lang}"]
                for lang in LANGUAGE_CODES
            }
            for item in self.items
        }

    def option_labels(self) -> dict[tuple[str, str], dict[str, str]]:
        return {
            (item.code, option.code): {
                lang: self.cleaned_data[
                    f"option-{self._owner(item)}-{option.code}-{lang}"
                ]
                for lang in LANGUAGE_CODES
            }
            for item in self.items
            for option in item.options.all()
        }

    @staticmethod
    def _owner(item: ItemRow) -> str:
        return f"set:{item.option_set}" if item.option_set else item.code
