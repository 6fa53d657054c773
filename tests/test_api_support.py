"""Helpers of the API tests (no tests here): department administrators, persons, real API keys
made the way the key page makes them (each held by a person), and clients that send them."""

from __future__ import annotations

from rest_framework.test import APIClient

from procurement import api_keys
from procurement.models import Department, DepartmentAPIKey
from procurement.roles import APPROVER, DEPARTMENT_ADMINISTRATORS, OFFICER
from tests.conftest import make_user


def make_admin(department: Department):
    """The department's administrator (the role that manages its API keys)."""
    return make_user(f"admin-{department.slug}", department, DEPARTMENT_ADMINISTRATORS)


def make_person(department: Department, roles: tuple[str, ...], username: str = ""):
    """A person of ``department`` holding ``roles``."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    username = username or f"holder-{department.slug}-{get_user_model().objects.count() + 1}"
    person = make_user(username, department, roles[0])
    person.groups.add(*Group.objects.filter(name__in=roles))
    return person


def make_key(
    department: Department,
    roles: tuple[str, ...] = (OFFICER, APPROVER),
    name: str = "System",
    person=None,
) -> tuple[DepartmentAPIKey, str]:
    """A key of ``department`` held by ``person`` (by default a new person holding exactly
    ``roles``), issued by the holder to themselves as the key page does: (the row, the key's
    full text)."""
    person = person or make_person(department, roles)
    return api_keys.api_key_create(admin=person, person=person, name=name, roles=roles)


def client_with(key: str | None = None) -> APIClient:
    """An API client that sends ``Authorization: Api-Key <key>`` (nothing when key is None)."""
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client
