"""Sign-in guessing limits (django-axes): what each party can do, and to whom.

* **A named account from one address**: five wrong passwords lock that *pair* (the account from
  that address) for ``AXES_COOLOFF_TIME``. The same account from any other address is not
  locked, so a guesser cannot lock an officer out from everywhere.
* **A named account from many addresses**: after ``SIGNIN_DELAY_AFTER`` failures in the cool-off
  window, from anywhere, every further attempt on the account waits a delay that doubles with each
  failure, up to ``SIGNIN_DELAY_MAX`` seconds since the account's last failure: guessing slows to
  about one password a minute per account, and the real officer waits at most that long. An
  address from which the account has signed in successfully before (within
  ``SIGNIN_KNOWN_ADDRESS_DAYS``) is exempt: at the office, the officer is not delayed at all.
* **Names that are no account, from one address** (scanning for accounts): they share one budget
  per address, ``SIGNIN_UNKNOWN_LIMIT`` failures per cool-off window, after which attempts on
  such names from that address are refused. Real accounts signing in from the same address —
  an office behind one NAT — are not affected.

A refusal is a 429 page that says how long to wait. Refused attempts are not counted, so they do
not extend anyone's wait.

Axes stores the username of every failed attempt in a column of 255 characters; a longer one (or
one with a NUL, which PostgreSQL's text cannot hold) would fail that insert and answer the sign-in
page with a server error. No account has such a name (usernames are at most 150 characters), so
it is recorded cut to the column and without NULs (``attempted_username``): the attempt still
counts.

This module imports no app; settings name its functions (``AXES_HANDLER``,
``AXES_LOCKOUT_PARAMETERS``, ``AXES_FAILURE_LIMIT``, ``AXES_LOCKOUT_CALLABLE``,
``AXES_USERNAME_CALLABLE``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessBase, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def _username(request_or_attempt: HttpRequest | AccessBase, credentials: Any) -> str:
    if isinstance(request_or_attempt, AccessBase):
        return request_or_attempt.username or ""
    return get_client_username(request_or_attempt, credentials) or ""


def is_account(username: str) -> bool:
    model = get_user_model()
    longest = getattr(model._meta.get_field(model.USERNAME_FIELD), "max_length", None) or 150
    if not username or "\x00" in username or len(username) > longest:
        return False  # no account has such a name (and PostgreSQL refuses NUL in a query)
    return bool(model._default_manager.filter(**{model.USERNAME_FIELD: username}).exists())


def lockout_parameters(
    request_or_attempt: HttpRequest | AccessBase, credentials: Any = None
) -> list[str | list[str]]:
    """An account is counted per (account, address); names that are no account per address."""
    if is_account(_username(request_or_attempt, credentials)):
        return [["username", "ip_address"]]
    return ["ip_address"]


def failure_limit(request: HttpRequest, credentials: Any = None) -> int:
    if is_account(_username(request, credentials)):
        return int(settings.SIGNIN_PAIR_LIMIT)
    return int(settings.SIGNIN_UNKNOWN_LIMIT)


def account_wait(request: HttpRequest, credentials: Any, now: dt.datetime) -> int:
    """Seconds this sign-in attempt on a named account must still wait (0: none)."""
    username = _username(request, credentials)
    if not is_account(username):
        return 0
    cool_off = get_cool_off(request) or dt.timedelta(0)
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - cool_off)
    tally = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures, last = tally["failures"] or 0, tally["last"]
    if failures < settings.SIGNIN_DELAY_AFTER or last is None:
        return 0
    known_since = now - dt.timedelta(days=settings.SIGNIN_KNOWN_ADDRESS_DAYS)
    if AccessLog.objects.filter(
        username=username,
        ip_address=get_client_ip_address(request),
        attempt_time__gte=known_since,
    ).exists():
        return 0
    doublings = min(int(failures) - int(settings.SIGNIN_DELAY_AFTER), 16)
    delay = min(1 << doublings, int(settings.SIGNIN_DELAY_MAX))
    since_last: dt.timedelta = now - last
    return max(0, math.ceil(delay - since_last.total_seconds()))


class SignInHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the per-account delay."""

    def is_locked(self, request: HttpRequest, credentials: Any = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        wait = account_wait(request, credentials, timezone.now())
        request.signin_wait = wait  # type: ignore[attr-defined]
        return wait > 0


def refusal(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """The page of a refused sign-in: how long to wait, in words."""
    wait = getattr(request, "signin_wait", 0)
    cool_off = get_cool_off(request) or dt.timedelta(0)
    context = {
        "wait_seconds": wait,
        "cool_off_minutes": int(cool_off.total_seconds() // 60),
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(wait or int(cool_off.total_seconds()))
    return response


AXES_USERNAME_LENGTH = 255  # axes.models.AccessBase.username


def attempted_username(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str | None:
    """The username of ``credentials`` (else of the posted form), as axes can store it."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username")
    if not isinstance(username, str):
        return None
    return username.replace("\x00", "")[:AXES_USERNAME_LENGTH]
