"""Italian clinic dates as 20/11/2026: Django's long form capitalises the month."""

from __future__ import annotations

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y, H:i"
