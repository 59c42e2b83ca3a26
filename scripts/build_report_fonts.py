"""Cut the Japanese report fonts out of Debian's Noto Sans CJK JP (``make fonts``).

Writes ``static/fonts/HikiScreenSansJP-{Regular,Bold}.otf``: the Japanese face of
``/usr/share/fonts/opentype/noto/NotoSansCJK-{Regular,Bold}.ttc`` (package
fonts-noto-cjk) subset to the characters of questionnaires.reports.fonts, with new
glyph ids, the layout features of horizontal Japanese only, no hinting, and renamed
(OFL 1.1 section 3 and the Noto trademark: a modified font carries its own name). Run
it again whenever a translation or the instrument bank gains a character they lack;
``tests/reports/test_fonts.py`` says when. The output is reproducible: the same
sources and system fonts give the same bytes.

Usage: ``python scripts/build_report_fonts.py [SOURCE_DIR]`` (default the Debian path).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEBIAN_DIR = Path("/usr/share/fonts/opentype/noto")
SOURCES = {"normal": "NotoSansCJK-Regular.ttc", "bold": "NotoSansCJK-Bold.ttc"}
STYLES = {"normal": "Regular", "bold": "Bold"}
SOURCE_FAMILY = "Noto Sans CJK JP"
#: What Pango applies to horizontal Japanese text. Dropped: vertical and width variants,
#: and locl, which in the Japanese face only leads to the Chinese and Korean forms
#: (it would add some 650 glyphs).
LAYOUT_FEATURES = [
    *("ccmp", "kern", "mark", "mkmk"),
    *("liga", "clig", "calt", "rlig"),
]
#: Vertical metrics: the reports are set horizontally.
DROP_TABLES = ["vhea", "vmtx", "VORG"]


def build(source: Path, weight: str, out: Path, characters: set[str]) -> int:
    """Write the subset of ``source``'s Japanese face to ``out``; return its glyphs."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(source), recalcTimestamp=False)
    faces = [f for f in collection.fonts if f["name"].getDebugName(1) == SOURCE_FAMILY]
    if not faces:
        raise SystemExit(f"{source} has no {SOURCE_FAMILY!r} face")
    font = faces[0]
    cmap = font.getBestCmap()
    options = subset.Options()
    options.layout_features = LAYOUT_FEATURES
    options.drop_tables += DROP_TABLES
    options.hinting = False
    options.notdef_outline = True
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters if ord(c) in cmap))
    subsetter.subset(font)
    rename(font, weight, source)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    return int(font["maxp"].numGlyphs)


def rename(font: object, weight: str, source: Path) -> None:
    """Give the subset its own names; keep copyright, trademark and licence records."""
    from questionnaires.reports.fonts import FAMILY

    style = STYLES[weight]
    postscript = f"{FAMILY.replace(' ', '')}-{style}"
    original = font["name"].getDebugName(4)  # type: ignore[index]
    version = font["name"].getDebugName(5)  # type: ignore[index]
    names = {
        1: FAMILY,
        2: style,
        3: f"{postscript};{version}",
        4: f"{FAMILY} {style}",
        6: postscript,
        10: (
            f"Subset of {original} ({source.name}, Debian fonts-noto-cjk) for "
            "HikiScreen's Japanese PDF reports, built by scripts/build_report_fonts.py."
        ),
    }
    table = font["name"]  # type: ignore[index]
    table.names = [r for r in table.names if r.nameID not in {*names, 16, 17}]
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    cff = font["CFF "].cff  # type: ignore[index]
    cff.fontNames = [postscript]
    top = cff.topDictIndex[0]
    for field, value in (("FullName", names[4]), ("FamilyName", FAMILY)):
        if hasattr(top, field):
            setattr(top, field, value)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from questionnaires.reports.fonts import FILES, FONT_DIR, required_characters

    source_dir = Path(argv[1]) if len(argv) > 1 else DEBIAN_DIR
    characters = required_characters(ROOT)
    for weight, filename in FILES.items():
        out = FONT_DIR / filename
        glyphs = build(source_dir / SOURCES[weight], weight, out, characters)
        size = out.stat().st_size // 1024
        sys.stdout.write(f"{out.relative_to(ROOT)}: {glyphs} glyphs, {size} KB\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
