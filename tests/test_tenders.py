"""A tender is published from an approved planning decision; bids are recorded before the
deadline and stay sealed — no bidder, no figure, on any page or in any event — until an officer
opens them at or after the opening time, which records their fingerprint."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from procurement import tendering
from procurement.models import AuditEvent, Bid, BidOpening, Tender
from tests.tenders import (
    SEALED_BIDDER,
    SEALED_PRICE,
    approved_decision,
    bid_values,
    clock_at,
    tender_values,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(alice, bob, comparison):
    return approved_decision(alice, bob, comparison)


@pytest.fixture
def tender(alice, decision):
    return tendering.tender_create(user=alice, decision=decision, values=tender_values())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"bid_deadline": timezone.now() + dt.timedelta(days=10)}, "bid_deadline"),
        ({"opening_at": timezone.now() + dt.timedelta(days=21)}, "opening_at"),
        ({"pass_mark": Decimal("101")}, "pass_mark"),
        ({"bid_security": "emd", "emd_pct": Decimal("8")}, "emd_pct"),
        ({"performance_security_pct": Decimal("10")}, "performance_security_pct"),
        ({"price_basis": "reference_tokeniser"}, "reference_tokeniser"),
        ({"reference": "  "}, "reference"),
    ],
)
def test_a_tender_with_a_problem_is_refused_naming_the_field(alice, decision, overrides, field):
    with pytest.raises(ValidationError) as refused:
        tendering.tender_create(user=alice, decision=decision, values=tender_values(**overrides))
    assert field in refused.value.message_dict
    assert not Tender.objects.exists()


def test_only_an_officer_tenders_an_approved_decision_of_their_own_department(
    alice, bob, charlie, comparison
):
    from procurement import services

    proposed = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id
    )
    with pytest.raises(ValidationError):
        tendering.tender_create(user=alice, decision=proposed, values=tender_values())
    approved = services.decision_approve(user=bob, decision=proposed)
    for who in (bob, charlie):  # an approver; an officer of another department
        with pytest.raises(PermissionDenied):
            tendering.tender_create(user=who, decision=approved, values=tender_values())
    tender = tendering.tender_create(user=alice, decision=approved, values=tender_values())
    with pytest.raises(ValidationError):
        tendering.tender_create(user=alice, decision=approved, values=tender_values())
    event = AuditEvent.objects.get(action="tender.published")
    assert event.object_id == str(tender.pk)


def test_a_late_or_early_bid_and_bad_terms_are_refused(alice, tender, comparison):
    late = tender.bid_deadline + dt.timedelta(minutes=1)
    with clock_at(late), pytest.raises(ValidationError) as refused:
        tendering.bid_record(
            user=alice, tender=tender, values=bid_values(comparison, received_at=late)
        )
    assert "late bid" in refused.value.message_dict["received_at"][0]
    before = tender.published_at - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        tendering.bid_record(
            user=alice, tender=tender, values=bid_values(comparison, received_at=before)
        )
    assert "received_at" in refused.value.message_dict
    terms = bid_values(comparison).offer
    terms["price"] = {**terms["price"], "currency": "rupees"}
    with pytest.raises(ValidationError) as refused:
        tendering.bid_record(user=alice, tender=tender, values=bid_values(comparison, offer=terms))
    assert any("offer.price.currency" in m for m in refused.value.message_dict["offer"])
    with pytest.raises(ValidationError) as refused:
        tendering.bid_record(user=alice, tender=tender, values=bid_values(comparison, mse=True))
    assert "udyam_number" in refused.value.message_dict
    assert not Bid.objects.exists()


def test_a_bid_is_sealed_until_opened_at_or_after_the_opening_time(
    alice, bob, charlie, tender, comparison, client
):
    with pytest.raises(PermissionDenied):
        tendering.bid_record(user=charlie, tender=tender, values=bid_values(comparison))
    bid = tendering.bid_record(user=alice, tender=tender, values=bid_values(comparison))
    price = f"{SEALED_PRICE}"
    for who in (alice, bob):
        client.force_login(who)
        for url in (
            reverse("tender_detail", args=[tender.pk]),
            reverse("tender_list"),
            reverse("history"),
            reverse("decision_detail", args=[tender.planning_decision.pk]),
        ):
            page = client.get(url).content.decode()
            assert SEALED_BIDDER not in page and price not in page, url
    page = client.get(reverse("tender_detail", args=[tender.pk])).content.decode()
    assert "Sealed until the opening: 1 received" in page
    event = AuditEvent.objects.get(action="bid.recorded")
    assert SEALED_BIDDER not in event.summary + str(event.payload)
    assert price not in str(event.payload)
    with pytest.raises(ValidationError):
        tendering.tender_open(user=alice, tender=tender)
    with clock_at(tender.opening_at + dt.timedelta(minutes=5)):
        with pytest.raises(PermissionDenied):
            tendering.tender_open(user=bob, tender=tender)
        opening = tendering.tender_open(user=alice, tender=tender)
        with pytest.raises(ValidationError):
            tendering.tender_open(user=alice, tender=tender)
        with pytest.raises(ValidationError):
            tendering.bid_record(
                user=alice,
                tender=tender,
                values=bid_values(comparison, received_at=tender.bid_deadline),
            )
    assert opening.bids == 1 and opening.bids_sha256 == tendering.bids_sha256([bid])
    client.force_login(alice)
    page = client.get(reverse("tender_detail", args=[tender.pk])).content.decode()
    assert SEALED_BIDDER in page and opening.bids_sha256 in page


def test_the_pages_publish_a_tender_and_record_a_bid(alice, decision, comparison, client):
    client.force_login(alice)
    assert (
        b"Publish the tender" in client.get(reverse("decision_detail", args=[decision.pk])).content
    )
    deadline = timezone.localtime() + dt.timedelta(days=30)
    form = {
        "reference": "T-1",
        "title": "Helpdesk",
        "bid_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "opening_at": (deadline - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "benchmark_description": "Questions.",
        "benchmark_rubric": "Exact match.",
        "pass_mark": "70",
        "price_basis": "per_request",
        "bid_security": "declaration",
        "performance_security_pct": "5",
        "price_revision_cap_pct": "5",
    }
    refused = client.post(reverse("tender_create", args=[decision.pk]), form)
    assert refused.status_code == 400 and b"at or after the deadline" in refused.content
    form["opening_at"] = (deadline + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    made = client.post(reverse("tender_create", args=[decision.pk]), form)
    tender = Tender.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse(
        "tender_detail", args=[tender.pk]
    )
    offer = bid_values(comparison).offer["offer_id"]
    recorded = client.post(
        reverse("bid_record", args=[tender.pk]),
        {
            "bidder_name": "Bidder One",
            "offer": offer,
            "input_per_mtok": "12.5",
            "output_per_mtok": "40",
            "local_content_pct": "55",
            "local_content_certificate": "self",
            "local_content_location": "Chennai",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert recorded.status_code == 302
    bid = Bid.objects.get()
    assert (
        bid.offer["price"]["input_per_mtok"] == "12.5" and bid.offer["price"]["currency"] == "INR"
    )


def test_tenders_bids_and_openings_are_insert_only(alice, tender, comparison):
    bid = tendering.bid_record(user=alice, tender=tender, values=bid_values(comparison))
    if connection.vendor != "postgresql":
        pytest.skip("The insert-only triggers are PostgreSQL's.")
    with clock_at(tender.opening_at + dt.timedelta(minutes=1)):
        opening = tendering.tender_open(user=alice, tender=tender)
    for table, pk in (
        ("procurement_tender", tender.pk),
        ("procurement_bid", bid.pk),
        ("procurement_bidopening", opening.pk),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
    assert BidOpening.objects.count() == 1
