"""`check --deploy`: no demo account may be active with the published demo password.

``load_demo`` creates one account for every role of every demo department, and a platform
administrator, all with the password the README prints. A production instance that still has one
of them active, with that password, is open to anyone who has read the README.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core import checks
from django.db import DatabaseError

from procurement.management.commands.load_demo import DEMO_PASSWORD, demo_users


def check_demo_accounts(**kwargs: Any) -> list[checks.CheckMessage]:
    """An error naming every active demo account whose password is still the demo password.
    Only the demo usernames are tried: each try costs one password hash."""
    names = [username for username, *_ in demo_users()] + ["admin"]
    try:
        accounts = list(get_user_model().objects.filter(username__in=names, is_active=True))
    except DatabaseError:
        return []  # no tables yet (before migrate): nothing to check
    exposed = sorted(a.get_username() for a in accounts if a.check_password(DEMO_PASSWORD))
    if not exposed:
        return []
    return [
        checks.Error(
            f"{len(exposed)} active account(s) still have the demo password printed in the "
            f"README: {', '.join(exposed)}.",
            hint="Deactivate them or set new passwords (manage.py changepassword USERNAME); a "
            "production instance creates its administrator with createsuperuser.",
            id="procurement.E003",
        )
    ]
