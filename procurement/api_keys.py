"""Department API keys: creating, revoking, listing and checking them.

A key belongs to one department and to one named *person* of it, its holder, who answers for
what it does. It acts as its own *service account*: a user of that department with no usable
password, granted some roles (procurement officer, approver). The key never acts with more than
its holder: the roles it is granted must be held by the holder and by whoever issues it (a key
administrator cannot grant a role they do not hold), and at every request the roles it acts
with are those granted that the holder *still* holds (``KeyHolderBackend``); a deactivated
holder's keys, or a holder who left the department, stop working. Audit events name the holder
(``audit.person_of``) and maker-checker compares holders, so one person cannot approve their own
proposal through any mix of keys and sign-ins.

Who issues: a key administrator (``add_departmentapikey``) issues keys to any active person of
the department, with roles both hold; anyone of the department may issue a key to themselves,
with roles they hold. A key administrator lists and revokes every key of the department; a
holder lists and revokes their own.

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
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

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


class KeyHolderBackend(ModelBackend):
    """Django's permissions, except that an API key's service account holds only the roles
    granted to it that its holder still holds, while the holder is active and of the key's
    department. One query for all of an account's permissions (``ModelBackend`` makes two),
    the holder's roles included, so checking a role costs a read no more than that."""

    def _held_groups(self, user_obj: User) -> QuerySet[Group]:
        keys = DepartmentAPIKey.objects.filter(service_user=user_obj.pk)
        held_by_holder = keys.filter(
            person__is_active=True,
            person__membership__department=F("department"),
            person__groups=OuterRef("pk"),
        )
        return Group.objects.filter(user=user_obj.pk).filter(~Exists(keys) | Exists(held_by_holder))

    def _get_group_permissions(self, user_obj: User) -> QuerySet[Permission]:
        return Permission.objects.filter(group__in=self._held_groups(user_obj))

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj.pk) | Q(group__in=self._held_groups(user_obj)))
            names = perms.order_by().values_list("content_type__app_label", "codename").distinct()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}
        return user_obj._perm_cache  # type: ignore[no-any-return]


def _person(user: AbstractBaseUser | AnonymousUser) -> tuple[Department, User]:
    """The department of a signed-in person (not a key's account), and the person."""
    department = department_of(user)
    if department is None or not isinstance(user, User) or hasattr(user, "api_key"):
        raise PermissionDenied(_("Only a person of the department manages its API keys."))
    return department, user


def person_roles(person: User) -> set[str]:
    """The key roles a person holds now."""
    return set(person.groups.filter(name__in=KEY_ROLES).values_list("name", flat=True))


# Reads --------------------------------------------------------------------------------------


def _keys_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[DepartmentAPIKey]:
    """The keys a user may see: the department's for a key administrator, their own else."""
    department = department_of(user)
    if department is None or not isinstance(user, User) or hasattr(user, "api_key"):
        return DepartmentAPIKey.objects.none()
    keys = DepartmentAPIKey.objects.filter(department=department)
    if not user.has_perm("procurement.view_departmentapikey"):
        keys = keys.filter(person=user.pk)
    return keys


def api_key_list(user: AbstractBaseUser | AnonymousUser) -> QuerySet[DepartmentAPIKey]:
    """The keys the user may see (``_keys_of``), newest first, with their holders and the roles
    of their service accounts and holders."""
    return (
        _keys_of(user)
        .select_related("created_by", "service_user", "person")
        .prefetch_related("service_user__groups", "person__groups")
        .order_by("-created")
    )


def get_api_key_for_user(user: AbstractBaseUser | AnonymousUser, prefix: str) -> DepartmentAPIKey:
    """The key with this prefix among those the user may see; Http404 otherwise (also across
    departments, so another department's prefix answers as a missing one does)."""
    try:
        api_key: DepartmentAPIKey = (
            _keys_of(user).select_related("service_user", "person").get(prefix=prefix)
        )
    except DepartmentAPIKey.DoesNotExist:
        raise Http404(_("No such API key.")) from None
    return api_key


def api_key_roles(api_key: DepartmentAPIKey) -> list[str]:
    """The roles a key acts with: those granted to it that its holder still holds (from the
    groups prefetched in lists)."""
    granted = {group.name for group in api_key.service_user.groups.all()}
    held = {group.name for group in api_key.person.groups.all()}
    return sorted(granted & held if api_key.person.is_active else set())


def api_key_persons(user: AbstractBaseUser | AnonymousUser) -> QuerySet[User]:
    """The persons ``user`` may issue a key to: every active person of the department for a
    key administrator, themselves otherwise."""
    department = department_of(user)
    if department is None or not isinstance(user, User) or hasattr(user, "api_key"):
        return User.objects.none()
    persons = User.objects.filter(
        membership__department=department, is_active=True, api_key__isnull=True
    )
    if not user.has_perm("procurement.add_departmentapikey"):
        persons = persons.filter(pk=user.pk)
    return persons.order_by("last_name", "first_name", "username")


def api_key_authenticate(key: str) -> DepartmentAPIKey | None:
    """The usable key whose full text is ``key``, with its service account, holder and
    department loaded, or None: unknown, malformed, revoked, expired, its account deactivated,
    or its holder deactivated or no longer of the key's department.

    One query for the key, none for its user or holder (so ``audit.person_of`` costs nothing);
    marks the key used (see ``_mark_used``).
    """
    if not KEY_FORMAT.fullmatch(key):
        return None
    prefix = key.partition(".")[0]
    try:
        api_key: DepartmentAPIKey = (
            DepartmentAPIKey.objects.get_usable_keys()
            .select_related(
                "department", "service_user__membership__department", "person__membership"
            )
            .get(prefix=prefix)
        )
    except DepartmentAPIKey.DoesNotExist:
        return None
    user, person = api_key.service_user, api_key.person
    if not api_key.is_valid(key) or api_key.has_expired or not user.is_active:
        return None
    holder_membership = getattr(person, "membership", None)
    if not person.is_active or holder_membership is None:
        return None
    if holder_membership.department_id != api_key.department_id:
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


def _clean_request(
    issuer: User, person: User | None, name: str, roles: Iterable[str]
) -> tuple[str, list[str]]:
    name = name.strip()
    roles = sorted(set(roles))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Name the key after the system that uses it, e.g. 'HMIS integration'.")
    elif len(name) > 50:
        errors["name"] = _("A key's name has at most %(limit)s characters.") % {"limit": 50}
    if person is None:
        errors["person"] = _("Choose the person who answers for what the key does.")
    if not roles:
        errors["roles"] = _("Give the key at least one role.")
    elif not set(roles) <= set(KEY_ROLES):
        errors["roles"] = _("A key may only hold these roles: %(roles)s.") % {
            "roles": ", ".join(KEY_ROLES)
        }
    elif person is not None:
        missing_issuer = set(roles) - person_roles(issuer)
        missing_person = set(roles) - person_roles(person)
        if missing_issuer:
            errors["roles"] = _("You cannot grant a role you do not hold yourself: %(roles)s.") % {
                "roles": ", ".join(sorted(missing_issuer))
            }
        elif missing_person:
            errors["roles"] = _(
                "%(person)s does not hold: %(roles)s. A key acts with at most its holder's roles."
            ) % {
                "person": person.get_full_name() or person.get_username(),
                "roles": ", ".join(sorted(missing_person)),
            }
    if errors:
        raise ValidationError(errors)
    return name, roles


@transaction.atomic
def api_key_create(
    *,
    admin: AbstractBaseUser | AnonymousUser,
    person: User | None,
    name: str,
    roles: Iterable[str],
) -> tuple[DepartmentAPIKey, str]:
    """Create a key of the issuer's department held by ``person``, and its service account.

    ``admin`` issues it: a key administrator to any active person of the department, anyone to
    themselves. The roles must be held by both the issuer and the holder.

    Returns the key row and the full key, which is never stored and cannot be shown again.
    Raises PermissionDenied when the issuer may not issue a key to this person, ValidationError
    (per field) for a bad name, holder or role.
    """
    department, admin = _person(admin)
    others = person is not None and person.pk != admin.pk
    if others and not admin.has_perm("procurement.add_departmentapikey"):
        raise PermissionDenied(_("Only a key administrator issues keys to other persons."))
    if person is not None and not api_key_persons(admin).filter(pk=person.pk).exists():
        raise ValidationError(
            {"person": _("Choose an active person of your department (not another key).")}
        )
    name, roles = _clean_request(admin, person, name, roles)
    api_key = DepartmentAPIKey(name=name, department=department, created_by=admin, person=person)
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
    holder = person.get_username() if person else ""
    # The key's own primary key embeds its hash and is too long for an audit reference; the
    # service account is the key's identity in every later event, so the event names it.
    audit_record(
        department=department,
        actor=admin,
        action="api_key.created",
        obj=service_user,
        summary=f"Created API key “{name}” ({api_key.prefix}) held by {holder} "
        f"with roles: {', '.join(roles)}",
        payload={"prefix": api_key.prefix, "name": name, "roles": roles, "person": holder},
    )
    return api_key, plaintext


@transaction.atomic
def api_key_revoke(
    *, admin: AbstractBaseUser | AnonymousUser, api_key: DepartmentAPIKey
) -> DepartmentAPIKey:
    """Revoke a key for good and deactivate its service account (its records stay). A key
    administrator revokes any key of the department, a holder their own."""
    department, admin = _person(admin)
    if api_key.department_id != department.pk:
        raise PermissionDenied(_("Not your department's API key."))
    if api_key.person_id != admin.pk and not admin.has_perm("procurement.change_departmentapikey"):
        raise PermissionDenied(_("Only a key administrator or the key's holder revokes it."))
    locked: DepartmentAPIKey = DepartmentAPIKey.objects.select_for_update().get(pk=api_key.pk)
    if locked.revoked:
        raise ValidationError(_("This key is already revoked."))
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
