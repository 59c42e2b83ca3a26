"""Server-side chart data for clinician pages: score trends and side-by-side reports.

Geometry only (numbers in SVG user units); templates draw it as inline SVG with a
data table behind every chart, so nothing depends on colour or on JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language

from questionnaires.bank.loader import latest_by_code, load_bundled
from questionnaires.models import Screening
from questionnaires.reports import texts
from questionnaires.reports.context import CRITERIA, value_label
from questionnaires.scoring.rules import score_range

WIDTH, HEIGHT, PAD = 300.0, 100.0, 8.0


def _names_and_ranges() -> dict[str, tuple[str, float]]:
    """Short name and highest possible total of each bundled instrument."""
    result: dict[str, tuple[str, float]] = {}
    for code, definition in latest_by_code(load_bundled()).items():
        span = score_range(definition.scoring.total, definition.index.items)
        if span is not None:
            result[code] = (definition.short_name, span[1])
    return result


def trend(screenings: Iterable[Screening]) -> dict[str, Any]:
    """Totals over time: one series per instrument with a total, oldest first."""
    scored = [s for s in screenings if s.result]
    known = _names_and_ranges()
    series: dict[str, list[tuple[int, float]]] = {}
    for n, screening in enumerate(scored):
        for code, result in (screening.result or {}).get("instruments", {}).items():
            total = result.get("total")
            if total is not None:
                series.setdefault(code, []).append((n, float(total)))
    count = len(scored)
    charts = []
    for code, points in series.items():
        name, top = known.get(code, (code, max(v for _, v in points) or 1.0))
        top = top or 1.0

        def x(n: int) -> float:
            if count <= 1:
                return WIDTH / 2
            return round(PAD + n * (WIDTH - 2 * PAD) / (count - 1), 1)

        def y(v: float, top: float = top) -> float:
            return round(HEIGHT - PAD - v / top * (HEIGHT - 2 * PAD), 1)

        coords = [{"x": x(n), "y": y(v), "value": _fmt(v)} for n, v in points]
        charts.append(
            {
                "code": code,
                "name": name,
                "max": _fmt(top),
                "points": coords,
                "polyline": " ".join(f"{c['x']},{c['y']}" for c in coords),
                "summary": ", ".join(str(c["value"]) for c in coords),
            }
        )
    rows = [
        {
            "screening": screening,
            "totals": [
                _fmt_or_dash(
                    (screening.result or {})
                    .get("instruments", {})
                    .get(chart["code"], {})
                    .get("total")
                )
                for chart in charts
            ],
        }
        for screening in scored
    ]
    return {
        "charts": charts,
        "rows": rows,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - PAD,
        "top": PAD,
    }


def side_by_side(screening: Screening) -> list[dict[str, Any]]:
    """Each criterion as the young person and the family reported it, if both did."""
    results = {p.role: p.result for p in screening.parts.all() if p.result}
    own, family = results.get("self"), results.get("informant")
    if not own or not family:
        return []
    rows = []
    for name in CRITERIA:
        mine = own["criteria"].get(name)
        theirs = family["criteria"].get(name)
        rows.append(
            {
                "label": texts.text(f"criterion.{name}"),
                "self": value_label(name, mine, get_language()),
                "family": value_label(name, theirs, get_language()),
                "known": mine not in (None, "unknown")
                and theirs not in (None, "unknown"),
                "differ": mine != theirs
                and mine not in (None, "unknown")
                and theirs not in (None, "unknown"),
            }
        )
    return rows


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _fmt_or_dash(value: float | None) -> str:
    return "—" if value is None else _fmt(value)
