"""questionnaires.checks: bundled files validate; English fallbacks are reported."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import checks as django_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from questionnaires import checks
from questionnaires.bank import loader
from tests.bank.factories import demo_document


def test_every_bundled_file_validates() -> None:
    assert loader.load_bundled()
    assert checks.check_bundled_instruments(None) == []


def test_a_bundled_file_that_does_not_parse_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "demo-v1.json").write_text(json.dumps(demo_document()))
    broken = demo_document(code="broken")
    broken["scoring"]["bands"][1]["min"] = 5
    (tmp_path / "broken-v1.json").write_text(json.dumps(broken))
    (tmp_path / "garbled-v1.json").write_text("{not json")
    monkeypatch.setattr(checks, "BUNDLED_DIR", tmp_path)
    monkeypatch.setattr(checks, "BUNDLED_PROTOCOLS", tmp_path / "protocols.json")

    messages = checks.check_bundled_instruments(None)

    assert [m.level for m in messages] == [django_checks.ERROR] * 2
    assert "broken-v1.json" in messages[0].msg
    assert "scoring.bands[1].min: gap: 3-4 is in no band" in messages[0].msg
    assert "garbled-v1.json" in messages[1].msg
    assert "not valid JSON" in messages[1].msg


def test_missing_translations_are_reported_as_info_not_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.DEBUG = True
    (tmp_path / "demo-v1.json").write_text(json.dumps(demo_document()))
    monkeypatch.setattr(checks, "BUNDLED_DIR", tmp_path)

    messages = checks.check_translations(None)

    assert [m.level for m in messages] == [django_checks.INFO]
    assert "ja: demo v1" in messages[0].msg
    assert "it: demo v1" in messages[0].msg


def test_a_protocol_naming_a_missing_version_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instruments = tmp_path / "instruments"
    instruments.mkdir()
    (instruments / "demo-v1.json").write_text(json.dumps(demo_document()))
    protocols = {
        "schema": "hikiscreen.protocols/1",
        "protocols": [
            {
                "code": "demo_protocol",
                "name": {"en": "Demo"},
                "audience": "self",
                "instruments": [{"code": "demo", "version": 2}],
            }
        ],
    }
    (tmp_path / "protocols.json").write_text(json.dumps(protocols))
    monkeypatch.setattr(checks, "BUNDLED_DIR", instruments)
    monkeypatch.setattr(checks, "BUNDLED_PROTOCOLS", tmp_path / "protocols.json")

    messages = checks.check_bundled_instruments(None)

    assert len(messages) == 1
    assert "protocols[0].instruments[0]: demo v2 is not a bundled version" in (
        messages[0].msg
    )


def test_the_checks_are_registered_with_manage_py_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, err = StringIO(), StringIO()
    # The test settings' fast hasher is a deploy error of its own; only I001 matters.
    call_command(
        "check", "--deploy", "--fail-level", "CRITICAL", stdout=out, stderr=err
    )
    assert "questionnaires.I001" in out.getvalue() + err.getvalue()

    (tmp_path / "garbled-v1.json").write_text("{not json")
    monkeypatch.setattr(checks, "BUNDLED_DIR", tmp_path)
    with pytest.raises(SystemCheckError, match="garbled-v1.json"):
        call_command("check", stdout=StringIO(), stderr=StringIO())
