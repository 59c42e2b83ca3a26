"""The Japanese report fonts: which characters the committed subset fonts must hold.

Japanese reports are set in "HikiScreen Sans JP", two small fonts cut from Debian's
Noto Sans CJK JP (package fonts-noto-cjk) by ``scripts/build_report_fonts.py``
(``make fonts``) and committed in ``static/fonts/``, so that a Japanese PDF can show
bold text in a real bold weight and still stay under DESIGN.md §5's 300 KB.

Why subsets: WeasyPrint embeds a font keeping its glyph ids, so a font costs up to its
highest glyph id used. Noto Sans CJK JP's kanji have ids in the tens of thousands, so
each weight of the system font costs 85-165 KB in every PDF, however few of its
characters are used. A subset renumbers its ~3,600 glyphs: both weights together cost
about 30 KB (the largest Japanese clinician report: 169 KB, 272 KB before with the
system font and no bold).

The subsets hold fixed blocks (ASCII, Latin-1, kana, CJK and full-width punctuation),
the 2,965 kanji of JIS X 0208 level 1 (the common ones: what an organisation's name
or a Japanese instrument text entered in the admin mostly uses), and every character
of the texts a report can print: the Japanese catalogue, the bundled instrument bank,
the report code and templates, and Django's Japanese date formats. A character
outside them is still drawn, from the system font (report.css lists it next), at
that font's size cost: one such kanji in regular and one in bold text take the
largest report from 169 to about 345 KB, over the budget. So
``tests/reports/test_fonts.py`` fails when a bundled text gains a character the
committed fonts lack, and says to run ``make fonts``.

Pure standard library: the build script adds fontTools.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]
FONT_DIR = ROOT / "static" / "fonts"
FAMILY = "HikiScreen Sans JP"
#: The committed font file of each weight (CSS font-weight → file in static/fonts/).
FILES = {
    "normal": "HikiScreenSansJP-Regular.otf",
    "bold": "HikiScreenSansJP-Bold.otf",
}
#: Code point ranges always kept, whatever the texts hold today.
FIXED_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (°, ×, ±, accented names)
    (0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    (0x2030, 0x203B),  # per mille, primes, reference mark
    (0x2190, 0x2193),  # arrows
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3041, 0x309F),  # hiragana
    (0x30A0, 0x30FF),  # katakana
    (0xFF01, 0xFF9F),  # full-width forms and half-width katakana
)


def jis_level_1_kanji() -> set[str]:
    """The 2,965 kanji of JIS X 0208 level 1 (EUC-JP rows 16-47), by Python's codec."""
    kanji = set()
    for row in range(0xB0, 0xD0):
        for cell in range(0xA1, 0xFF):
            try:
                kanji.add(bytes((row, cell)).decode("euc_jp"))
            except UnicodeDecodeError:  # the unassigned end of row 47
                continue
    return kanji


def text_sources(root: Path = ROOT) -> list[Path]:
    """Every file whose characters a Japanese report can print."""
    django_ja = Path(django.__file__).resolve().parent / "conf/locale/ja/formats.py"
    return [
        root / "locale" / "ja" / "LC_MESSAGES" / "django.po",
        *sorted((root / "questionnaires" / "bank").rglob("*.json")),
        *sorted((root / "questionnaires").rglob("*.py")),
        *sorted((root / "templates" / "questionnaires" / "reports").glob("*.html")),
        django_ja,
    ]


def characters(texts: Iterable[str]) -> set[str]:
    """The printable characters of ``texts`` (no controls, no line breaks)."""
    return {char for text in texts for char in text if char.isprintable()}


def required_characters(root: Path = ROOT) -> set[str]:
    """The characters the report fonts must hold: fixed blocks and every text source.

    Where the system font itself lacks a character (an emoji in a comment, say) the
    subset cannot have it either; the build and the test both leave those out.
    """
    fixed = {chr(code) for start, end in FIXED_RANGES for code in range(start, end + 1)}
    sources = (path.read_text(encoding="utf-8") for path in text_sources(root))
    return fixed | jis_level_1_kanji() | characters(sources)
