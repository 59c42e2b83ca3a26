"""The logging filter that keeps tokens, request bodies and answers out of the logs.

Django attaches the request to some records (``django.request``, ``django.security``)
and structured formatters would serialise it, path, query string and all. The filter
drops such attributes and masks token-like strings in the message and traceback, so a
respondent link (``/r/<token>/``), a password-reset link or a resume code never
reaches a log line. Log calls in the app pass identifiers, never answers.
"""

from __future__ import annotations

import logging
import re

MASK = "[scrubbed]"

# A URL path segment or query value of 20+ URL-safe characters: invitation tokens
# (secrets.token_urlsafe), password-reset tokens, uidb64 values.
_IN_URL = re.compile(r"(?<=[/=])[A-Za-z0-9_-]{20,}(?=$|[/?&#;,\s'\"<>)])")
# Anywhere else, 20+ URL-safe characters with a digit in them: hashes, keys, codes.
_ANYWHERE = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{20,}")

# Record attributes that may carry a request, its body or submitted values.
_DROPPED = ("request", "body", "data", "POST", "GET", "answers")


def scrub(text: str) -> str:
    """``text`` with every token-like string replaced by a mask."""
    return _ANYWHERE.sub(MASK, _IN_URL.sub(MASK, text))


class ScrubFilter(logging.Filter):
    """Mask tokens in the message and traceback; drop request-carrying attributes."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name in _DROPPED:
            if name in record.__dict__:
                delattr(record, name)
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = scrub(formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True
