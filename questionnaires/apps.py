from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = _("Questionnaires")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks as django_checks

        from hikiscreen.checks import check_production_settings
        from questionnaires import checks  # noqa: F401  (registers the system checks)

        django_checks.register(check_production_settings)
