"""Staff pages in the staff member's own language.

Runs after Django's ``LocaleMiddleware`` (which reads the language cookie, then the
browser's Accept-Language) and the authentication middleware. A signed-in staff
member who chose a language on their account page gets it, unless this browser
carries a language picked with the switcher in the header (for instance by a patient
answering on the clinic's tablet): a choice made on the spot wins over a stored one.
The preference is put in the session at sign-in (:func:`remember_staff_language`,
connected to Django's ``user_logged_in`` in ``apps.py``), so pages pay no query for
it; the account page updates both the profile and the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from questionnaires import selectors

SESSION_KEY = "staff_language"


def remember_staff_language(
    sender: Any, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """At sign-in: keep the user's chosen language in their session."""
    if isinstance(user, User) and request is not None:
        request.session[SESSION_KEY] = selectors.staff_language(user)


class StaffLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.COOKIES.get(
            settings.LANGUAGE_COOKIE_NAME
        ):
            language = request.session.get(SESSION_KEY)
            if language is None:
                language = selectors.staff_language(request.user)
                request.session[SESSION_KEY] = language
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
