"""Sign-in: password guessing is bounded per account, even from many addresses, with a cool-off."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, password: str, address: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_wrong_passwords_lock_the_account_even_from_rotating_addresses(client, alice):
    for attempt in range(5):
        response = sign_in(client, "alice", "wrong-password", f"10.0.0.{attempt + 1}")
        assert response.status_code in (200, 429)
    # The right password, from a sixth address never seen before, is still refused.
    response = sign_in(client, "alice", PASSWORD, "10.0.0.99")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_lifts_after_the_cool_off(client, alice):
    for attempt in range(5):
        sign_in(client, "alice", "wrong-password", f"10.0.1.{attempt + 1}")
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - dt.timedelta(minutes=16)
    )
    response = sign_in(client, "alice", PASSWORD, "10.0.1.50")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(alice.pk)


def test_many_accounts_guessed_from_one_address_lock_the_address(client, alice, bob, charlie):
    for username in ("alice", "bob", "charlie", "dave", "erin"):
        sign_in(client, username, "wrong-password", "10.0.2.1")
    assert sign_in(client, "bob", PASSWORD, "10.0.2.1").status_code == 429
    assert sign_in(client, "bob", PASSWORD, "10.0.2.2").status_code == 302


def test_a_good_sign_in_lands_on_the_workloads_and_sessions_last_hours(client, alice):
    response = sign_in(client, "alice", PASSWORD, "10.0.3.1")
    assert response["Location"] == reverse("workload_list")
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_sign_out_is_a_post(client, alice):
    client.force_login(alice)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
