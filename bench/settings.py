"""Bench-only settings: the app's own, plus the ceiling routes (bench.ceiling).

``bench/load.py`` starts gunicorn with ``DJANGO_SETTINGS_MODULE=bench.settings``, so
app and ceiling are served by the same processes with the same configuration.
Nothing else sets this module, so the ceiling is never routed in production.
"""

from __future__ import annotations

from hikiscreen.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling"
