"""Staff pages in the staff member's own language.

Runs after Django's ``LocaleMiddleware`` (which reads the language cookie, then the
browser's Accept-Language) and the authentication middleware. A signed-in staff
member who chose a language on their account page gets it, unless this browser
carries a language picked with the switcher in the header (for instance by a patient
answering on the clinic's tablet): a choice made on the spot wins over a stored one.
The preference is read once per session and kept in it (``SESSION_KEY``); the account
page updates both.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from questionnaires import selectors

SESSION_KEY = "staff_language"


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
