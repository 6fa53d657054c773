"""Request rates for the API: per key, per signed-in user, per address for anonymous callers.

Throttling is a courtesy that keeps one client from crowding out the others, not a security
control (hard limits belong at the proxy). An anonymous caller is counted by address as
``NUM_PROXIES`` says to read it, so a forged ``X-Forwarded-For`` does not make a new caller.

The budget is a fixed-window counter kept in Redis: one ``SET NX EX`` (open the window) and one
``INCR`` in a single MULTI/EXEC transaction, so however many requests arrive at once, at most the
budget passes in a window (DRF's own throttle reads a list, appends and writes it back: under
concurrency most requests read the same list and all pass). Without Redis (the embedded
default) the local cache's ``add`` and ``incr`` do the same under its lock.

When Redis cannot be reached, reads are let through (the catalogue stays readable) and changes
are refused with a 503 that says why: an unmetered write is what the budget exists to prevent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError
from rest_framework import permissions, status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from procurement.models import DepartmentAPIKey

if TYPE_CHECKING:  # rest_framework.views imports this module while it is being defined
    from rest_framework.views import APIView


class BudgetUnavailable(APIException):
    """The request budget cannot be counted (Redis is unreachable): changes wait. (Not
    config.api's ServiceUnavailable: DRF imports this module while config.api is loading.)"""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _(
        "The service that counts request budgets is unreachable, so changes are refused for now "
        "(reading still works). Nothing was changed; try again in a minute."
    )
    default_code = "budget_unavailable"


def count_in_window(key: str, seconds: int) -> tuple[int, int]:
    """Count one request in the window of ``key`` (opened now if none is open): the number of
    requests counted so far, this one included, and the seconds left in the window."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        # Django's Redis backend has no atomic "increment or create with expiry"; its client does.
        client = cache._cache.get_client(full_key, write=True)
        with client.pipeline(transaction=True) as pipe:
            pipe.set(full_key, 0, ex=seconds, nx=True)
            pipe.incr(full_key)
            pipe.ttl(full_key)
            _opened, count, left = pipe.execute()
        return int(count), max(int(left), 1)
    while True:
        cache.add(key, 0, timeout=seconds)
        try:
            return int(cache.incr(key)), seconds
        except ValueError:  # the window closed between add and incr: open the next one
            continue


class ClientRateThrottle(SimpleRateThrottle):
    """One budget per caller: ``key`` rate per API key, ``user`` rate per signed-in user,
    ``anon`` rate per client address (``DEFAULT_THROTTLE_RATES``)."""

    scope = "anon"
    seconds_left = 1

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
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        key = self.get_cache_key(request, view)
        try:
            count, self.seconds_left = count_in_window(key, int(self.duration))
        except RedisError:
            if request.method in permissions.SAFE_METHODS:
                return True
            raise BudgetUnavailable from None
        return count <= self.num_requests

    def get_cache_key(self, request: Request, view: APIView) -> str:
        if isinstance(request.auth, DepartmentAPIKey):
            ident = request.auth.prefix
        elif self.scope == "user":
            ident = str(request.user.pk)
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def wait(self) -> float:
        """Seconds until the window closes; at least 1, so a 429 always carries a Retry-After
        that a client can act on."""
        return float(max(1, self.seconds_left))
