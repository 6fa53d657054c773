"""Sign-in limits (config/signin.py): a guesser delays a named account, never locks it out;
made-up names from one address spend that address's own budget, not its officers'."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, password: str, address: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def age_attempts(seconds: float) -> None:
    """Let ``seconds`` pass for every failure recorded so far."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(seconds=seconds))


def fail_from_many_addresses(client, username: str, count: int, network: str) -> None:
    """``count`` wrong passwords, each from a new address once the delay has passed; the last
    one just now."""
    for failures in range(count):
        if failures >= settings.SIGNIN_DELAY_AFTER:
            age_attempts(min(2 ** (failures - settings.SIGNIN_DELAY_AFTER), 60))
        response = sign_in(client, username, "wrong-password", f"{network}.{failures + 1}")
        assert response.status_code == 200


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_wrong_passwords_from_one_address_do_not_stop_the_officer_at_another(client, alice):
    statuses = [sign_in(client, "alice", "wrong", "10.0.0.66").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the pair
    refused = sign_in(client, "alice", PASSWORD, "10.0.0.66")
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    assert "Too many failed sign-ins" in refused.content.decode()

    response = sign_in(client, "alice", PASSWORD, "10.0.0.7")  # her own office
    assert response.status_code == 302 and signed_in_as(client, alice)


def test_the_pair_lock_lifts_after_the_cool_off(client, alice):
    for _ in range(5):
        sign_in(client, "alice", "wrong-password", "10.0.1.1")
    assert sign_in(client, "alice", PASSWORD, "10.0.1.1").status_code == 429
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - dt.timedelta(minutes=16)
    )
    response = sign_in(client, "alice", PASSWORD, "10.0.1.1")
    assert response.status_code == 302 and signed_in_as(client, alice)


def test_made_up_names_from_one_address_do_not_lock_a_real_officer_there(client, bob):
    office = "10.0.2.1"  # one NAT address for the whole office
    statuses = [
        sign_in(client, f"nobody-{i}", "wrong-password", office).status_code for i in range(25)
    ]
    # The address's budget for names that are no account: the 20th failure locks it.
    limit = settings.SIGNIN_UNKNOWN_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}
    assert sign_in(client, "nobody-else", "wrong-password", office).status_code == 429
    # Another address is not affected, and the real officer at the office signs in.
    assert sign_in(client, "nobody-else", "wrong-password", "10.0.2.2").status_code == 200
    response = sign_in(client, "bob", PASSWORD, office)
    assert response.status_code == 302 and signed_in_as(client, bob)


def test_guessing_from_many_addresses_delays_the_account_but_never_locks_it(client, alice):
    fail_from_many_addresses(client, "alice", settings.SIGNIN_DELAY_AFTER + 3, "192.0.2")
    # A 14th guess from yet another address must wait (2**3 = 8 s after the last failure),
    # and is not even checked: the right password is refused too, with the wait in words.
    refused = sign_in(client, "alice", PASSWORD, "192.0.2.200")
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 8 and f"try again in {wait} second" in refused.content.decode()
    # Refused attempts are not counted: the delay does not grow while one waits.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 13

    # After the delay the officer signs in from anywhere: a delay, not a lock-out.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.latest("attempt_time").attempt_time
        - dt.timedelta(seconds=9)
    )
    response = sign_in(client, "alice", PASSWORD, "192.0.2.200")
    assert response.status_code == 302 and signed_in_as(client, alice)


def test_the_delay_grows_with_failures_up_to_a_minute(client, alice):
    fail_from_many_addresses(client, "alice", settings.SIGNIN_DELAY_AFTER + 12, "198.51.100")
    refused = sign_in(client, "alice", PASSWORD, "198.51.100.250")
    assert refused.status_code == 429
    assert 50 <= int(refused["Retry-After"]) <= settings.SIGNIN_DELAY_MAX == 60


def test_an_address_the_officer_signed_in_from_before_is_not_delayed(client, alice):
    assert sign_in(client, "alice", PASSWORD, "10.0.4.4").status_code == 302
    client.logout()
    fail_from_many_addresses(client, "alice", settings.SIGNIN_DELAY_AFTER + 5, "203.0.113")
    assert sign_in(client, "alice", PASSWORD, "203.0.113.250").status_code == 429
    response = sign_in(client, "alice", PASSWORD, "10.0.4.4")
    assert response.status_code == 302 and signed_in_as(client, alice)


def test_a_good_sign_in_lands_on_the_workloads_and_sessions_last_hours(client, alice):
    response = sign_in(client, "alice", PASSWORD, "10.0.3.1")
    assert response["Location"] == reverse("workload_list")
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_sign_out_is_a_post(client, alice):
    client.force_login(alice)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
