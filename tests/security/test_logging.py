"""Logs are JSON lines without tokens, request objects or bodies."""

from __future__ import annotations

import json
import logging
import secrets

from questionnaires.security.log_scrub import ScrubFilter, scrub
from tests.helpers import manage, production_env


def test_tokens_in_paths_and_query_strings_are_masked() -> None:
    token = secrets.token_urlsafe(32)
    text = scrub(f"Not Found: /r/{token}/page/2/?code={token}&lang=ja")
    assert token not in text
    assert text == "Not Found: /r/[scrubbed]/page/2/?code=[scrubbed]&lang=ja"


def test_ordinary_words_and_file_paths_are_kept() -> None:
    line = 'File "/srv/app/questionnaires/views/organisation.py", line 12, in view'
    assert scrub(line) == line


def test_the_filter_drops_the_request_and_masks_the_traceback() -> None:
    token = secrets.token_urlsafe(32)
    try:
        raise KeyError(token)
    except KeyError:
        import sys

        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Error: %s",
            (token,),
            sys.exc_info(),
        )
    record.request = object()
    ScrubFilter().filter(record)
    assert not hasattr(record, "request")
    assert token not in record.getMessage()
    assert record.exc_text is not None
    assert token not in record.exc_text


def test_a_logged_request_path_with_a_token_is_scrubbed_end_to_end() -> None:
    token = secrets.token_urlsafe(32)
    code = (
        "import logging; from django.test import RequestFactory; "
        f"r = RequestFactory().post('/r/{token}/page/1/', {{'phq9-q1': '3'}}); "
        "logging.getLogger('django.request').error("
        "'Internal Server Error: %s', r.path, extra={'request': r, 'status_code': 500})"
    )
    result = manage("shell", "--no-imports", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    lines = [
        json.loads(line)
        for line in result.stderr.splitlines()
        if '"django.request"' in line
    ]
    assert len(lines) == 1
    assert lines[0]["message"] == "Internal Server Error: /r/[scrubbed]/page/1/"
    assert lines[0]["level"] == "ERROR"
    assert "request" not in lines[0]
    assert token not in result.stderr
    assert "phq9" not in result.stderr
