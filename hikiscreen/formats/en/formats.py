"""English dates as the clinic pages have always shown them: day month year, 24-hour."""

from __future__ import annotations

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
