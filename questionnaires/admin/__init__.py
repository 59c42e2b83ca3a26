"""The Django admin, one module per area; importing this package registers them all.

- ``instruments``: instruments, versions and items (preview, try scoring, import,
  export, publish).
- ``protocols``: protocols of instrument versions.
- ``people``: organisations, members, crisis contacts, patients (read-only).
- ``audit``: the audit trail (read-only).
- ``translations``: a clinic's licensed translation of an instrument, in one step.
- ``common``: what the bank admins share (frozen objects, request helpers).
"""

from __future__ import annotations

from questionnaires.admin import audit, instruments, people, protocols, translations

__all__ = ["audit", "instruments", "people", "protocols", "translations"]
