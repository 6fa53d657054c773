"""Response headers every page and API answer carries, beyond Django's SecurityMiddleware.

* ``Permissions-Policy`` on every response: the product uses no camera, microphone, location,
  payment, USB or other device feature, so a browser refuses them to every page and frame.
* ``Cache-Control: no-store`` on whatever answers a signed-in person or an API key (pages,
  JSON, PDFs): nothing of a department's is left in a shared proxy or in the browser's cache
  after sign-out. Anonymous pages (the public catalogue) keep whatever caching they had, and
  static files keep their far-future caching.

This module imports no app.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def carries_credentials(request: HttpRequest) -> bool:
    """A signed-in session, or an Authorization header (an API key) whatever its validity."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return signed_in or "HTTP_AUTHORIZATION" in request.META


class PrivateResponseHeadersMiddleware:
    """Permissions-Policy everywhere; no-store on answers to credentials. First in MIDDLEWARE,
    so it sees every response, the static files' included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        static = request.path_info.startswith(str(settings.STATIC_URL))
        stored = "no-store" not in response.headers.get("Cache-Control", "")
        if carries_credentials(request) and stored and not static:
            add_never_cache_headers(response)
        return response
