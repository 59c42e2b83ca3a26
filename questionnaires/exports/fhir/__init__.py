"""FHIR R4 (4.0.1) resources from instrument definitions, answers and result snapshots,
and back (docs/fhir-conformance.md). Pure: nothing here touches the database.

- ``questionnaire``: an instrument version as a Questionnaire;
- ``response``: a part's answers to one instrument as a QuestionnaireResponse;
- ``observations``: scores, outcome and flags as Observations;
- ``bundle``: a screening as a collection Bundle;
- ``importing``: a Questionnaire read back as an instrument document;
- ``responses_in``: a QuestionnaireResponse (or a Bundle of them) read as answers.
- Scoring rules (totals, bands, flag rules) have no standard Questionnaire element and
  are not exported: an imported Questionnaire becomes a draft without scoring.
"""

from __future__ import annotations

from questionnaires.exports.fhir.bundle import screening_bundle
from questionnaires.exports.fhir.common import (
    DEFAULT_BASE,
    FHIR_VERSION,
    ORDINAL_VALUE,
    TranslationUsed,
    ext,
    option_system,
    questionnaire_url,
    resource_id,
)
from questionnaires.exports.fhir.importing import (
    QuestionnaireImport,
    UnmappableQuestionnaire,
    questionnaire_to_definition,
    questionnaire_to_document,
    resolve_option_codes,
)
from questionnaires.exports.fhir.observations import (
    Context,
    result_observations,
    score_observations,
)
from questionnaires.exports.fhir.questionnaire import (
    canonical,
    coding,
    enable_when,
    questionnaire,
)
from questionnaires.exports.fhir.response import (
    PartAnswers,
    UnexportableAnswer,
    questionnaire_response,
)
from questionnaires.exports.fhir.responses_in import (
    ImportedResponse,
    ResponseProblems,
    read_responses,
)

__all__ = [
    "DEFAULT_BASE",
    "FHIR_VERSION",
    "ORDINAL_VALUE",
    "Context",
    "ImportedResponse",
    "PartAnswers",
    "TranslationUsed",
    "QuestionnaireImport",
    "ResponseProblems",
    "UnexportableAnswer",
    "UnmappableQuestionnaire",
    "canonical",
    "coding",
    "enable_when",
    "ext",
    "option_system",
    "questionnaire",
    "questionnaire_response",
    "questionnaire_to_definition",
    "questionnaire_to_document",
    "questionnaire_url",
    "read_responses",
    "resolve_option_codes",
    "resource_id",
    "result_observations",
    "score_observations",
    "screening_bundle",
]
