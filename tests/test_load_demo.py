"""`manage.py load_demo`, which `make run` calls: demo catalogue and demo users, idempotently."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from procurement.management.commands.load_demo import DEMO_PASSWORD
from procurement.roles import CATALOGUE_ADMINISTRATORS

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_running_it_twice_changes_nothing_the_second_time():
    first = run()
    assert "Demo users: 2 created" in first
    second = run()
    total = next(line for line in second.splitlines() if line.startswith("total")).split()
    assert total[1:3] == ["0", "0"] and int(total[3]) > 0
    assert "Demo users: 0 created, 2 already present." in second
    assert f"password for each: {DEMO_PASSWORD}" in second


def test_demo_users_can_sign_in_with_their_roles():
    run()
    admin = authenticate(username="admin", password=DEMO_PASSWORD)
    catalogue = authenticate(username="catalogue", password=DEMO_PASSWORD)
    assert admin.is_superuser
    assert catalogue.is_staff and not catalogue.is_superuser
    assert catalogue.groups.filter(name=CATALOGUE_ADMINISTRATORS).exists()
    assert catalogue.has_perm("providers.change_pricerecord")
    assert not catalogue.has_perm("auth.change_user")


def test_an_existing_demo_user_keeps_a_changed_password():
    run()
    user = get_user_model().objects.get(username="catalogue")
    user.set_password("a-new-long-password-2026")
    user.save()
    run()
    assert authenticate(username="catalogue", password="a-new-long-password-2026")


def test_catalogue_administrators_can_edit_the_catalogue_in_the_admin(client):
    run()
    client.login(username="catalogue", password=DEMO_PASSWORD)
    for path in ("/admin/providers/offering/", "/admin/providers/pricerecord/?q=sarvam"):
        assert client.get(path).status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
