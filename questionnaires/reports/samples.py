"""Write every sample PDF: each example input × audience × language (``make samples``).

``shared`` is a 15-year-old whose own answers raised a suicide risk while the parent's
did not; it adds the family summary the clinician chose to share that concern in.

Run as ``python -m questionnaires.reports.samples [OUT_DIR]`` (it sets Django up).
Inputs are ``questionnaires/reports/examples/*.json`` (the ``manage.py score``
format); output ``OUT_DIR/<case>-<audience>-<lang>.pdf``, by default ``out/samples``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent / "examples"
CASES = ("positive", "at_risk", "negative", "urgent", "shared")
PATIENT_CODES = {
    "positive": "P-0101",
    "at_risk": "P-0102",
    "negative": "P-0103",
    "urgent": "P-0104",
    "shared": "P-0105",
}


def main(out_dir: Path) -> None:
    """Render all samples into ``out_dir`` and print one line per file."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hikiscreen.settings")
    import django

    django.setup()
    from questionnaires.reports.context import AUDIENCES, LANGUAGES
    from questionnaires.reports.inputs import report_from_input
    from questionnaires.reports.pdf import render_report

    out_dir.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        data = json.loads((EXAMPLES / f"{case}.json").read_text(encoding="utf-8"))
        for lang in LANGUAGES:
            report = report_from_input(
                data,
                lang=lang,
                organisation="Demo Clinic",
                patient_code=PATIENT_CODES[case],
                report_date="2025-11-24",
            )
            variants: list[tuple[str, tuple[str, ...]]] = [(a, ()) for a in AUDIENCES]
            if case == "shared":
                variants.append(("family", ("safety",)))
            for audience, shared in variants:
                pdf = render_report(report, audience=audience, lang=lang, shared=shared)
                suffix = "-shared" if shared else ""
                path = out_dir / f"{case}-{audience}{suffix}-{lang}.pdf"
                path.write_bytes(pdf)
                sys.stdout.write(f"{path} {len(pdf) // 1024} KB\n")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "out/samples"))
