"""Standard codes HikiScreen adds beside its own: LOINC and ObservationInterpretation.

LOINC codes were checked against LOINC's own pages (loinc.org: PHQ-SADS panel
69729-2, answer lists LL358-3 and LL359-1, term 44261-6) and HL7's US Core PHQ-9
example. Only codes that could be checked are listed; the GAD-7 panel code is left
out for that reason (docs/fhir-conformance.md).
"""

from __future__ import annotations

#: LOINC code of a Questionnaire (the instrument's panel), by instrument code.
PANELS = {"phq9": ("44249-1", "PHQ-9 quick depression assessment panel")}

#: LOINC code of a total score, by instrument code.
TOTALS = {
    "phq9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    "gad7": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
}

#: LOINC code of an item, by (instrument code, item code).
ITEMS = {
    ("phq9", "phq9_1"): "44250-9",
    ("phq9", "phq9_2"): "44255-8",
    ("phq9", "phq9_3"): "44259-0",
    ("phq9", "phq9_4"): "44254-1",
    ("phq9", "phq9_5"): "44251-7",
    ("phq9", "phq9_6"): "44258-2",
    ("phq9", "phq9_7"): "44252-5",
    ("phq9", "phq9_8"): "44253-3",
    ("phq9", "phq9_9"): "44260-8",
    ("phq9", "phq9_10"): "69722-7",
    ("gad7", "gad7_1"): "69725-0",
    ("gad7", "gad7_2"): "68509-9",
    ("gad7", "gad7_3"): "69733-4",
    ("gad7", "gad7_4"): "69734-2",
    ("gad7", "gad7_5"): "69735-9",
    ("gad7", "gad7_6"): "69689-8",
    ("gad7", "gad7_7"): "69736-7",
}

#: R4 ObservationInterpretation (v3) code of a band, where one fits: a screening
#: cut-off is POS/NEG, a severity scale's lowest band N and every other band A.
INTERPRETATIONS = {
    "below_cutoff": ("NEG", "Negative"),
    "above_cutoff": ("POS", "Positive"),
    "negative": ("NEG", "Negative"),
    "positive": ("POS", "Positive"),
    "minimal": ("N", "Normal"),
    "mild": ("A", "Abnormal"),
    "moderate": ("A", "Abnormal"),
    "moderately_severe": ("A", "Abnormal"),
    "severe": ("A", "Abnormal"),
    "not_isolated": ("N", "Normal"),
    "isolated": ("A", "Abnormal"),
    "not_lonely": ("N", "Normal"),
    "lonely": ("A", "Abnormal"),
}
