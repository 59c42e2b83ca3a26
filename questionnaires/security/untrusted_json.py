"""Parse JSON from outside (an upload, a command's INPUT file) without surprises.

``json.loads`` on hostile input raises what callers do not expect: RecursionError
for deep nesting, a bare ValueError for an integer over Python's 4,300-digit limit,
UnicodeDecodeError for bytes that are not UTF-8, and it accepts NaN and Infinity.
:func:`loads` turns each into :class:`UntrustedJSONError`, whose message says what
is wrong with the file (and where, for nesting), and refuses documents deeper than
``max_depth`` so later recursive code cannot overflow either.
"""

from __future__ import annotations

import json
import sys

#: Deeper than any document of the app (an instrument is about 6 levels deep).
MAX_DEPTH = 32


class UntrustedJSONError(ValueError):
    """The document cannot be used; ``str()`` says why, for the person who sent it."""


def _no_constant(name: str) -> object:
    raise UntrustedJSONError(f"{name} is not a number JSON allows")


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> object:
    """The parsed document, or UntrustedJSONError naming the problem."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UntrustedJSONError(
                f"not UTF-8 text (byte {exc.start} cannot be decoded); "
                "save the file as UTF-8"
            ) from None
    else:
        text = data
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise UntrustedJSONError(
            f"nested too deeply (at most {max_depth} levels)"
        ) from None
    except json.JSONDecodeError as exc:
        raise UntrustedJSONError(f"not valid JSON: {exc}") from None
    except UntrustedJSONError:
        raise
    except ValueError:  # Python's limit on integer digits
        limit = sys.get_int_max_str_digits()
        raise UntrustedJSONError(f"a number has more than {limit} digits") from None
    path = too_deep(document, max_depth)
    if path is not None:
        raise UntrustedJSONError(
            f"nested too deeply at {path} (at most {max_depth} levels)"
        )
    return document


def too_deep(document: object, max_depth: int) -> str | None:
    """The JSON path of the first value deeper than ``max_depth``, or None.

    Walks with an explicit stack, so it cannot overflow itself.
    """
    stack: list[tuple[object, str, int]] = [(document, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > max_depth:
            return path
        if isinstance(value, dict):
            stack.extend((v, f"{path}.{k}", depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value))
    return None
