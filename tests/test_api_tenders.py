"""/api/v1/tenders/: a department's system publishes a tender from an approved decision, posts
the bids it received (sealed: the tender says how many, its bids list answers 409) and opens
them at the opening time; another department's key sees none of it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.models import Bid, Tender
from procurement.roles import APPROVER, OFFICER
from tests.tenders import SEALED_BIDDER, SEALED_PRICE, approved_decision, bid_values, clock_at
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(alice, bob, comparison):
    return approved_decision(alice, bob, comparison)


def tender_body(decision, **overrides):
    now = timezone.now()
    return {
        "planning_decision": decision.pk,
        "reference": "API/T/1",
        "title": "Helpdesk",
        "bid_deadline": (now + dt.timedelta(days=25)).isoformat(),
        "opening_at": (now + dt.timedelta(days=25, hours=2)).isoformat(),
        "benchmark_description": "Questions.",
        "benchmark_rubric": "Exact match.",
        "pass_mark": "70.00",
        "price_basis": "per_request",
        "bid_security": "declaration",
        "performance_security_pct": "5.00",
        "integrity_pact": True,
        "price_revision_cap_pct": "5.00",
    } | overrides


def bid_body(comparison):
    values = bid_values(comparison)
    return {
        "bidder_name": values.bidder_name,
        "offer": values.offer,
        "local_content_pct": "62.50",
        "local_content_certificate": "self",
        "local_content_location": "Pune",
        "mse": False,
        "startup": True,
        "received_at": timezone.now().isoformat(),
    }


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_system_publishes_a_tender_posts_a_sealed_bid_and_opens_it(
    alice, bob, decision, comparison, departments
):
    _, key = make_key(alice.membership.department, (OFFICER,), "Tender system", person=alice)
    client = client_with(key)
    made = post(client, reverse("api:tender-list"), tender_body(decision))
    assert made.status_code == 201, made.json()
    tender = Tender.objects.get()
    url = reverse("api:tender-detail", args=[tender.pk])
    bids_url = reverse("api:tender-bids", args=[tender.pk])
    recorded = post(client, bids_url, bid_body(comparison))
    assert recorded.status_code == 201 and recorded.json()["sealed"] is True
    shown = client.get(url)
    assert shown.json()["bids_received"] == 1 and shown.json()["opened_at"] is None
    for answer in (shown, recorded, client.get(reverse("api:tender-list"))):
        assert SEALED_BIDDER not in answer.content.decode()
        assert str(SEALED_PRICE) not in answer.content.decode()
    sealed = client.get(bids_url)
    assert sealed.status_code == 409 and "sealed" in sealed.json()["detail"]
    too_soon = post(client, reverse("api:tender-open", args=[tender.pk]), {})
    assert too_soon.status_code == 409
    _, approver_key = make_key(bob.membership.department, (APPROVER,), "Approver", person=bob)
    assert post(client_with(approver_key), bids_url, bid_body(comparison)).status_code == 403
    with clock_at(tender.opening_at + dt.timedelta(minutes=1)):
        opened = post(client, reverse("api:tender-open", args=[tender.pk]), {})
        assert opened.status_code == 200 and opened.json()["bids_sha256"]
        late = post(client, bids_url, bid_body(comparison))
        assert late.status_code == 409
    bids = client.get(bids_url).json()
    assert [b["bidder_name"] for b in bids] == [SEALED_BIDDER]
    assert Bid.objects.count() == 1


def test_bad_tenders_and_bids_are_refused_by_field_and_other_departments_see_nothing(
    alice, charlie, decision, comparison
):
    _, key = make_key(alice.membership.department, (OFFICER,), "Tender system", person=alice)
    client = client_with(key)
    early = tender_body(decision, bid_deadline=timezone.now().isoformat())
    refused = post(client, reverse("api:tender-list"), early)
    assert refused.status_code == 409 and "bid_deadline" in refused.json()["detail"]
    blank = post(client, reverse("api:tender-list"), tender_body(decision, title="   "))
    assert blank.status_code == 400 and "title" in blank.json()
    assert post(client, reverse("api:tender-list"), tender_body(decision)).status_code == 201
    tender = Tender.objects.get()
    body = bid_body(comparison)
    body["offer"] = {**body["offer"], "context_window": -5}
    refused = post(client, reverse("api:tender-bids", args=[tender.pk]), body)
    assert refused.status_code == 400 and "offer" in refused.json()
    _, other = make_key(charlie.membership.department, (OFFICER,), "Other", person=charlie)
    stranger = client_with(other)
    assert stranger.get(reverse("api:tender-detail", args=[tender.pk])).status_code == 404
    assert stranger.get(reverse("api:tender-list")).json()["results"] == []
    assert (
        post(
            stranger, reverse("api:tender-bids", args=[tender.pk]), bid_body(comparison)
        ).status_code
        == 404
    )
    again = post(client, reverse("api:tender-list"), tender_body(decision))
    assert again.status_code == 409
