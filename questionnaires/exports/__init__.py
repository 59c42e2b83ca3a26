"""Exports: CSV with a data dictionary, and FHIR R4 resources.

``csv`` and ``fhir`` are pure: they turn definitions, answers and result snapshots into
rows and dicts, and import nothing from the ORM. ``streams`` is the queryset glue that
feeds them a chunk at a time.
"""

from __future__ import annotations
