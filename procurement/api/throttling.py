"""Request rates for the API: per key, per signed-in user, per address for anonymous callers.

Throttling is a courtesy that keeps one client from crowding out the others, not a security
control (hard limits belong at the proxy). An anonymous caller is counted by address as
``NUM_PROXIES`` says to read it, so a forged ``X-Forwarded-For`` does not make a new caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from procurement.models import DepartmentAPIKey

if TYPE_CHECKING:  # rest_framework.views imports this module while it is being defined
    from rest_framework.views import APIView


class ClientRateThrottle(SimpleRateThrottle):
    """One budget per caller: ``key`` rate per API key, ``user`` rate per signed-in user,
    ``anon`` rate per client address (``DEFAULT_THROTTLE_RATES``)."""

    scope = "anon"

    def get_rate(self) -> str | None:
        # Read at request time (DRF binds the rates at import), so settings overrides apply.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)

    def allow_request(self, request: Request, view: APIView) -> bool:
        if isinstance(request.auth, DepartmentAPIKey):
            self.scope = "key"
        elif request.user and request.user.is_authenticated:
            self.scope = "user"
        else:
            self.scope = "anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        if isinstance(request.auth, DepartmentAPIKey):
            ident = request.auth.prefix
        elif self.scope == "user":
            ident = str(request.user.pk)
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def wait(self) -> float:
        """Seconds until a request is allowed again; at least 1, so a 429 always carries a
        Retry-After that a client can act on."""
        waited = super().wait()
        if not waited:
            waited = self.history[-1] + self.duration - self.now if self.history else self.duration
        return max(1.0, float(waited or 0))
