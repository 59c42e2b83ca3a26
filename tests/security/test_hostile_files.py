"""Finding 8: `score` and `render_report` refuse hostile INPUT files with a message.

Each case exits non-zero (CommandError) naming the offending code or what is wrong
with the file; none ends in a traceback.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.helpers import manage, production_env

HUGE = "1" + "0" * 308  # 10**308 fits no float: math.isfinite used to overflow

CASES = [
    pytest.param(
        b'{"age": 19, "answers": {"withdrawal": {"months_withdrawn": '
        + HUGE.encode()
        + b"}}}",
        "months_withdrawn",
        id="309-digit-integer",
    ),
    pytest.param(
        f'{{"age": {HUGE}, "answers": {{}}}}'.encode(), "age", id="309-digit-age"
    ),
    pytest.param(
        b'{"age": 19, "answers": {"withdrawal": {"sleep_time": "\xff\xfe"}}}',
        "not UTF-8",
        id="not-utf-8",
    ),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deep"),
    pytest.param(
        b'{"age": 19, "answers": ' + b'{"a": ' * 40 + b"1" + b"}" * 41,
        "nested too deeply",
        id="deep-but-parseable",
    ),
    pytest.param(
        b'{"age": 19, "answers": {"withdrawal": {"onset_age": ' + b"9" * 5000 + b"}}}",
        "more than 4300 digits",
        id="over-4300-digits",
    ),
    pytest.param(b'{"age": NaN, "answers": {}}', "NaN", id="nan"),
]


@pytest.mark.parametrize(("content", "message"), CASES)
def test_score_refuses_a_hostile_file_with_a_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("score", str(path), stdout=StringIO())


@pytest.mark.parametrize(("content", "message"), CASES)
def test_render_report_refuses_a_hostile_file_with_a_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command(
            "render_report",
            str(path),
            "--audience",
            "clinician",
            "--out",
            str(tmp_path / "out.pdf"),
            stdout=StringIO(),
        )
    assert not (tmp_path / "out.pdf").exists()


def test_the_command_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(b"[" * 100_000)
    result = manage("score", str(path), env=production_env())
    assert result.returncode != 0
    assert "nested too deeply" in result.stderr
    assert "Traceback" not in result.stderr
