"""Known audit actions: the audit filter offers exactly what the app records."""

from __future__ import annotations

import re
from pathlib import Path

from questionnaires.models import AUDIT_ACTIONS

APP = Path(__file__).resolve().parents[2] / "questionnaires"


def test_every_action_the_code_records_is_in_the_known_list() -> None:
    recorded = {
        match
        for path in APP.rglob("*.py")
        for match in re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text())
    }
    assert recorded, "no audit_record(action=...) call found"
    assert recorded <= set(AUDIT_ACTIONS), sorted(recorded - set(AUDIT_ACTIONS))


def test_every_safety_alert_step_has_its_known_action() -> None:
    from questionnaires.models import SafetyAlert

    for step in SafetyAlert.Step.values:
        assert f"screening.urgent_{step}" in AUDIT_ACTIONS
