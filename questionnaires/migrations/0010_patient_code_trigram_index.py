"""Patient search by any part of the code, without reading the whole clinic.

The patient list's search is ``code__icontains``, which Django writes as
``UPPER(code::text) LIKE UPPER('%…%')``: no B-tree index can serve a match in the
middle of a code, so a search that matched nothing read every patient of the clinic.
On PostgreSQL a trigram GIN index on that same expression (``pg_trgm``) answers it
from the index. PostgreSQL only: the index is not part of the model's state (SQLite
would have to rebuild it whenever it remakes the table, and cannot), and the
operations below do nothing elsewhere. ``pg_trgm`` is a trusted extension
(PostgreSQL 13+): the database's owner may create it without being a superuser.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models import TextField
from django.db.models.functions import Cast, Upper

#: The expression must be the one the search compares: UPPER(code::text).
CODE_TRIGRAMS = GinIndex(
    OpClass(Upper(Cast("code", TextField())), name="gin_trgm_ops"),
    name="patient_code_trgm_idx",
)


def create_extension(apps: Any, schema_editor: Any) -> None:
    """``pg_trgm`` on PostgreSQL. Left in place when migrating back: other indexes or
    queries of the database may use it."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def add_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(
            apps.get_model("questionnaires", "Patient"), CODE_TRIGRAMS
        )


def remove_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(
            apps.get_model("questionnaires", "Patient"), CODE_TRIGRAMS
        )


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0009_export_files"),
    ]

    operations = [
        # Not TrigramExtension(): going back, it asks pg_extension on every database.
        migrations.RunPython(create_extension, migrations.RunPython.noop),
        migrations.RunPython(add_index, remove_index),
    ]
