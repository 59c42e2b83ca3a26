"""The committed Japanese report fonts hold every character the report texts print."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection, TTFont

from questionnaires.reports import fonts

SYSTEM_FONTS = {
    "normal": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "bold": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}


@cache
def committed_cmap(weight: str) -> frozenset[str]:
    with TTFont(fonts.FONT_DIR / fonts.FILES[weight], lazy=True) as font:
        return frozenset(chr(code) for code in font.getBestCmap())


@cache
def system_cmap(weight: str) -> frozenset[str]:
    """The characters Debian's Noto Sans CJK JP has (what a subset can hold at most)."""
    path = SYSTEM_FONTS[weight]
    assert path.exists(), f"{path} is missing (Debian package fonts-noto-cjk)"
    with TTCollection(str(path), lazy=True) as collection:
        family = "Noto Sans CJK JP"
        face = next(f for f in collection.fonts if f["name"].getDebugName(1) == family)
        return frozenset(chr(code) for code in face.getBestCmap())


def missing(weight: str, required: set[str]) -> list[str]:
    """Required characters the system font has and the committed subset lacks."""
    lacking = (required & system_cmap(weight)) - committed_cmap(weight)
    return [f"{char} (U+{ord(char):04X})" for char in sorted(lacking)]


@pytest.mark.parametrize("weight", sorted(fonts.FILES))
def test_report_fonts_hold_every_character_of_the_report_texts(weight):
    lacking = missing(weight, fonts.required_characters())
    assert not lacking, (
        f"{fonts.FILES[weight]} lacks {', '.join(lacking)}: a Japanese text gained "
        "characters. Run `make fonts` and commit static/fonts/."
    )


def test_the_coverage_check_notices_a_new_kanji_in_the_catalogue(tmp_path):
    # A translator's new word, as the test above would meet it: a copy of the
    # sources whose Japanese catalogue has one kanji the fonts were not cut for.
    root = tmp_path
    catalogue = root / "locale/ja/LC_MESSAGES/django.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text('msgid "Ogai"\nmsgstr "鷗外"\n', encoding="utf-8")
    bank = root / "questionnaires/bank/instruments/x.json"
    bank.parent.mkdir(parents=True)
    bank.write_text(json.dumps({"name": {"ja": "ひきこもり"}}), encoding="utf-8")
    required = fonts.required_characters(root)
    assert {"鷗", "外", "ひ"} <= required
    assert missing("bold", required) == ["鷗 (U+9DD7)"]


def test_common_kanji_are_jis_level_1():
    kanji = fonts.jis_level_1_kanji()
    assert len(kanji) == 2965
    assert {"亜", "腕", "心", "病", "院"} <= kanji  # first, last and common ones
    assert not {"鷗", "罹", "髙"} & kanji  # level 2 or outside JIS X 0208


def test_both_weights_hold_the_same_characters_and_say_what_they_are():
    assert committed_cmap("normal") == committed_cmap("bold")
    for weight, css_weight in (("normal", 400), ("bold", 700)):
        with TTFont(fonts.FONT_DIR / fonts.FILES[weight], lazy=True) as font:
            names = font["name"]
            assert names.getDebugName(1) == fonts.FAMILY
            assert font["OS/2"].usWeightClass == css_weight
            assert "Noto Sans CJK JP" in names.getDebugName(10)
            assert "Open Font License" in names.getDebugName(13)
            # Glyph ids renumbered: WeasyPrint keeps ids, so the count is what a PDF
            # pays for (the system font's highest kanji ids are past 60,000).
            assert font["maxp"].numGlyphs < 2 * len(committed_cmap(weight))


def test_licence_sits_beside_the_fonts():
    licence = (fonts.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Noto Sans CJK JP" in licence
    assert "Copyright 2014-2021 Adobe" in licence
    for filename in fonts.FILES.values():
        assert filename in licence
