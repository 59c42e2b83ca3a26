"""A questionnaire page's form, rendered once, then only filled in (issue 9).

A published definition never changes, so the HTML crispy-forms renders for one page
of it differs between respondents only in which radio buttons are checked, the values
of the other inputs and which questions branching hides. :func:`render_form` renders
each page once per form class (definition, language, section) with markers in those
places, keeps the pieces and from then on joins them with each respondent's values.
Before a compiled page is used it is checked against crispy's own rendering of a
filled-in form; a page that does not match (or a bound form, which shows errors) is
rendered by crispy as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from questionnaires.forms.questionnaire import QuestionnaireForm

MARK = "hs-compiled-"
HIDDEN = "d-none"  # the wrapper class of a question branching hides

#: What a respondent fills in: a wrapper class, a radio's ``checked``, an input's
#: ``value`` attribute, a textarea's text.
WRAP, CHECKED, VALUE, TEXT = "wrap", "checked", "value", "text"
HelperFactory = Callable[[Callable[[str], str]], FormHelper]


@dataclass(frozen=True)
class Hole:
    kind: str
    code: str
    option: str = ""


Pieces = tuple[str | Hole, ...]
_compiled: dict[tuple[int, tuple[str, ...]], tuple[type, Pieces | None]] = {}


def render_form(
    form: QuestionnaireForm,
    codes: Sequence[str],
    shown: frozenset[str],
    helper: HelperFactory,
) -> SafeString | None:
    """The form's HTML as ``{% crispy form %}`` renders it, or None (use crispy).

    ``helper(wrapper_class)`` builds the page's FormHelper, given the wrapper class
    of each question by code.
    """
    if form.is_bound:
        return None
    form_class = type(form)
    key = (id(form_class), tuple(codes))
    cached = _compiled.get(key)
    if cached is None or cached[0] is not form_class:
        # Keeps the class alive, so its id() cannot be reused by another one.
        cached = _compiled[key] = (form_class, _compile(form_class, codes, helper))
    pieces = cached[1]
    if pieces is None:
        return None
    return _fill(pieces, form, shown)


def _compile(
    form_class: type[QuestionnaireForm], codes: Sequence[str], helper: HelperFactory
) -> Pieces | None:
    radios = {
        code
        for code in codes
        if isinstance(form_class.base_fields[code].widget, forms.RadioSelect)
    }
    initial = {code: f"{MARK}value-{code}" for code in codes if code not in radios}
    form = form_class(initial=initial)
    html = str(render_crispy_form(form, helper(lambda c: f"{MARK}wrap-{c}{MARK}")))
    marks: list[tuple[int, int, Hole]] = []  # (start, end, hole) of each marker
    for code in codes:
        field = form[code]
        wrap = f" {MARK}wrap-{code}{MARK}"  # the end mark tells q1 from q10
        if html.count(wrap) != 1:
            return None
        start = html.index(wrap)
        marks.append((start, start + len(wrap), Hole(WRAP, code)))
        if code in radios:
            for value, _label in form_class.base_fields[code].choices:  # type: ignore[attr-defined]
                needle = f'name="{field.html_name}" value="{value}"'
                if html.count(needle) != 1:
                    return None
                end = html.index(">", html.index(needle))
                marks.append((end, end, Hole(CHECKED, code, str(value))))
            continue
        value = f' value="{MARK}value-{code}"'
        text = f"{MARK}value-{code}</textarea>"
        if html.count(value) == 1:
            start = html.index(value)
            marks.append((start, start + len(value), Hole(VALUE, code)))
        elif html.count(text) == 1:
            start = html.index(text)
            marks.append((start, start + len(text) - 11, Hole(TEXT, code)))
        else:
            return None
    pieces: list[str | Hole] = []
    position = 0
    for start, end, hole in sorted(marks, key=lambda mark: mark[0]):
        pieces += [html[position:start], hole]
        position = end
    pieces.append(html[position:])
    compiled = tuple(pieces)
    return compiled if _matches(compiled, form_class, codes, radios, helper) else None


def _matches(
    pieces: Pieces,
    form_class: type[QuestionnaireForm],
    codes: Sequence[str],
    radios: set[str],
    helper: HelperFactory,
) -> bool:
    """Whether the pieces fill in exactly as crispy renders a filled-in form."""
    initial: dict[str, Any] = {}
    for n, code in enumerate(codes):
        if code in radios:
            choices = form_class.base_fields[code].choices  # type: ignore[attr-defined]
            initial[code] = choices[n % len(choices)][0]
        else:
            initial[code] = '1 < 2 & "3"'  # escaping is part of the check
    shown = frozenset(codes[::2])
    form = form_class(initial=initial)
    expected = render_crispy_form(
        form, helper(lambda code: "" if code in shown else HIDDEN)
    )
    return str(_fill(pieces, form_class(initial=initial), shown)) == str(expected)


def _fill(pieces: Pieces, form: QuestionnaireForm, shown: frozenset[str]) -> SafeString:
    values: dict[str, Any] = {}
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        if piece.kind == WRAP:
            out.append("" if piece.code in shown else f" {HIDDEN}")
            continue
        if piece.code not in values:
            field = form[piece.code]
            values[piece.code] = field.field.widget.format_value(field.value())
        value = values[piece.code]
        if piece.kind == CHECKED:
            out.append(" checked" if piece.option in value else "")
        elif piece.kind == VALUE:
            out.append("" if value is None else f' value="{escape(value)}"')
        elif value:  # TEXT, as Django's textarea template: nothing when empty
            out.append(escape(value))
    return mark_safe("".join(out))  # noqa: S308 (pieces are crispy's own output)


def forget() -> None:
    """Drop every compiled page (tests that reuse primary keys for new content)."""
    _compiled.clear()
