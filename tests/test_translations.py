"""The Japanese and Italian catalogues are complete; every template string is in them.

A catalogue entry that is empty or fuzzy shows English to a Japanese or Italian reader;
a template string outside ``{% translate %}``/``{% blocktranslate %}`` never reaches a
translator at all. The register and glossary these tests hold to: docs/translation.md.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ("ja", "it")
PLURAL_FORMS = {"ja": 1, "it": 2}

# Text a template may show untranslated: the product's name and each language's own
# name in the language menu (a language is always named in itself).
UNTRANSLATED_ALLOWED = frozenset({"HikiScreen", "English", "日本語", "Italiano"})
# The bank's version notation, "phq9 v2" (as str(InstrumentVersion) prints it).
VERSION_NOTATION = r"\bv(?=\d)"
# Attributes a person reads (tooltips, screen readers, empty fields, images).
READ_ATTRIBUTES = frozenset(
    {"title", "alt", "placeholder", "aria-label", "aria-description"}
)
LETTER = re.compile(r"[^\W\d_]")
# Templates that issue 16 converts with the report catalogue (PDFs).
NOT_YET_SCANNED: tuple[str, ...] = ()


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    plural: bool = False

    @property
    def name(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else self.msgid


def read_catalogue(path: Path) -> list[Entry]:
    """The live entries of a .po file (header and obsolete entries left out)."""
    entries: list[Entry] = []
    current = Entry()
    last: str | None = None

    def close() -> None:
        nonlocal current
        if current.msgid:
            entries.append(current)
        current = Entry()

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            close()
            last = None
        elif line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if last == "msgid":
                current.msgid += text
            elif last == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + text
            elif last == "msgstr":
                current.msgstr[-1] += text
        else:
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            if keyword == "msgctxt":
                current.msgctxt, last = text, "msgctxt"
            elif keyword == "msgid":
                current.msgid, last = text, "msgid"
            elif keyword == "msgid_plural":
                current.plural, last = True, None
            elif keyword.startswith("msgstr"):
                current.msgstr.append(text)
                last = "msgstr"
    return entries


def catalogue(lang: str) -> list[Entry]:
    return read_catalogue(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po")


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and LETTER.search(value):
                self.found.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and LETTER.search(data):
            self.found.append(data.strip())


def untranslated_text(source: str) -> list[str]:
    """Words a template shows that no translation tag wraps (without rendering it).

    Text inside ``{% blocktranslate %}`` and ``{% comment %}`` is dropped, template
    tags vanish and variables become a digit (data, not wording), then what is left
    is read as HTML: its text nodes and the attributes a person reads.
    """
    kept: list[str] = []
    inside = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            kept.append("" if inside else token.contents)
        elif token.token_type == TokenType.VAR:
            kept.append("" if inside else "0")
        elif token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            kept.append("\n")
            if name in ("blocktranslate", "blocktrans", "comment"):
                inside += 1
            elif name in ("endblocktranslate", "endblocktrans", "endcomment"):
                inside -= 1
    finder = _TextFinder()
    finder.feed("".join(kept))
    words = [re.escape(word) for word in UNTRANSLATED_ALLOWED]
    allowed = re.compile("|".join([*words, VERSION_NOTATION]))
    return [text for text in finder.found if LETTER.search(allowed.sub("", text))]


def templates() -> list[Path]:
    paths = sorted(
        p
        for pattern in ("*.html", "*.txt")
        for p in (ROOT / "templates").rglob(pattern)
    )
    return [
        p for p in paths if not str(p.relative_to(ROOT)).startswith(NOT_YET_SCANNED)
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(lang: str) -> None:
    entries = catalogue(lang)
    assert len(entries) > 500
    empty = [e.name for e in entries if not all(s.strip() for s in e.msgstr)]
    fuzzy = [e.name for e in entries if "fuzzy" in e.flags]
    assert empty == [], f"{lang}: {len(empty)} empty: {empty[:5]}"
    assert fuzzy == [], f"{lang}: {len(fuzzy)} fuzzy: {fuzzy[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_messages_have_every_form_of_the_language(lang: str) -> None:
    plurals = [e for e in catalogue(lang) if e.plural]
    assert plurals
    wrong = [e.name for e in plurals if len(e.msgstr) != PLURAL_FORMS[lang]]
    assert wrong == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_python_format_placeholders_survive_translation(lang: str) -> None:
    placeholder = re.compile(r"%\(\w+\)s")
    wrong = [
        e.name
        for e in catalogue(lang)
        for text in e.msgstr
        if set(placeholder.findall(text)) != set(placeholder.findall(e.msgid))
        and "%(" in e.msgid
    ]
    assert wrong == []


def test_japanese_uses_one_term_per_concept() -> None:
    text = "\n".join(s for e in catalogue("ja") for s in e.msgstr)
    assert "社会的撤退" not in text
    assert "精神保健の専門家" not in text
    assert "臨床家" not in text
    # The clinician is 臨床担当者 everywhere, never a bare 担当者.
    assert re.findall(r"(?<!臨床)担当者", text) == []
    # One wave dash.
    assert "～" not in text
    # Full-width punctuation after Japanese text.
    assert re.findall(r"[\u3040-\u30ff\u4e00-\u9fff][:!?]", text) == []


def test_italian_addresses_each_reader_in_one_register() -> None:
    entries = catalogue("it")
    text = "\n".join(s for e in entries for s in e.msgstr)
    assert re.search(r"\bclinic[ah]e?\b", text, re.IGNORECASE) is None
    assert re.search(r"\bvostr[oaie]\b", text, re.IGNORECASE) is None
    assert "il/la giovane" not in text
    to_young = [
        s for e in entries if e.msgctxt == "to the young person" for s in e.msgstr
    ]
    to_parent = [s for e in entries if e.msgctxt == "to a parent" for s in e.msgstr]
    assert to_young and to_parent
    assert not any(re.search(r"\b(Lei|Suo|Sue|Suoi|Sua)\b", s) for s in to_young)
    assert not any(re.search(r"\b(tu|tuo|tue|tuoi|tua|puoi)\b", s) for s in to_parent)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_crisis_text_names_the_number_to_call(lang: str) -> None:
    number = {"ja": "119", "it": "112"}[lang]
    crisis = [
        s
        for e in catalogue(lang)
        if e.msgid.startswith("Some of the answers suggest")
        for s in e.msgstr
    ]
    assert crisis and all(number in s for s in crisis)


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_text_is_marked_for_translation(path: Path) -> None:
    assert untranslated_text(path.read_text(encoding="utf-8")) == []


def test_the_template_check_finds_unmarked_text_and_attributes() -> None:
    source = (
        "{% load i18n %}<h1>{% translate 'Hello' %}</h1><p>Plain words</p>"
        '<img alt="A picture" src="x.png"><p>{{ count }} · 3</p>'
        "{% blocktranslate %}Inside {{ x }}{% endblocktranslate %}"
    )
    assert untranslated_text(source) == ["Plain words", "A picture"]


def test_the_catalogue_reader_sees_empty_fuzzy_and_plural_entries(
    tmp_path: Path,
) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: it\\n"\n\n'
        'msgid "Done"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgctxt "to a parent"\nmsgid "Back"\nmsgstr "Indietro"\n\n'
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\n'
        'msgstr[0] "%(n)s giorno"\nmsgstr[1] ""\n"%(n)s giorni"\n',
        encoding="utf-8",
    )
    done, back, days = read_catalogue(po)
    assert (done.msgid, done.msgstr) == ("Done", [""])
    assert back.name == "to a parent|Back" and "fuzzy" in back.flags
    assert days.plural and days.msgstr == ["%(n)s giorno", "%(n)s giorni"]
