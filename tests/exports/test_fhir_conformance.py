"""The examples of docs/fhir-conformance.md (docs/examples/*.fhir.json) are what the
code makes now, validate with the fhir.resources R4 models, and their responses pass
the QuestionnaireResponse-vs-Questionnaire rules; the import example is accepted."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from questionnaires.bank import load_bundled
from questionnaires.exports import fhir
from tests.exports import qr_rules
from tests.exports.fhir_examples import EXAMPLES, ROOT, examples, render

MADE = examples()
BY_VERSION = {(d.code, d.version): d for d in load_bundled()}


def _resources(resource: dict[str, Any]) -> list[dict[str, Any]]:
    inner = [e["resource"] for e in resource.get("entry", [])]
    return [resource, *inner]


@pytest.mark.parametrize("name", sorted(MADE))
def test_the_example_file_is_what_the_code_makes(name: str) -> None:
    assert (EXAMPLES / name).read_text("utf-8") == render(MADE[name]), (
        "regenerate: python -m tests.exports.fhir_examples"
    )


@pytest.mark.parametrize("name", sorted(MADE))
def test_the_example_validates_with_the_r4_models(name: str) -> None:
    resource = json.loads((EXAMPLES / name).read_text("utf-8"))
    for each in _resources(resource):
        get_fhir_model_class(each["resourceType"]).model_validate(each)
        if each["resourceType"] == "QuestionnaireResponse":
            url, version = each["questionnaire"].split("|")
            definition = BY_VERSION[(url.rsplit("/", 1)[-1], int(version))]
            assert qr_rules.problems(fhir.questionnaire(definition), each) == []


def test_the_import_example_is_accepted() -> None:
    resource = json.loads((EXAMPLES / "import.responses.fhir.json").read_text("utf-8"))
    read = fhir.read_responses(
        resource, lambda code, version: BY_VERSION.get((code, version)), age=19
    )
    assert [r.definition.code for r in read] == ["withdrawal", "phq9", "gad7", "asq"]


def test_the_conformance_page_names_every_example_and_extension() -> None:
    page = (ROOT / "docs" / "fhir-conformance.md").read_text("utf-8")
    for name in MADE:
        assert f"docs/examples/{name}" in page
    made = json.dumps(MADE)
    used = set(re.findall(r"StructureDefinition/([A-Za-z-]+)", made))
    for extension in used:
        assert f"`{extension}`" in page, extension
