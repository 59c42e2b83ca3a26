"""CSV rows and the data dictionary (questionnaires.exports.csv, .streams)."""

from __future__ import annotations

import csv
import dataclasses
import io
import random
import re
from datetime import date
from typing import Any

import pytest

from questionnaires.bank import latest_by_code, load_bundled
from questionnaires.exports import csv as export_csv
from questionnaires.exports import streams
from questionnaires.models import Answer, Screening
from questionnaires.scoring.definitions import FLAG_CODES, Item

BRIEF = ("withdrawal", "phq9", "gad7", "asq")


def brief_definitions() -> list[Any]:
    bundled = latest_by_code(load_bundled())
    return [bundled[code] for code in BRIEF]


def record(**changes: Any) -> export_csv.ScreeningRecord:
    base = export_csv.ScreeningRecord(
        screening_id=7,
        patient="A-001",
        age=19,
        sex="",
        started_on=date(2026, 1, 15),
        completed_on=None,
        protocols={"self": "self_report_brief"},
        versions={"phq9": 1},
        answers={"phq9": {"phq9_1": 2, "phq9_9": 0}},
        result={
            "engine_version": "1.0.0",
            "instruments": {
                "phq9": {
                    "total": 13,
                    "subscales": {},
                    "band": "moderate",
                    "complete": True,
                }
            },
            "criteria": {"duration": "meets", "impairment_or_distress": None},
            "disagreements": [
                {"criterion": "going_out", "self": "mild", "family": "severe"}
            ],
            "flags": [{"code": "depression", "severity": "high", "because": []}],
            "outcome": {"category": "at_risk", "missing": []},
        },
    )
    return dataclasses.replace(base, **changes)


def parse(lines: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(lines))))


def test_every_column_has_one_dictionary_row_in_the_same_order() -> None:
    columns = export_csv.columns_for(brief_definitions())
    dictionary = list(export_csv.dictionary_rows(columns))
    assert dictionary[0] == list(export_csv.DICTIONARY_HEADER)
    assert [row[0] for row in dictionary[1:]] == export_csv.header(columns)
    assert all(row[1] and row[2] for row in dictionary[1:])  # a type and a meaning


def test_columns_are_qualified_by_instrument_and_cover_scores_criteria_flags() -> None:
    names = export_csv.header(export_csv.columns_for(brief_definitions()))
    assert len(names) == len(set(names))
    for name in (
        "screening_id",
        "patient_code",
        "phq9.version",
        "phq9.phq9_1",
        "phq9.phq9_10",
        "phq9.total",
        "phq9.band",
        "phq9.complete",
        "withdrawal.months_withdrawn",
        "criterion.duration",
        "criteria.disagreements",
        "flag.suicide_risk",
        "outcome.category",
    ):
        assert name in names
    assert "withdrawal.total" not in names  # method none: no total column


def test_dictionary_gives_allowed_values_units_and_source() -> None:
    rows = {
        row[0]: dict(zip(export_csv.DICTIONARY_HEADER, row, strict=True))
        for row in export_csv.dictionary_rows(
            export_csv.columns_for(brief_definitions())
        )
    }
    assert rows["phq9.phq9_1"]["allowed_values"].startswith("0=Not at all; 1=")
    assert rows["phq9.phq9_1"]["source"] == "phq9 v1"
    assert rows["withdrawal.months_withdrawn"]["unit"] == "months"
    assert "moderate=" in rows["phq9.band"]["allowed_values"]
    assert rows["asq.band"]["allowed_values"].endswith("acute_positive=Acute positive")


def test_dictionary_cells_are_formula_escaped_like_data_cells() -> None:
    phq9 = latest_by_code(load_bundled())["phq9"]
    formula = '=HYPERLINK("https://evil.example","x")'
    hostile = dataclasses.replace(
        phq9,
        short_name=formula,
        items=tuple(
            dataclasses.replace(
                i,
                text={"en": formula},
                options=tuple(
                    dataclasses.replace(o, label={"en": "+cmd"}) for o in i.options
                ),
            )
            for i in phq9.items
        ),
    )
    rows = list(export_csv.dictionary_rows(export_csv.columns_for([hostile])))
    cells = [value for row in rows for value in row]
    assert not any(value.startswith(("=", "+", "-", "@")) for value in cells)
    assert any(value.startswith("'=HYPERLINK") for value in cells)


def test_item_text_is_left_out_of_the_dictionary_where_the_licence_forbids() -> None:
    hq25 = latest_by_code(load_bundled())["hq25"]
    licensed = dataclasses.replace(
        hq25,
        items=tuple(dataclasses.replace(i, text={"en": "SECRET"}) for i in hq25.items),
    )
    text = str(list(export_csv.dictionary_rows(export_csv.columns_for([licensed]))))
    assert "SECRET" not in text
    assert "not distributed under its licence" in text


def test_row_reads_answers_scores_criteria_flags_and_outcome() -> None:
    columns = export_csv.columns_for(brief_definitions())
    row = dict(
        zip(
            export_csv.header(columns),
            export_csv.row_for(record(), columns),
            strict=True,
        )
    )
    assert row["patient_code"] == "A-001"
    assert row["phq9.phq9_1"] == "2"
    assert row["phq9.phq9_2"] == ""
    assert row["phq9.total"] == "13"
    assert row["phq9.band"] == "moderate"
    assert row["phq9.complete"] == "true"
    assert row["gad7.complete"] == ""  # not part of this screening
    assert row["criterion.duration"] == "meets"
    assert row["criterion.impairment_or_distress"] == ""
    assert row["criteria.disagreements"] == "going_out"
    assert row["flag.depression"] == "high"
    assert row["flag.suicide_risk"] == ""
    assert row["outcome.category"] == "at_risk"
    assert row["started_on"] == "2026-01-15"


def test_research_columns_have_a_key_and_no_code_id_or_free_text() -> None:
    definition = brief_definitions()[1]
    with_text = dataclasses.replace(
        definition, items=(*definition.items, Item(code="notes", kind="free_text"))
    )
    identified = export_csv.header(export_csv.columns_for([with_text]))
    research = export_csv.header(export_csv.columns_for([with_text], research=True))
    assert {"screening_id", "patient_code", "phq9.notes"} <= set(identified)
    assert {"screening_id", "patient_code", "phq9.notes"}.isdisjoint(research)
    assert "patient_key" in research


def test_patient_keys_link_rows_within_one_export_only() -> None:
    first, second = export_csv.PatientKeys(), export_csv.PatientKeys()
    assert first(1) == first(1) != first(2)
    assert first(1) != second(1)
    many = {first(n) for n in range(10_000)}
    assert len(many) == 10_000  # one key per patient
    assert all(re.fullmatch(r"R-[0-9a-f]{12}", key) for key in many)


def test_versions_of_one_instrument_share_columns() -> None:
    v1 = brief_definitions()[1]
    v2 = dataclasses.replace(
        v1,
        version=2,
        items=(*v1.items, Item(code="phq9_extra", kind="integer", min=0, max=3)),
    )
    columns = {c.name: c for c in export_csv.columns_for([v1, v2])}
    assert columns["phq9.phq9_1"].source == "phq9 v1, v2"
    assert columns["phq9.phq9_extra"].source == "phq9 v2"
    assert columns["phq9.version"].allowed == "1, 2"


def test_an_item_named_like_a_score_column_is_refused() -> None:
    definition = brief_definitions()[1]
    clash = dataclasses.replace(
        definition,
        items=(*definition.items, Item(code="total", kind="integer", min=0, max=1)),
    )
    with pytest.raises(ValueError, match=r"phq9\.total"):
        export_csv.columns_for([clash])


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (2.0, "2"),
        (2.5, "2.5"),
        (-1, "-1"),
        (["a", "b"], "a;b"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("04:00", "04:00"),
    ],
)
def test_cells_are_plain_text_and_never_spreadsheet_formulas(
    value: Any, text: str
) -> None:
    assert export_csv.cell(value) == text


@pytest.mark.django_db
def test_exported_values_equal_the_stored_answers_and_result(
    submitted: Screening,
) -> None:
    screenings = Screening.objects.filter(pk=submitted.pk)
    export = streams.CsvExport.over(streams.versions_used(screenings), research=False)
    (row,) = parse(
        streams.csv_lines(streams.screening_rows(screenings, export, research=False))
    )
    answers = Answer.objects.filter(part__screening=submitted).select_related(
        "instrument_version__instrument"
    )
    assert answers.count() > 30
    for answer in answers:
        column = f"{answer.instrument_version.instrument.code}.{answer.item_code}"
        assert row[column] == export_csv.cell(answer.value), column
    result = submitted.result
    assert result is not None
    for code, scores in result["instruments"].items():
        assert row[f"{code}.complete"] == export_csv.cell(scores["complete"])
        if f"{code}.total" in row:
            assert row[f"{code}.total"] == export_csv.cell(scores["total"])
    assert row["outcome.category"] == result["outcome"]["category"]
    assert row["protocol.self"] == "self_report_brief"
    assert row["protocol.informant"] == "family"
    assert row["patient_code"] == "A-001"
    assert row["screening_id"] == str(submitted.pk)
    raised = {f["code"]: f["severity"] for f in result["flags"]}
    for name, value in row.items():
        if name.startswith("flag."):
            assert value == raised.get(name[5:], "")


# -- RowReader: the export's fast path gives row_for's cells -----------------------

_ODD_VALUES: list[Any] = [
    None,
    0,
    3,
    -1,
    2.0,
    2.5,
    True,
    False,
    "",
    "mild",
    "=cmd()",
    "-3",
    "@x",
    "\tx",
    "04:00",
    ["a", "b"],
    [],
    {"nested": 1},
]


def _random_record(rng: Any, definitions: list[Any]) -> export_csv.ScreeningRecord:
    """A record with any value anywhere, levels missing, None or empty at random."""

    def pick() -> Any:
        return rng.choice(_ODD_VALUES)

    def maybe(level: Any) -> Any:
        return rng.choice([level, level, level, None, {}])

    answers = {
        d.code: maybe({i.code: pick() for i in d.items if rng.random() < 0.8})
        for d in definitions
        if rng.random() < 0.8
    }
    instruments = {
        d.code: maybe(
            {
                "total": pick(),
                "band": pick(),
                "complete": pick(),
                "subscales": maybe({s.code: pick() for s in d.scoring.subscales}),
            }
        )
        for d in definitions
        if rng.random() < 0.8
    }
    flags = [
        {"code": rng.choice(FLAG_CODES), "severity": pick()}
        for _ in range(rng.randrange(4))  # a code twice: the first one counts
    ]
    result = {
        "engine_version": pick(),
        "instruments": maybe(instruments),
        "criteria": maybe({"duration": pick(), "going_out": pick()}),
        "disagreements": rng.choice([[], [{"criterion": "duration"}], None]),
        "flags": rng.choice([flags, flags, None]),
        "outcome": maybe({"category": pick(), "missing": pick()}),
    }
    return record(
        screening_id=rng.randrange(1, 10**6),
        patient=rng.choice(["A-001", "=A", "R-abc"]),
        age=rng.randrange(10, 30),
        sex=rng.choice(["", "female"]),
        completed_on=rng.choice([None, date(2026, 2, 1)]),
        protocols=rng.choice([{}, {"self": "self_report_brief", "informant": "-x"}]),
        versions={d.code: d.version for d in definitions if rng.random() < 0.7},
        answers=answers,
        result=rng.choice([result, result, result, None]),
    )


@pytest.mark.parametrize("research", [False, True])
def test_the_row_reader_gives_row_for_cells_for_every_bundled_instrument(
    research: bool,
) -> None:
    definitions = list(latest_by_code(load_bundled()).values())
    columns = export_csv.columns_for(definitions, research=research)
    reader = export_csv.RowReader(columns)
    rng = random.Random(20)  # noqa: S311 - test data, repeatable by seed
    for _ in range(300):
        item = _random_record(rng, definitions)
        assert reader(item) == export_csv.row_for(item, columns)
    assert list(export_csv.rows_for([record()], columns))[1] == export_csv.row_for(
        record(), columns
    )


@pytest.mark.django_db
def test_no_column_reads_the_result_keys_an_export_leaves_in_the_database(
    submitted: Screening,
) -> None:
    assert submitted.result is not None
    assert set(export_csv.RESULT_KEYS_UNREAD) <= set(submitted.result)
    screenings = Screening.objects.filter(pk=submitted.pk)
    export = streams.CsvExport.over(streams.versions_used(screenings), research=False)
    full = record(result=submitted.result)
    trimmed = record(
        result={
            key: value
            for key, value in submitted.result.items()
            if key not in export_csv.RESULT_KEYS_UNREAD
        }
    )
    assert export_csv.row_for(full, export.columns) == export_csv.row_for(
        trimmed, export.columns
    )
