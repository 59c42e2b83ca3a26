"""Italian dates without a leading zero: "6 dicembre 2026" (the month's lower case
comes from the project's Italian catalogue, which overrides Django's "Dicembre").

Only what differs from Django's own ``it`` formats; the rest falls back to Django.
"""

from __future__ import annotations

DATE_FORMAT = "j F Y"
