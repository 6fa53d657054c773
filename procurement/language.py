"""The language of the pages: the switcher on every page, remembered for a signed-in person.

Django's LocaleMiddleware picks the language from the switcher's cookie, else the browser's
Accept-Language, else English; URLs are the same in every language. A signed-in person's choice
is also kept on their account (:class:`~procurement.models.AccountLanguage`), copied into their
session when they sign in, and :class:`AccountLanguageMiddleware` puts it before the cookie, so
that it follows them to another browser. The API follows each request's Accept-Language only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from procurement.models import AccountLanguage

SESSION_KEY = "account_language"
_CODES = {code for code, _name in settings.LANGUAGES}


def _account_language(user: Any) -> str | None:
    return AccountLanguage.objects.filter(user=user).values_list("language", flat=True).first()


def copy_to_session(sender: object, request: HttpRequest, user: Any, **kwargs: object) -> None:
    """On sign-in, the account's language becomes the session's (Django keeps the session's
    data across the key change that sign-in makes)."""
    code = _account_language(user)
    if code in _CODES:
        request.session[SESSION_KEY] = code


user_logged_in.connect(copy_to_session, dispatch_uid="procurement.language.copy_to_session")


def accepted_language(request: HttpRequest) -> str:
    """The first language of the request's Accept-Language the product has, else English."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return str(settings.LANGUAGE_CODE)


class AccountLanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: a signed-in person's own language on
    their pages; on the API, the request's Accept-Language alone (a browser's cookie does not
    change what an API client is answered in)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            code: str | None = accepted_language(request)
        else:
            code = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if code in _CODES:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """The switcher's form: Django's set_language (cookie, back to ``next``), and for a
    signed-in person the account's language too."""
    response = set_language(request)
    code = request.POST.get("language", "")
    if code in _CODES and request.user.is_authenticated:
        AccountLanguage.objects.update_or_create(user=request.user, defaults={"language": code})
        request.session[SESSION_KEY] = code
    return response
