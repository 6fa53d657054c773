"""Throttling: one budget per API key, per signed-in user and per address; a 429 says when to
retry, in a Retry-After header and in its body; a forged X-Forwarded-For makes no new caller."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from procurement.api.throttling import ClientRateThrottle, count_in_window
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db

RATES = {"anon": "5/minute", "key": "5/minute", "user": "5/minute"}


def throttled(**rest_framework):
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": RATES,
            **rest_framework,
        }
    )


def forged_requests(client, url: str, count: int = 20) -> list[int]:
    """``count`` requests, each claiming to come from a new address."""
    return [
        client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(count)
    ]


@throttled()
def test_a_forged_x_forwarded_for_does_not_dodge_the_anonymous_limit(db, capsys):
    statuses = forged_requests(client_with(), reverse("api:provider-list"))
    blocked = statuses.count(429)
    with capsys.disabled():
        print(f"\nforged X-Forwarded-For, anonymous: {blocked}/20 requests throttled")
    assert statuses[:5] == [200] * 5 and blocked == 15


@throttled()
def test_each_key_has_its_own_budget_whatever_address_it_claims(departments, capsys):
    _, first = make_key(departments[0], name="First")
    _, second = make_key(departments[0], name="Second")
    statuses = forged_requests(client_with(first), reverse("api:ping"))
    blocked = statuses.count(429)
    with capsys.disabled():
        print(f"forged X-Forwarded-For, one key: {blocked}/20 requests throttled")
    assert blocked == 15
    assert client_with(second).get(reverse("api:ping")).status_code == 200


@throttled()
def test_a_429_says_when_to_retry(departments):
    _, key = make_key(departments[0])
    client = client_with(key)
    for _ in range(5):
        assert client.get(reverse("api:ping")).status_code == 200
    response = client.get(reverse("api:ping"))
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    assert response.json() == {
        "detail": f"Request was throttled. Expected available in {wait} seconds.",
        "retry_after": wait,
    }


@throttled(NUM_PROXIES=1)
def test_behind_one_proxy_the_address_the_proxy_saw_is_the_callers(db):
    """With one proxy, the last X-Forwarded-For entry (the one our proxy appended) counts, so
    callers behind the proxy are told apart and whatever they forged before it is ignored."""
    client = client_with()
    url = reverse("api:provider-list")
    claims = [f"198.51.100.{i}, 203.0.113.7" for i in range(6)]
    assert [client.get(url, HTTP_X_FORWARDED_FOR=c).status_code for c in claims][-1] == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_the_default_rates_leave_room_for_the_test_suite_and_schemathesis():
    """Defaults of DJANGO_ANON_THROTTLE and DJANGO_API_THROTTLE: a key or user may make 100
    requests a second, more than schemathesis sends to one server."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    per_second = {
        scope: count / seconds
        for scope, (count, seconds) in (
            (scope, ClientRateThrottle().parse_rate(rate)) for scope, rate in rates.items()
        )
    }
    assert per_second["key"] >= 100 and per_second["user"] >= 100 and per_second["anon"] >= 10


@pytest.mark.redis
@throttled(DEFAULT_THROTTLE_RATES={**RATES, "anon": "600/minute"})
def test_concurrent_requests_never_pass_more_than_the_budget(db, capsys):
    """1,200 requests at once from one address against a budget of 600, counted in the real
    Redis: exactly 600 pass (DRF's read-append-write throttle let 660 through)."""
    assert isinstance(caches["default"], RedisCache), "this test needs REDIS_URL"
    budget, callers = 600, 48
    start = Barrier(callers)

    def burst(_: int) -> int:
        start.wait()
        passed = 0
        for _ in range(1200 // callers):
            request = Request(APIRequestFactory().get("/api/v1/providers/", REMOTE_ADDR="10.9.9.9"))
            passed += ClientRateThrottle().allow_request(request, None)
        return passed

    with ThreadPoolExecutor(callers) as pool:
        passed = sum(pool.map(burst, range(callers)))
    with capsys.disabled():
        print(f"\n1,200 concurrent requests, budget {budget}: {passed} passed")
    assert passed == budget


@pytest.mark.redis
@throttled()
def test_a_window_closes_after_its_duration(db):
    assert count_in_window("throttle_test_window", 1) == (1, 1)
    assert count_in_window("throttle_test_window", 1)[0] == 2
    time.sleep(1.1)
    assert count_in_window("throttle_test_window", 1)[0] == 1  # a new window, not a stuck key
