"""English dates the way the app's British English writes them: "6 December 2026".

Only what differs from Django's own ``en`` formats; the rest falls back to Django.
"""

from __future__ import annotations

DATE_FORMAT = "j F Y"
