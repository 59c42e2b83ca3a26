from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = _("Questionnaires")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks as django_checks

        from hikiscreen.checks import check_production_settings
        from questionnaires import checks  # noqa: F401  (registers the system checks)
        from questionnaires.middleware import remember_staff_language

        django_checks.register(check_production_settings)
        # Auth's own extension point, not domain flow: a clinician's language
        # preference goes into their session once, at sign-in.
        user_logged_in.connect(remember_staff_language, dispatch_uid="staff-language")
