"""The PDFs themselves, read back with poppler's pdftotext and pdfinfo."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import zlib
from functools import cache
from pathlib import Path

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import CommandError, call_command

from questionnaires.reports import pdf, texts
from questionnaires.reports.context import format_number, report_context
from questionnaires.reports.crisis import crisis_contacts
from questionnaires.scoring import wording
from tests.reports.conftest import AUDIENCES, CASES, EXAMPLES, LANGS, example


@cache
def rendered(case: str, audience: str, lang: str) -> bytes:
    return pdf.render_report(example(case, lang), audience=audience, lang=lang)


def poppler(tool: str, content: bytes, *args: str) -> str:
    """Run a poppler-utils tool on ``content`` and return what it prints."""
    path = shutil.which(tool)
    assert path, f"{tool} (poppler-utils) is not installed"
    return subprocess.run(
        [path, *args, "-", "-"] if tool == "pdftotext" else [path, *args, "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


@cache
def text(case: str, audience: str, lang: str) -> str:
    """The PDF's text with line breaks undone (no spaces at all for Japanese)."""
    raw = poppler("pdftotext", rendered(case, audience, lang), "-enc", "UTF-8")
    joiner = "" if lang == "ja" else " "
    return re.sub(r"\s+", joiner, raw).strip()


def squash(value: str, lang: str) -> str:
    return re.sub(r"\s+", "" if lang == "ja" else " ", value)


def info(content: bytes) -> dict[str, str]:
    lines = poppler("pdfinfo", content).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def objects(content: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated."""
    inflated = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.S):
        with contextlib.suppress(zlib.error):
            inflated.append(zlib.decompress(match.group(1)))
    return b"\n".join(inflated)


ALL = [(c, a, lang) for c in CASES for a in AUDIENCES for lang in LANGS]


@pytest.mark.parametrize(("case", "audience", "lang"), ALL)
def test_pdf_has_no_forbidden_wording_and_says_it_is_not_a_diagnosis(
    case, audience, lang
):
    content = text(case, audience, lang)
    assert wording.find_forbidden(content) == []
    assert squash(wording.phrase("not_a_diagnosis", lang), lang) in content


@pytest.mark.parametrize(("case", "lang"), [(c, lang) for c in CASES for lang in LANGS])
def test_clinician_report_has_every_section(case, lang):
    content = text(case, "clinician", lang)
    for key in (
        "title.clinician",
        "patient_code",
        "respondents",
        "engine",
        "h.outcome",
        "next_step",
        "h.flags",
        "h.criteria",
        "h.scores",
        "h.compare",
        "h.how_to_read",
        "h.instruments",
    ):
        assert squash(texts.text(key, lang), lang) in content, key
    assert f"T-{case.upper()}" in content
    category = example(case).snapshot["outcome"]["category"]
    assert squash(texts.text(f"category.{category}", lang), lang) in content


@pytest.mark.parametrize(("case", "lang"), [(c, lang) for c in CASES for lang in LANGS])
def test_family_summary_has_every_section(case, lang):
    content = text(case, "family", lang)
    ctx = report_context(example(case, lang), audience="family", lang=lang)
    keys = ["title.family", "fam.h.told"]
    if ctx["answered"]:
        keys.append("fam.h.meaning")
    if not ctx["has_urgent"]:
        keys.append("fam.h.danger")  # the crisis box replaces it when urgent
    for key in keys:
        assert squash(texts.text(key, lang), lang) in content, key
    for heading in (ctx["why_heading"], ctx["how_heading"]):
        assert squash(heading, lang) in content
    if ctx["outcome"]["category"] == "screen_negative" and not ctx["has_urgent"]:
        assert squash(texts.text("fam.h.why", lang), lang) not in content
    phones = [c["phone"] for c in crisis_contacts(lang)]
    assert all(squash(phone, lang) in content for phone in phones)


@pytest.mark.parametrize(("case", "audience", "lang"), ALL)
def test_urgent_box_is_in_the_pdf_exactly_when_the_flag_is(case, audience, lang):
    data = example(case)
    own = data.snapshot if audience == "clinician" else data.own.get(audience, {})
    flags = own.get("flags", [])
    urgent = any(f["severity"] == "urgent" for f in flags)
    key = {
        "clinician": "urgent.title",
        "family": "fam.urgent.title"
        if any(f["code"] == "suicide_risk" for f in flags)
        else "fam.safety.title",
        "self": "self.urgent.title",
    }[audience]
    heading = squash(texts.text(key, lang), lang)
    content = text(case, audience, lang)
    assert (heading in content) is urgent
    if urgent:
        # First on page 1: nothing but the box's heading comes before it.
        assert content.startswith(heading)


@pytest.mark.parametrize("lang", LANGS)
def test_every_urgent_flag_is_named_in_the_box_before_the_report_begins(lang):
    content = text("urgent", "clinician", lang)
    urgent = [
        f["code"]
        for f in example("urgent").snapshot["flags"]
        if f["severity"] == "urgent"
    ]
    assert urgent
    start = content.index(squash(texts.text("title.clinician", lang), lang))
    for code in urgent:
        label = squash(texts.text(f"flag.{code}", lang), lang)
        assert content.index(label) < start, code


@pytest.mark.parametrize("case", CASES)
def test_numbers_in_the_pdf_equal_the_scoring_result(case):
    content = text(case, "clinician", "en")
    data = example(case)
    for code, result in data.snapshot["instruments"].items():
        meta = data.instruments[code]
        if result["total"] is not None and meta["range"] is not None:
            maximum = int(meta["range"][1])
            assert f"{meta['short_name']} v1" in content
            assert f"{result['total']} of {maximum}" in content, code


@pytest.mark.parametrize(("case", "lang"), [(c, lang) for c in CASES for lang in LANGS])
def test_scores_and_cutoffs_in_every_language_equal_the_scoring_result(case, lang):
    content = text(case, "clinician", lang)
    data = example(case, lang)
    shown = 0
    for code, result in data.snapshot["instruments"].items():
        meta = data.instruments[code]
        if meta["range"] is None:
            continue
        if result["total"] is not None:
            score = texts.text(
                "score_of",
                lang,
                total=format_number(result["total"]),
                max=format_number(meta["range"][1]),
            )
            assert squash(score, lang) in content, (code, score)
            shown += 1
        for cutoff in meta["cutoffs"]:
            label = texts.text("cutoff", lang, value=format_number(cutoff))
            assert squash(label, lang) in content, (code, label)
    assert shown, "the example scored no instrument with a total"


@pytest.mark.parametrize(("case", "lang"), [(c, lang) for c in CASES for lang in LANGS])
def test_family_pdf_tells_the_answers_the_summary_was_built_from(case, lang):
    content = text(case, "family", lang)
    ctx = report_context(example(case, lang), audience="family", lang=lang)
    for line in ctx["told"]:
        assert squash(line["label"], lang) in content
        assert squash(line["value"], lang) in content, line


def test_criteria_evidence_answers_are_in_the_pdf():
    content = text("positive", "clinician", "en")
    assert "Withdrawal (self): months_withdrawn = 14" in content
    assert "Withdrawal (family): rarely_leaves_room = 1" in content


@pytest.mark.parametrize(
    ("audience", "lang"), [(a, lang) for a in AUDIENCES for lang in LANGS]
)
def test_pdf_is_tagged_with_title_and_language(audience, lang):
    content = rendered("urgent", audience, lang)
    details = info(content)
    assert details["Tagged"] == "yes"
    assert details["Title"].startswith(texts.text(f"title.{audience}", lang))
    assert re.search(rb"/Lang\s*\(" + lang.encode() + rb"\)", objects(content))
    assert b"pdfuaid" in objects(content)  # PDF/UA identification (XMP metadata)


@pytest.mark.parametrize(("case", "lang"), [(c, lang) for c in CASES for lang in LANGS])
def test_page_counts(case, lang):
    # Page 1 at a glance, then criteria, scores, item-level answers and references.
    assert 2 <= int(info(rendered(case, "clinician", lang))["Pages"]) <= 6
    assert 1 <= int(info(rendered(case, "family", lang))["Pages"]) <= 2
    assert 1 <= int(info(rendered(case, "self", lang))["Pages"]) <= 2


def embedded_fonts(content: bytes) -> set[str]:
    """The names of the PDF's embedded fonts, subset tags removed (pdffonts)."""
    rows = poppler("pdffonts", content).splitlines()[2:]
    return {row.split()[0].partition("+")[2] for row in rows}


def text_runs(content: bytes, tmp_path: Path) -> list[tuple[bool, str]]:
    """Each line of text as (set in a bold font?, text), from poppler's pdftohtml."""
    path = shutil.which("pdftohtml")
    assert path, "pdftohtml (poppler-utils) is not installed"
    source = tmp_path / "report.pdf"
    source.write_bytes(content)
    xml = subprocess.run(
        [path, "-xml", "-stdout", "-i", "-q", str(source)],
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [
        (inner.startswith("<b>"), re.sub(r"<[^>]+>", "", inner))
        for inner in re.findall(r"<text [^>]*>(.*?)</text>", xml)
    ]


JA = [(c, a) for c in CASES for a in AUDIENCES]


@pytest.mark.parametrize(("case", "audience"), JA)
def test_japanese_pdf_is_under_300_kb_with_the_report_fonts_only(case, audience):
    content = rendered(case, audience, "ja")
    assert len(content) < 300 * 1024
    # Every Japanese character came from the committed subsets (static/fonts/): the
    # system Noto Sans CJK JP, ~165 KB a weight, was never needed.
    japanese = {f for f in embedded_fonts(content) if "JP" in f or "CJK" in f}
    assert japanese == {"HikiScreen-Sans-JP", "HikiScreen-Sans-JP-Bold"}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_japanese_emphasis_is_set_in_the_bold_weight(audience, tmp_path):
    runs = text_runs(rendered("positive", audience, "ja"), tmp_path)
    bold = "".join(run for is_bold, run in runs if is_bold)
    regular = "".join(run for is_bold, run in runs if not is_bold)
    # The title (h1) is bold; the running footer is not.
    assert texts.text(f"title.{audience}", "ja") in bold
    footer = texts.text("footer", "ja", org="Test Clinic", code="T-POSITIVE")
    assert footer in regular
    assert footer not in bold
    assert len(bold) > 40  # headings, labels and values, not the title alone


def test_japanese_text_beyond_the_report_fonts_comes_from_the_system_font():
    # 鷗 is in no report text, so the subsets lack it: it is drawn (no empty box)
    # from Debian's Noto Sans CJK JP, in the weight asked for.
    body = "<p>鷗外</p><p><strong>森鷗外</strong></p>"
    content = pdf.html_to_pdf(f'<html lang="ja"><body>{body}</body></html>')
    assert {
        "HikiScreen-Sans-JP",
        "HikiScreen-Sans-JP-Bold",
        "Noto-Sans-CJK-JP",
        "Noto-Sans-CJK-JP-Bold",
    } <= embedded_fonts(content)
    words = poppler("pdftotext", content, "-enc", "UTF-8").split()
    assert words[:2] == ["鷗外", "森鷗外"]


def test_missing_font_is_a_clear_error_before_rendering(monkeypatch):
    monkeypatch.setattr(pdf, "_installed_families", lambda: frozenset({"Noto Sans"}))
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: pytest.fail("rendered"))
    with pytest.raises(pdf.MissingFontError, match="fonts-noto-cjk"):
        pdf.render_report(example("positive", "ja"), audience="family", lang="ja")


def test_fetcher_serves_static_files_from_disk_and_refuses_everything_else():
    fetcher = pdf.StaticFilesFetcher()
    response = fetcher.fetch(pdf.BASE_URL + "static/css/report.css")
    assert b"@page" in response.read()
    for url in (
        "https://example.org/static/css/report.css",
        "file:///etc/passwd",
        "data:text/plain,hello",
        pdf.BASE_URL + "static/../../settings.py",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_report_asking_for_a_remote_file_fails_with_an_ordinary_error():
    # WeasyPrint's own error is a BaseException, past Django's error handling.
    html = '<html><body><img src="https://example.org/x.png"></body></html>'
    with pytest.raises(Exception) as caught:  # noqa: PT011 (its class is the point)
        pdf.html_to_pdf(html)
    assert isinstance(caught.value, pdf.ReportResourceError)
    assert "example.org" in str(caught.value)


def test_unchanged_report_is_served_from_the_cache(monkeypatch):
    store = LocMemCache("reports-test", {})
    data = example("negative")
    first = pdf.render_report_cached(data, audience="family", lang="en", cache=store)
    monkeypatch.setattr(pdf, "render_report", lambda *a, **k: pytest.fail("again"))
    again = pdf.render_report_cached(data, audience="family", lang="en", cache=store)
    assert again == first
    assert pdf.cache_key(data, audience="family", lang="en") != pdf.cache_key(
        data, audience="family", lang="it"
    )


def test_render_report_command_writes_the_pdf(tmp_path: Path):
    out = tmp_path / "report.pdf"
    call_command(
        "render_report",
        str(EXAMPLES / "urgent.json"),
        audience="clinician",
        lang="it",
        out=str(out),
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert info(out.read_bytes())["Title"].startswith("Riepilogo dello screening")


def test_render_report_command_speaks_japanese_from_the_catalogues(tmp_path: Path):
    out = tmp_path / "report.pdf"
    call_command(
        "render_report",
        str(EXAMPLES / "positive.json"),
        audience="clinician",
        lang="ja",
        out=str(out),
    )
    raw = poppler("pdftotext", out.read_bytes(), "-enc", "UTF-8")
    content = re.sub(r"\s+", "", raw)
    outcome = example("positive").snapshot["outcome"]["category"]
    recommendation = wording.recommendation(outcome, "ja")
    assert recommendation != wording.recommendation(outcome, "en")
    assert squash(recommendation, "ja")[:30] in content
    assert "こころとからだの質問票（PHQ-9）" in content


def test_render_report_command_refuses_bad_input_with_the_engines_message(
    tmp_path: Path,
):
    bad = tmp_path / "bad.json"
    bad.write_text('{"age": 7, "answers": {"phq9": {"phq9_1": 9}}}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"age.*phq9_1"):
        call_command(
            "render_report", str(bad), audience="family", out=str(tmp_path / "x.pdf")
        )
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_carries_its_label_as_alternative_text(lang):
    content = rendered("urgent", "clinician", lang)
    ctx = report_context(example("urgent", lang), audience="clinician", lang=lang)
    inflated = objects(content)
    alts = re.findall(rb"/Alt\s*\(", inflated) + re.findall(rb"/Alt\s*<", inflated)
    assert len(alts) >= len(ctx["scores"])
    assert all(score["chart_label"] for score in ctx["scores"])
    assert ctx["scores"][0]["short_name"] in ctx["scores"][0]["chart_label"]
    if lang == "en":  # Latin-1 text is stored as is; check the words themselves
        for score in ctx["scores"]:
            assert b"/Alt (" + score["chart_label"].encode() in inflated


@pytest.mark.parametrize("lang", LANGS)
def test_clinician_pdf_names_the_instruments_in_its_language(lang):
    name = {
        "en": "Patient Health Questionnaire-9 (PHQ-9)",
        "ja": "こころとからだの質問票（PHQ-9）",
        "it": "Questionario sulla salute del paziente, 9 item (PHQ-9)",
    }[lang]
    assert squash(name, lang) in text("positive", "clinician", lang)
