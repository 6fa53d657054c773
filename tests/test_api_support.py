"""Helpers of the API tests (no tests here): department administrators, real API keys made the
way the key page makes them, and clients that send them."""

from __future__ import annotations

from rest_framework.test import APIClient

from procurement import api_keys
from procurement.models import Department, DepartmentAPIKey
from procurement.roles import APPROVER, DEPARTMENT_ADMINISTRATORS, OFFICER
from tests.conftest import make_user


def make_admin(department: Department):
    """The department's administrator (the role that manages its API keys)."""
    return make_user(f"admin-{department.slug}", department, DEPARTMENT_ADMINISTRATORS)


def make_key(
    department: Department, roles: tuple[str, ...] = (OFFICER, APPROVER), name: str = "System"
) -> tuple[DepartmentAPIKey, str]:
    """A key of ``department`` created by its administrator: (the row, the key's full text)."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.filter(username=f"admin-{department.slug}").first()
    return api_keys.api_key_create(admin=admin or make_admin(department), name=name, roles=roles)


def client_with(key: str | None = None) -> APIClient:
    """An API client that sends ``Authorization: Api-Key <key>`` (nothing when key is None)."""
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client
