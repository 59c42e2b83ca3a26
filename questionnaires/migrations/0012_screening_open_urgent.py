"""Screening.safety_acknowledged_at and a partial index of open urgent screenings.

The acknowledgement's time is copied onto its screening so that the urgent queue and
the patient list read the open urgent screenings from a small partial index, instead
of checking every urgent screening the clinic ever had against its acknowledgement
(issue 20: flat pages at a million screenings).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_acknowledgement_times(apps: Any, schema_editor: Any) -> None:
    screening = apps.get_model("questionnaires", "Screening")
    acknowledgement = apps.get_model("questionnaires", "SafetyAcknowledgement")
    at = acknowledgement.objects.filter(screening=OuterRef("pk")).values("at")[:1]
    screening.objects.filter(safety_acknowledgement__isnull=False).update(
        safety_acknowledged_at=Subquery(at)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0011_export_file_purged_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="screening",
            name="safety_acknowledged_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="acknowledged"
            ),
        ),
        migrations.RunPython(copy_acknowledgement_times, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="screening",
            index=models.Index(
                condition=models.Q(
                    ("safety_acknowledged_at__isnull", True),
                    ("urgent_at__isnull", False),
                ),
                fields=["urgent_at", "id"],
                name="screening_open_urgent_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="screening",
            index=models.Index(
                condition=models.Q(
                    ("safety_acknowledged_at__isnull", True),
                    ("urgent_at__isnull", False),
                ),
                fields=["organisation", "-urgent_at"],
                name="screening_org_open_urgent_idx",
            ),
        ),
    ]
