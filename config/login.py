"""The username a sign-in attempt names, as django-axes records it (``AXES_USERNAME_CALLABLE``).

Axes stores the username of every failed attempt in a column of 255 characters; a longer one
(or one with a NUL, which PostgreSQL's text cannot hold) would fail that insert and answer the
sign-in page with a server error. No account has such a name (usernames are at most 150
characters), so it is recorded cut to the column and without NULs: the attempt still counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

AXES_USERNAME_LENGTH = 255  # axes.models.AccessBase.username


def attempted_username(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str | None:
    """The username of ``credentials`` (else of the posted form), as axes can store it."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username")
    if not isinstance(username, str):
        return None
    return username.replace("\x00", "")[:AXES_USERNAME_LENGTH]
