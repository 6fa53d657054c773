"""Department API keys: creating, revoking, listing and checking them.

A key belongs to one department and acts as its own *service account*: a user of that
department with no usable password, holding the roles the key was given (procurement officer,
approver). Requests made with the key authenticate as that user, so every permission and the
maker-checker rule of ``procurement.services`` apply to keys exactly as to people: a key that
proposed an award cannot approve it.

The key itself (``<prefix>.<secret>``) is returned once, by ``api_key_create``; only its SHA-512
hash is stored (djangorestframework-api-key). The prefix is not secret: pages show it so that an
administrator can recognise a key.

Tenancy: keys are fetched only through ``get_api_key_for_user`` (404 across departments, exactly
as for a missing key) and listed through ``api_key_list``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from procurement.audit import audit_record
from procurement.models import Department, DepartmentAPIKey, Membership
from procurement.roles import APPROVER, OFFICER
from procurement.selectors import department_of

# The roles a key may hold: a department's system proposes (officer) and may approve
# (approver), never manages keys or the catalogue.
KEY_ROLES = (OFFICER, APPROVER)
# last_used_at is written at most this often per key, so a busy key costs no write per request.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)
# The shape djangorestframework-api-key generates (8 + 32 letters and digits); anything else is
# refused before it reaches the database.
KEY_FORMAT = re.compile(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}")


def _admin(user: AbstractBaseUser | AnonymousUser, permission: str) -> tuple[Department, User]:
    """The department of an administrator holding ``permission``, and the administrator."""
    department = department_of(user)
    if department is None or not isinstance(user, User) or not user.has_perm(permission):
        raise PermissionDenied("Only a department administrator manages its API keys.")
    return department, user


# Reads --------------------------------------------------------------------------------------


def api_key_list(user: AbstractBaseUser | AnonymousUser) -> QuerySet[DepartmentAPIKey]:
    """The keys of the user's department, newest first, with their service accounts' roles."""
    department = department_of(user)
    if department is None:
        return DepartmentAPIKey.objects.none()
    return (
        DepartmentAPIKey.objects.filter(department=department)
        .select_related("created_by", "service_user")
        .prefetch_related("service_user__groups")
        .order_by("-created")
    )


def get_api_key_for_user(user: AbstractBaseUser | AnonymousUser, prefix: str) -> DepartmentAPIKey:
    """The key with this prefix in the user's department; Http404 otherwise (also across
    departments, so another department's prefix answers as a missing one does)."""
    department = department_of(user)
    if department is None:
        raise Http404("No such API key.")
    try:
        api_key: DepartmentAPIKey = DepartmentAPIKey.objects.select_related("service_user").get(
            prefix=prefix, department=department
        )
    except DepartmentAPIKey.DoesNotExist:
        raise Http404("No such API key.") from None
    return api_key


def api_key_roles(api_key: DepartmentAPIKey) -> list[str]:
    """The role names a key holds (from its service account's groups, prefetched in lists)."""
    return sorted(group.name for group in api_key.service_user.groups.all())


def api_key_authenticate(key: str) -> DepartmentAPIKey | None:
    """The usable key whose full text is ``key``, with its service account and department
    loaded, or None: unknown, malformed, revoked, expired, or its account deactivated.

    One query for the key, none for its user; marks the key used (see ``_mark_used``).
    """
    if not KEY_FORMAT.fullmatch(key):
        return None
    prefix = key.partition(".")[0]
    try:
        api_key: DepartmentAPIKey = (
            DepartmentAPIKey.objects.get_usable_keys()
            .select_related("department", "service_user__membership__department")
            .get(prefix=prefix)
        )
    except DepartmentAPIKey.DoesNotExist:
        return None
    user = api_key.service_user
    if not api_key.is_valid(key) or api_key.has_expired or not user.is_active:
        return None
    _mark_used(api_key)
    return api_key


def _mark_used(api_key: DepartmentAPIKey) -> None:
    """Record the time of use, at most once per ``LAST_USED_RESOLUTION`` per key.

    The key row was just read, so a recent ``last_used_at`` costs nothing; otherwise one UPDATE
    whose condition lets only one of several concurrent requests write it.
    """
    now = timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if api_key.last_used_at is not None and api_key.last_used_at >= stale:
        return
    DepartmentAPIKey.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=api_key.pk
    ).update(last_used_at=now)
    api_key.last_used_at = now


# Writes -------------------------------------------------------------------------------------


def _clean_request(name: str, roles: Iterable[str]) -> tuple[str, list[str]]:
    name = name.strip()
    roles = sorted(set(roles))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Name the key after the system that uses it, e.g. 'HMIS integration'."
    elif len(name) > 50:
        errors["name"] = "A key's name has at most 50 characters."
    if not roles:
        errors["roles"] = "Give the key at least one role."
    elif not set(roles) <= set(KEY_ROLES):
        errors["roles"] = f"A key may only hold these roles: {', '.join(KEY_ROLES)}."
    if errors:
        raise ValidationError(errors)
    return name, roles


@transaction.atomic
def api_key_create(
    *, admin: AbstractBaseUser | AnonymousUser, name: str, roles: Iterable[str]
) -> tuple[DepartmentAPIKey, str]:
    """Create a key of the administrator's department and its service account.

    Returns the key row and the full key, which is never stored and cannot be shown again.
    Raises PermissionDenied without the role, ValidationError (per field) for a bad name or role.
    """
    department, admin = _admin(admin, "procurement.add_departmentapikey")
    name, roles = _clean_request(name, roles)
    api_key = DepartmentAPIKey(name=name, department=department, created_by=admin)
    plaintext = DepartmentAPIKey.objects.assign_key(api_key)
    service_user = get_user_model().objects.create_user(
        f"api-{api_key.prefix}", first_name="API key", last_name=name
    )  # no password given: an unusable one, so the account can only act through its key
    service_user.groups.set(Group.objects.filter(name__in=roles))
    Membership.objects.create(
        user=service_user, department=department, designation=f"API key “{name}”"
    )
    api_key.service_user = service_user
    api_key.save(force_insert=True)
    # The key's own primary key embeds its hash and is too long for an audit reference; the
    # service account is the key's identity in every later event, so the event names it.
    audit_record(
        department=department,
        actor=admin,
        action="api_key.created",
        obj=service_user,
        summary=f"Created API key “{name}” ({api_key.prefix}) with roles: {', '.join(roles)}",
        payload={"prefix": api_key.prefix, "name": name, "roles": roles},
    )
    return api_key, plaintext


@transaction.atomic
def api_key_revoke(
    *, admin: AbstractBaseUser | AnonymousUser, api_key: DepartmentAPIKey
) -> DepartmentAPIKey:
    """Revoke a key for good and deactivate its service account (its records stay)."""
    department, admin = _admin(admin, "procurement.change_departmentapikey")
    if api_key.department_id != department.pk:
        raise PermissionDenied("Not your department's API key.")
    locked: DepartmentAPIKey = DepartmentAPIKey.objects.select_for_update().get(pk=api_key.pk)
    if locked.revoked:
        raise ValidationError("This key is already revoked.")
    locked.revoked = True
    locked.save(update_fields=["revoked"])
    get_user_model().objects.filter(pk=locked.service_user_id).update(is_active=False)
    audit_record(
        department=department,
        actor=admin,
        action="api_key.revoked",
        obj=locked.service_user,
        summary=f"Revoked API key “{locked.name}” ({locked.prefix})",
        payload={"prefix": locked.prefix, "name": locked.name},
    )
    return locked
