"""A compiled questionnaire page renders exactly as crispy-forms renders it."""

from __future__ import annotations

from typing import Any

import pytest
from crispy_forms.utils import render_crispy_form

from questionnaires import benchmarks, compiled_pages
from questionnaires.bank import flow, loader
from questionnaires.forms.questionnaire import questionnaire_form_class
from questionnaires.views.respondent import _helper, _layout_helper, _section_index

LANGUAGES = ("en", "ja", "it")
PAGES = [
    (definition, page)
    for definition in loader.load_bundled()
    for page in flow.build_pages([definition])
]


def _answers(page: flow.Page, variant: int) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for n, item in enumerate(page.items):
        if (n + variant) % 3 == 0:
            continue  # unanswered
        if item.options:
            answers[item.code] = item.options[(n + variant) % len(item.options)].value
        else:
            answers[item.code] = benchmarks.example_value(item)
    return answers


@pytest.mark.parametrize(
    ("definition", "page"),
    PAGES,
    ids=[f"{d.code}-p{p.number}" for d, p in PAGES],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_page_is_what_crispy_renders(
    definition: Any, page: flow.Page, lang: str
) -> None:
    pages = flow.build_pages([definition])
    form_class = questionnaire_form_class(
        definition, lang=lang, section=_section_index(page, pages)
    )
    codes = [item.code for item in page.items]
    for variant in range(3):
        form = form_class(initial=_answers(page, variant), age=19)
        shown = frozenset(codes[variant::2])
        compiled = compiled_pages.render_form(
            form, codes, shown, lambda wrap: _layout_helper(page, wrap)
        )
        assert compiled is not None, "every bundled page compiles"
        form.helper = _helper(page, shown, lang)
        assert str(compiled) == str(render_crispy_form(form))


def test_a_bound_form_is_left_to_crispy() -> None:
    definition, page = PAGES[0]
    form_class = questionnaire_form_class(definition, lang="en", section=0)
    form = form_class({}, age=19)
    codes = [item.code for item in page.items]
    assert (
        compiled_pages.render_form(
            form, codes, frozenset(codes), lambda w: _layout_helper(page, w)
        )
        is None
    )
