"""Bundled instrument definitions (``instruments/*.json``) and their pure loader.

Import the loader's API from here: ``from questionnaires.bank import load_bundled``.
"""

from __future__ import annotations

from questionnaires.bank.loader import (
    BUNDLED_DIR,
    DefinitionError,
    Issue,
    dump,
    dumps,
    latest_by_code,
    load_bundled,
    load_file,
    parse,
    parse_json,
)

__all__ = [
    "BUNDLED_DIR",
    "DefinitionError",
    "Issue",
    "dump",
    "dumps",
    "latest_by_code",
    "load_bundled",
    "load_file",
    "parse",
    "parse_json",
]
