"""The questions of a questionnaire page, rendered from ``respond/_item.html``.

A respondent page shows one section of one instrument version in one language.
What each question looks like (its label, help text, choices, input type and
limits) comes from the same form class that validates the page's POST, so the page
offers exactly what the form accepts. For a published version that never changes,
so it is kept per process (``_fields``, keyed by the version's primary key and the
form class, which is made once per definition, language and section: a translation
or licensed text entered later makes a new definition, so a new key), and so is
each question's HTML in each state a respondent can see without an error (``_html``:
no answer or one of its choices, shown or hidden). A typed-in answer and a refused
POST's errors are rendered on every request. The template escapes every text: bank
text is never marked safe.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.template.loader import get_template

from questionnaires.caches import ProcessCache, process_cache
from questionnaires.forms.questionnaire import QuestionnaireForm
from questionnaires.models import InstrumentVersion


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    id: str


@dataclass(frozen=True)
class ItemField:
    """One question as the form defines it: the same for every respondent."""

    code: str
    name: str  # the input's name, with the form's prefix
    id: str
    label: str
    help: str
    choices: tuple[Choice, ...]  # radio buttons; empty for a text or number input
    multiline: bool  # a textarea
    input_type: str
    attrs: tuple[tuple[str, str], ...]  # min, max, step, rows, maxlength…
    widget: forms.Widget  # formats a value for display, as Django's widget would


@dataclass(frozen=True)
class PageItem:
    """One question as one respondent sees it now."""

    field: ItemField
    value: str | None
    hidden: bool
    errors: tuple[str, ...]

    @property
    def described_by(self) -> str:
        """The ids of the help text and the error message, for aria-describedby."""
        ids = [f"{self.field.id}_helptext"] if self.field.help else []
        if self.errors:
            ids.append(f"{self.field.id}_error")
        return " ".join(ids)


#: What identifies a published page's questions: the version's primary key and the
#: form class (questionnaire_form_class: one per definition, language and section).
FieldsKey = tuple[int, type[QuestionnaireForm]]


@dataclass(frozen=True)
class PageFields:
    fields: tuple[ItemField, ...]
    key: FieldsKey | None  # None: a draft version, which may still change


ITEM_TEMPLATE = "questionnaires/respond/_item.html"
_fields: ProcessCache[FieldsKey, tuple[ItemField, ...]] = process_cache(
    "published_page_fields", maxsize=512
)
#: A question's HTML, by its page's FieldsKey, its code, the value shown and whether
#: it is hidden: only questions without errors, showing no answer or one of their
#: choices (a typed-in answer could be anything).
_html: ProcessCache[tuple[FieldsKey, str, str | None, bool], str] = process_cache(
    "published_item_html", maxsize=8192
)


def item_fields(
    form_class: type[QuestionnaireForm], version: InstrumentVersion
) -> PageFields:
    """The questions of ``form_class`` (one version, language and section); kept
    per process for a published version."""
    if version.published_at is None:
        return PageFields(fields=_build(form_class), key=None)
    key = (version.pk, form_class)
    return PageFields(
        fields=_fields.get_or_set(key, lambda: _build(form_class)), key=key
    )


def _build(form_class: type[QuestionnaireForm]) -> tuple[ItemField, ...]:
    prefix = form_class.definition.code  # QuestionnaireForm's default prefix
    built = []
    for code, field in form_class.base_fields.items():
        name = f"{prefix}-{code}"
        widget = field.widget
        radio = isinstance(widget, forms.RadioSelect)
        choices: tuple[Choice, ...] = ()
        if radio:
            options: Any = getattr(field, "choices", ())
            choices = tuple(
                Choice(value=str(value), label=str(label), id=f"id_{name}_{n}")
                for n, (value, label) in enumerate(options)
            )
        built.append(
            ItemField(
                code=code,
                name=name,
                id=f"id_{name}",
                label=str(field.label or ""),
                help=str(field.help_text or ""),
                choices=choices,
                multiline=isinstance(widget, forms.Textarea),
                input_type=getattr(widget, "input_type", "text"),
                attrs=tuple((str(k), str(v)) for k, v in widget.attrs.items()),
                widget=widget,
            )
        )
    return tuple(built)


def page_items(
    page: PageFields,
    *,
    shown: Collection[str],
    values: Mapping[str, Any],
    form: QuestionnaireForm | None = None,
) -> list[str]:
    """The questions' HTML with this respondent's answers: the saved ``values``
    (item code → value), or, given a bound ``form`` (a refused POST), what was
    posted and the errors."""
    rendered = []
    for field in page.fields:
        errors: tuple[str, ...] = ()
        if form is not None:
            raw = form[field.code].value()
            errors = tuple(str(e) for e in form.errors.get(field.code, ()))
        else:
            raw = values.get(field.code)
        item = PageItem(
            field=field,
            value=_display(field, raw),
            hidden=field.code not in shown,
            errors=errors,
        )
        key = _html_key(page, item)
        if key is None:
            rendered.append(_render(item))
        else:
            rendered.append(_html.get_or_set(key, partial(_render, item)))
    return rendered


def _html_key(
    page: PageFields, item: PageItem
) -> tuple[FieldsKey, str, str | None, bool] | None:
    """Where ``item``'s HTML is kept, or None if it is not."""
    if page.key is None or item.errors:
        return None
    if item.value is not None and not item.field.choices:
        return None
    return (page.key, item.field.code, item.value, item.hidden)


def _render(item: PageItem) -> str:
    # The template's output: escaped, and marked safe by the template engine itself
    # (a plain str would be escaped again by the page, never shown unescaped).
    return get_template(ITEM_TEMPLATE).render({"item": item})


def _display(field: ItemField, raw: Any) -> str | None:
    """``raw`` as the field's input shows it (Django's own formatting)."""
    if raw is None or raw == "":
        return None
    shown = field.widget.format_value(raw)
    if isinstance(shown, list):  # a radio group: the chosen values
        return shown[0] if shown else None
    return None if shown is None else str(shown)
