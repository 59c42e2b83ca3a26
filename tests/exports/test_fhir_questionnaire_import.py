"""A Questionnaire from elsewhere is untrusted: wrong JSON types anywhere, too many
items or options, are listed with their path, never a crash, and change nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from questionnaires.bank import latest_by_code, load_bundled
from questionnaires.exports import fhir
from questionnaires.exports.fhir import importing
from questionnaires.forms.exports import FHIR_UPLOAD_MAX_BYTES, QuestionnaireImportForm
from questionnaires.models import AuditEvent, InstrumentVersion
from questionnaires.services.bank import BankError
from questionnaires.services.exports import questionnaire_import

PHQ9 = fhir.questionnaire(latest_by_code(load_bundled())["phq9"])


def _elsewhere() -> dict[str, Any]:
    """A small Questionnaire as another tool writes it."""
    return {
        "resourceType": "Questionnaire",
        "name": "Mood",
        "status": "active",
        "item": [
            {
                "linkId": "q1",
                "type": "choice",
                "text": "Low mood",
                "answerOption": [
                    {"valueCoding": {"code": "a", "display": "No"}},
                    {"valueCoding": {"code": "b", "display": "Yes"}},
                ],
            },
            {
                "linkId": "q2",
                "type": "integer",
                "text": "Days",
                "enableWhen": [
                    {"question": "q1", "operator": "=", "answerCoding": {"code": "b"}}
                ],
            },
        ],
    }


def _set(path: list[Any], value: Any) -> dict[str, Any]:
    resource = _elsewhere()
    target: Any = resource
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return resource


HOSTILE = {
    "items_not_a_list": (_set(["item"], {"linkId": "q1"}), ["item: must be a list"]),
    "item_not_an_object": (_set(["item", 0], "q1"), ["item[0]: must be an object"]),
    "link_id_a_number": (_set(["item", 0, "linkId"], 7), ["item[0]: linkId"]),
    "type_a_list": (_set(["item", 0, "type"], ["choice"]), ["item[0] (linkId q1)"]),
    "options_not_a_list": (
        _set(["item", 0, "answerOption"], {"valueCoding": {}}),
        ["item[0] (linkId q1).answerOption: must be a list"],
    ),
    "option_not_an_object": (
        _set(["item", 0, "answerOption", 0], "a"),
        ["item[0] (linkId q1).answerOption[0]"],
    ),
    "coding_code_a_number": (
        _set(["item", 0, "answerOption", 1, "valueCoding", "code"], 1),
        ["item[0] (linkId q1).answerOption[1].valueCoding.code"],
    ),
    "ordinal_a_string": (
        _set(
            ["item", 0, "answerOption", 0, "extension"],
            [{"url": fhir.ORDINAL_VALUE, "valueDecimal": "lots"}],
        ),
        ["item[0] (linkId q1).answerOption[0]: ordinalValue"],
    ),
    "enable_when_not_a_list": (
        _set(["item", 1, "enableWhen"], {"question": "q1"}),
        ["item[1] (linkId q2).enableWhen"],
    ),
    "enable_when_entry_a_string": (
        _set(["item", 1, "enableWhen", 0], "q1 = b"),
        ["item[1] (linkId q2).enableWhen[0]"],
    ),
    "enable_when_coding_a_string": (
        _set(["item", 1, "enableWhen", 0, "answerCoding"], "b"),
        ["item[1] (linkId q2).enableWhen[0].answerCoding.code"],
    ),
    "enable_when_unknown_operator": (
        _set(["item", 1, "enableWhen", 0, "operator"], "~"),
        ["item[1] (linkId q2).enableWhen[0].operator"],
    ),
    "extensions_of_the_wrong_shape": (
        _set(
            ["item", 1, "extension"],
            [{"url": importing.MIN_VALUE, "valueInteger": "0"}],
        ),
        ["item[1] (linkId q2).extension"],
    ),
    "nested_groups_too_deep": (
        _set(
            ["item"],
            [
                {
                    "linkId": "g1",
                    "type": "group",
                    "item": [
                        {
                            "linkId": "g2",
                            "type": "group",
                            "item": [
                                {
                                    "linkId": "g3",
                                    "type": "group",
                                    "item": [
                                        {
                                            "linkId": "g4",
                                            "type": "group",
                                            "item": [
                                                {
                                                    "linkId": "g5",
                                                    "type": "group",
                                                    "item": [],
                                                }
                                            ],
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                }
            ],
        ),
        ["groups nested deeper"],
    ),
    "duplicate_link_ids": (
        _set(["item", 1, "linkId"], "q1"),
        ["linkId q1): linkId used more than once"],
    ),
    "too_many_options": (
        _set(
            ["item", 0, "answerOption"],
            [
                {"valueCoding": {"code": f"c{n}"}}
                for n in range(importing.MAX_OPTIONS + 1)
            ],
        ),
        [f"at most {importing.MAX_OPTIONS}"],
    ),
    "too_many_items": (
        _set(
            ["item"],
            [
                {"linkId": f"q{n}", "type": "integer"}
                for n in range(importing.MAX_ITEMS + 1)
            ],
        ),
        [f"at most {importing.MAX_ITEMS}"],
    ),
}


def test_the_well_formed_one_imports() -> None:
    document = fhir.questionnaire_to_document(_elsewhere()).document
    assert [i["code"] for i in document["items"]] == ["q1", "q2"]
    assert document["items"][1]["show_if"] == {"ref": "item:q1", "op": "eq", "value": 1}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_questionnaire_lists_every_problem_with_its_path(case: str) -> None:
    resource, expected = HOSTILE[case]
    with pytest.raises(fhir.UnmappableQuestionnaire) as caught:
        fhir.questionnaire_to_document(copy.deepcopy(resource))
    text = "\n".join(caught.value.problems)
    for part in expected:
        assert part in text


def test_several_problems_are_listed_together() -> None:
    resource = _elsewhere()
    resource["item"][0]["answerOption"][0] = "a"
    resource["item"][1]["enableWhen"][0]["operator"] = "~"
    with pytest.raises(fhir.UnmappableQuestionnaire) as caught:
        fhir.questionnaire_to_document(resource)
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize(
    "resource",
    [None, [], "Questionnaire", 3, {"resourceType": ["Questionnaire"]}],
    ids=["null", "list", "string", "number", "type_a_list"],
)
def test_something_else_than_an_object_is_refused(resource: Any) -> None:
    with pytest.raises(fhir.UnmappableQuestionnaire, match="resourceType"):
        fhir.questionnaire_to_document(resource)


def test_placeholders_never_come_back_as_text() -> None:
    hq25 = latest_by_code(load_bundled())["hq25"]
    document = fhir.questionnaire_to_document(fhir.questionnaire(hq25)).document
    assert all(not item["text"] for item in document["items"])
    assert all(not o["label"] for o in document["items"][0]["options"])


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["coding_code_a_number", "too_many_items"])
def test_a_hostile_import_changes_nothing(case: str, admin_user: User) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(BankError):
        questionnaire_import(resource=copy.deepcopy(HOSTILE[case][0]), by=admin_user)
    assert not InstrumentVersion.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read() -> None:
    big = SimpleUploadedFile("q.json", b" " * (FHIR_UPLOAD_MAX_BYTES + 1))
    form = QuestionnaireImportForm(data={}, files=MultiValueDict({"file": [big]}))
    assert not form.is_valid()
    assert "larger" in str(form.errors["file"])
