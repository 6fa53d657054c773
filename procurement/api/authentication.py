"""``Authorization: Api-Key <key>``: a department's system authenticates as its key's service
account (see ``procurement.api_keys``). Sessions keep working for people signed in to the site.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from procurement.api_keys import api_key_authenticate
from procurement.models import DepartmentAPIKey

KEYWORD = "Api-Key"


class DepartmentAPIKeyAuthentication(BaseAuthentication):
    """Authenticates ``Authorization: Api-Key <key>`` as the key's service account.

    ``request.user`` is the service account, ``request.auth`` the DepartmentAPIKey. A request
    without the header is left to the next authenticator; a request with a bad key is refused
    (401), never passed on as anonymous.
    """

    def authenticate(self, request: Request) -> tuple[object, DepartmentAPIKey] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the key as 'Authorization: %(keyword)s <key>'.") % {"keyword": KEYWORD}
            )
        try:
            key = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        api_key = api_key_authenticate(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid, or was revoked."))
        return api_key.service_user, api_key

    def authenticate_header(self, request: Request) -> str:
        # Being first in DEFAULT_AUTHENTICATION_CLASSES, this makes anonymous requests a 401
        # with a WWW-Authenticate challenge rather than a 403.
        return KEYWORD


class DepartmentAPIKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the key."""

    target_class = DepartmentAPIKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                f"A department API key, sent as `Authorization: {KEYWORD} <key>`. A department "
                "administrator creates it at /api-keys/ and sees it once."
            ),
        }
