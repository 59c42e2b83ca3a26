"""The questions of a respondent page, from our own template (views/page_items.py)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms

from questionnaires import caches
from questionnaires.bank import flow, loader
from questionnaires.forms.questionnaire import questionnaire_form_class
from questionnaires.models import InstrumentVersion
from questionnaires.views import page_items

LANGUAGES = ("en", "ja", "it")
PUBLISHED = datetime(2026, 1, 1, tzinfo=UTC)
PAGES = [
    (definition, page, section)
    for definition in loader.load_bundled()
    for section, page in enumerate(flow.build_pages([definition]))
]
HOSTILE = "<script>alert(\"x\")</script> & 'q'"


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    caches.clear_all()


def _version(pk: int = 1, published_at: datetime | None = PUBLISHED) -> Any:
    return InstrumentVersion(pk=pk, published_at=published_at)


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("input", "textarea"):
            self.inputs.append(dict(attrs))


def _inputs(html: str) -> list[dict[str, str | None]]:
    parser = _Inputs()
    parser.feed(html)
    return parser.inputs


@pytest.mark.parametrize(
    ("definition", "page", "section"),
    PAGES,
    ids=[f"{d.code}-p{p.number}" for d, p, _ in PAGES],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_bundled_page_offers_exactly_what_its_form_accepts(
    definition: Any, page: flow.Page, section: int, lang: str
) -> None:
    form_class = questionnaire_form_class(definition, lang=lang, section=section)
    fields = page_items.item_fields(form_class, _version())
    html = "".join(page_items.page_items(fields, shown=set(), values={}))
    form = form_class()
    expected: list[tuple[str | None, str | None, str | None]] = []
    for name, field in form.fields.items():
        bound = form[name]
        if isinstance(field.widget, forms.RadioSelect):
            choices: Any = getattr(field, "choices", ())
            expected += [
                (bound.html_name, str(value), f"{bound.auto_id}_{n}")
                for n, (value, _) in enumerate(choices)
            ]
        else:
            expected.append((bound.html_name, None, bound.auto_id))
    got = [(i.get("name"), i.get("value"), i.get("id")) for i in _inputs(html)]
    assert got == expected
    assert html.count(' class="mb-3 d-none"') == len(page.items)  # all hidden here


def test_the_saved_answer_is_checked_or_filled_in_and_branching_hides() -> None:
    definition = next(d for d in loader.load_bundled() if d.code == "withdrawal")
    form_class = questionnaire_form_class(definition, lang="en", section=None)
    fields = page_items.item_fields(form_class, _version())
    radio = next(f for f in fields.fields if f.choices)
    number = next(f for f in fields.fields if f.input_type == "number")
    time = next(f for f in fields.fields if f.input_type == "time")
    values = {radio.code: 1, number.code: 2.5, time.code: "23:30"}
    shown = {radio.code, number.code}
    html = dict(
        zip(
            [f.code for f in fields.fields],
            page_items.page_items(fields, shown=shown, values=values),
            strict=True,
        )
    )
    assert f'value="1" id="{radio.id}_1" checked' in html[radio.code]
    assert html[radio.code].count("checked") == 1
    assert 'value="2.5"' in html[number.code]
    assert 'value="23:30"' in html[time.code]
    assert f'<div id="div_{time.id}" class="mb-3 d-none">' in html[time.code]
    assert f'<div id="div_{radio.id}" class="mb-3">' in html[radio.code]


def test_bank_text_is_escaped_everywhere() -> None:
    hostile = page_items.ItemField(
        code="q",
        name="x-q",
        id="id_x-q",
        label=HOSTILE,
        help=HOSTILE,
        choices=(page_items.Choice(value="1", label=HOSTILE, id="id_x-q_0"),),
        multiline=False,
        input_type="text",
        attrs=(),
        widget=forms.RadioSelect(),
    )
    fields = page_items.PageFields(fields=(hostile,), key=None)
    [html] = page_items.page_items(fields, shown={"q"}, values={})
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 3


def test_a_refused_post_shows_what_was_posted_and_its_error() -> None:
    definition = next(d for d in loader.load_bundled() if d.code == "withdrawal")
    form_class = questionnaire_form_class(definition, lang="en", section=None)
    fields = page_items.item_fields(form_class, _version())
    number = next(f for f in fields.fields if f.input_type == "number")
    form = form_class({number.name: "<b>lots</b>"}, age=19)
    assert not form.is_valid()
    rendered = dict(
        zip(
            [f.code for f in fields.fields],
            page_items.page_items(fields, shown=set(), values={}, form=form),
            strict=True,
        )
    )[number.code]
    assert 'value="&lt;b&gt;lots&lt;/b&gt;"' in rendered
    assert f'id="{number.id}_error"' in rendered
    assert 'aria-invalid="true"' in rendered
    assert f'aria-describedby="{number.id}_helptext {number.id}_error"' in rendered


def test_published_questions_are_kept_drafts_and_typed_answers_are_not() -> None:
    definition = next(d for d in loader.load_bundled() if d.code == "withdrawal")
    form_class = questionnaire_form_class(definition, lang="en", section=None)
    html_cache = caches.registered()["published_item_html"]

    published = page_items.item_fields(form_class, _version())
    again = page_items.item_fields(form_class, _version())
    draft = page_items.item_fields(form_class, _version(published_at=None))
    assert again.fields is published.fields
    assert draft.key is None and draft.fields is not published.fields

    page_items.page_items(draft, shown=set(), values={})
    assert len(html_cache) == 0
    page_items.page_items(published, shown=set(), values={})
    assert len(html_cache) == len(published.fields)
    number = next(f for f in published.fields if f.input_type == "number")
    page_items.page_items(published, shown=set(), values={number.code: 3})
    assert len(html_cache) == len(published.fields)  # a typed answer: not kept


def test_text_entered_after_publication_shows_at_once() -> None:
    # A translation or licensed text entered later makes a new definition of the
    # same published version (selectors.part_state), so a new form class.
    definition = next(d for d in loader.load_bundled() if d.code == "phq9")
    first = definition.items[0]
    reworded = dataclasses.replace(
        definition,
        items=(
            dataclasses.replace(first, text={**first.text, "en": "New wording"}),
            *definition.items[1:],
        ),
    )
    before = page_items.item_fields(
        questionnaire_form_class(definition, lang="en", section=None), _version()
    )
    after = page_items.item_fields(
        questionnaire_form_class(reworded, lang="en", section=None), _version()
    )
    assert before.fields[0].label != "New wording"
    assert after.fields[0].label == "New wording"
