"""WSGI entry point, used by gunicorn (`gunicorn hikiscreen.wsgi`)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hikiscreen.settings")

application = get_wsgi_application()

from hikiscreen.checks import require_production_settings  # noqa: E402

require_production_settings()
