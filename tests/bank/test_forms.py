"""questionnaires.forms: the questionnaire form built from a definition."""

from __future__ import annotations

from django import forms

from questionnaires.bank import loader
from questionnaires.forms.questionnaire import questionnaire_form_class
from tests.bank.factories import demo_document

DEMO = loader.parse(demo_document())


def test_one_field_per_item_by_kind() -> None:
    fields = questionnaire_form_class(DEMO).base_fields

    assert isinstance(fields["demo_1"].widget, forms.RadioSelect)
    assert isinstance(fields["demo_3"].widget, forms.RadioSelect)
    assert isinstance(fields["demo_4"], forms.DecimalField)
    assert str(fields["demo_4"].widget.attrs["step"]) == "0.1"
    assert str(fields["demo_4"].widget.attrs["max"]) == "24"
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
