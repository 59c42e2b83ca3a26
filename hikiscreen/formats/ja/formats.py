"""Japanese date-times with a space between the date and the time."""

from __future__ import annotations

DATETIME_FORMAT = "Y年n月j日 G:i"
