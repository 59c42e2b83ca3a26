"""The FHIR examples of docs/examples/ (docs/fhir-conformance.md), made from
questionnaires/reports/examples/positive.json with the export code itself.

    /work/main/.venv/bin/python -m tests.exports.fhir_examples   # rewrite the files

tests/exports/test_fhir_conformance.py checks that the files are what the code makes
now, and validates them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from questionnaires import scoring
from questionnaires.bank import latest_by_code, load_bundled
from questionnaires.exports import fhir

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
SOURCE = ROOT / "questionnaires" / "reports" / "examples" / "positive.json"
SELF = ("withdrawal", "hq25", "phq9", "gad7", "asq")
FAMILY = ("withdrawal_family",)
SUBJECT = {
    "identifier": {
        "system": f"{fhir.DEFAULT_BASE}/patient-code/demo-clinic",
        "value": "P-0001",
    }
}


def examples() -> dict[str, Any]:
    """File name -> resource."""
    definitions = latest_by_code(load_bundled())
    data = json.loads(SOURCE.read_text("utf-8"))
    answers, age = data["answers"], data["age"]
    result = scoring.score(
        {c: definitions[c] for c in answers}, answers, age=age
    ).as_json("en")
    parts = [
        fhir.PartAnswers(
            role=role,
            submitted_at=at,
            definitions=[definitions[c] for c in codes],
            answers={c: answers[c] for c in codes},
        )
        for role, at, codes in (
            ("self", "2026-01-15T09:30:00+00:00", SELF),
            ("informant", "2026-01-15T09:45:00+00:00", FAMILY),
        )
    ]
    bundle = fhir.screening_bundle(
        screening_id=1,
        parts=parts,
        result=result,
        timestamp="2026-01-15T10:00:00+00:00",
        subject=SUBJECT,
        base=fhir.DEFAULT_BASE,
    )
    responses = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{code}-example",
                "resource": fhir.questionnaire_response(
                    definitions[code],
                    answers[code],
                    resource_id=f"{code}-example",
                    authored="2026-02-01T11:00:00+09:00",
                    age=age,
                    source={"display": "Another FHIR form tool"},
                ),
            }
            for code in ("withdrawal", "phq9", "gad7", "asq")
        ],
    }
    return {
        "phq9-v1.questionnaire.fhir.json": fhir.questionnaire(
            definitions["phq9"], date="2026-01-01T00:00:00+00:00"
        ),
        "hq25-v1.questionnaire.fhir.json": fhir.questionnaire(
            definitions["hq25"], date="2026-01-01T00:00:00+00:00"
        ),
        "screening.bundle.fhir.json": bundle,
        "import.responses.fhir.json": responses,
    }


def render(resource: Any) -> str:
    return json.dumps(resource, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    for name, resource in examples().items():
        (EXAMPLES / name).write_text(render(resource), "utf-8")
        sys.stdout.write(f"{EXAMPLES / name}\n")
