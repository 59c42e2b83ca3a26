"""questionnaires.forms: the questionnaire form built from a definition."""

from __future__ import annotations

import pytest
from django import forms

from questionnaires.bank import latest_by_code, load_bundled, loader
from questionnaires.forms.questionnaire import (
    QuestionnaireForm,
    questionnaire_form_class,
)
from tests.bank.factories import demo_document

DEMO = loader.parse(demo_document())


def test_one_field_per_item_by_kind() -> None:
    fields = questionnaire_form_class(DEMO).base_fields

    assert isinstance(fields["demo_1"].widget, forms.RadioSelect)
    assert isinstance(fields["demo_3"].widget, forms.RadioSelect)
    assert isinstance(fields["demo_4"], forms.DecimalField)
    # A text box with a decimal keypad: a browser's number box refuses "2,5".
    assert fields["demo_4"].widget.input_type == "text"
    assert fields["demo_4"].widget.attrs["inputmode"] == "decimal"
    assert fields["demo_5"].widget.input_type == "time"
    assert isinstance(fields["demo_6"].widget, forms.Textarea)


def test_labels_fall_back_to_english() -> None:
    fields = questionnaire_form_class(DEMO, lang="ja").base_fields

    assert fields["demo_1"].label == "部屋にいる。"
    assert fields["demo_2"].label == "I avoid people."
    assert questionnaire_form_class(DEMO, lang="it").base_fields["demo_1"].label == (
        "I stay in my room."
    )


def test_the_form_class_is_built_once_per_definition_and_language() -> None:
    assert questionnaire_form_class(DEMO) is questionnaire_form_class(DEMO)
    assert questionnaire_form_class(DEMO) is not questionnaire_form_class(
        DEMO, lang="ja"
    )


def test_valid_answers_come_back_as_plain_values() -> None:
    form = questionnaire_form_class(DEMO)(
        {
            "demo-demo_1": "2",
            "demo-demo_2": "0",
            "demo-demo_3": "1",
            "demo-demo_4": "6.5",
            "demo-demo_5": "23:30",
        }
    )

    assert form.is_valid(), form.errors
    assert form.answers() == {
        "demo_1": 2,
        "demo_2": 0,
        "demo_3": 1,
        "demo_4": 6.5,
        "demo_5": "23:30",
    }


def test_every_invalid_value_gets_a_clear_message() -> None:
    form = questionnaire_form_class(DEMO)(
        {
            "demo-demo_1": "7",
            "demo-demo_2": "1",
            "demo-demo_4": "6.55",
            "demo-demo_5": "25:00",
        }
    )

    assert not form.is_valid()
    assert "Select a valid choice" in form.errors["demo_1"][0]
    assert "decimal place" in form.errors["demo_4"][0]
    assert "HH:MM" in form.errors["demo_5"][0]


def test_a_required_item_is_required_only_when_shown() -> None:
    hidden = questionnaire_form_class(DEMO)({"demo-demo_1": "0", "demo-demo_2": "0"})
    shown = questionnaire_form_class(DEMO)({"demo-demo_1": "1", "demo-demo_2": "0"})

    assert hidden.is_valid(), hidden.errors
    assert not shown.is_valid()
    assert list(shown.errors) == ["demo_3"]


def test_previews_do_not_require_answers() -> None:
    form = questionnaire_form_class(DEMO)({}, require_answers=False)

    assert form.is_valid()
    assert form.answers() == {}


def test_a_section_filter_keeps_only_that_sections_items() -> None:
    document = demo_document()
    document["items"][3]["section"] = {"en": "Habits"}
    definition = loader.parse(document)

    first = questionnaire_form_class(definition, section=0).base_fields
    second = questionnaire_form_class(definition, section=1).base_fields

    assert list(first) == ["demo_1", "demo_2", "demo_3"]
    assert list(second) == ["demo_4", "demo_5", "demo_6"]


def test_radio_groups_render_as_fieldsets_with_the_question_as_legend() -> None:
    from crispy_forms.utils import render_crispy_form

    html = render_crispy_form(questionnaire_form_class(DEMO)())

    legends = [part.split("</legend>")[0] for part in html.split("<legend")[1:]]
    assert "Daily life" in legends[0]
    assert "I stay in my room." in legends[1]
    assert "I avoid people." in legends[2]
    assert html.count("<fieldset") == len(legends)


def test_items_without_licensed_text_show_the_placeholder() -> None:
    document = demo_document(
        licence={"text_may_ship": False, "note": "", "attribution": ""}
    )
    for item in document["items"]:
        item["text"] = {}
    definition = loader.parse(document)

    label = questionnaire_form_class(definition).base_fields["demo_1"].label

    assert label == "[demo_1] Text to be entered under licence"


WITHDRAWAL = latest_by_code(load_bundled())["withdrawal"]


def _months(lang: str, typed: str) -> QuestionnaireForm:
    form_class = questionnaire_form_class(WITHDRAWAL, lang=lang)
    form = form_class({"withdrawal-months_withdrawn": typed}, require_answers=False)
    form.is_valid()
    return form


@pytest.mark.parametrize("typed", ["2,5", "2.5", " 2,5 "])
def test_an_italian_respondent_may_type_a_decimal_comma(typed: str) -> None:
    form = _months("it", typed)

    assert form.is_valid(), form.errors
    assert form.answers()["months_withdrawn"] == 2.5


def test_a_comma_on_an_english_page_is_not_guessed_at() -> None:
    # "2,5" in English could be a slip for 25: ask again rather than store 2.5.
    assert "months_withdrawn" in _months("en", "2,5").errors


@pytest.mark.parametrize(
    ("typed", "value"), [("２．５", 2.5), ("２.５", 2.5), ("１２", 12)]
)
def test_full_width_digits_typed_on_a_japanese_page_are_read(
    typed: str, value: float
) -> None:
    form = _months("ja", typed)

    assert form.is_valid(), form.errors
    assert form.answers()["months_withdrawn"] == value


def test_full_width_digits_are_read_in_a_whole_number_item() -> None:
    form_class = questionnaire_form_class(WITHDRAWAL, lang="ja")
    form = form_class({"withdrawal-days_out_per_week": "３"}, require_answers=False)

    assert form.is_valid(), form.errors
    assert form.answers()["days_out_per_week"] == 3


def test_a_saved_decimal_is_shown_with_a_comma_on_an_italian_page() -> None:
    italian = questionnaire_form_class(WITHDRAWAL, lang="it")(
        initial={"months_withdrawn": 2.5}
    )
    english = questionnaire_form_class(WITHDRAWAL, lang="en")(
        initial={"months_withdrawn": 2.5}
    )

    assert 'value="2,5"' in str(italian["months_withdrawn"])
    assert 'value="2.5"' in str(english["months_withdrawn"])
