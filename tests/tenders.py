"""Builders for tests of tenders and bids: an approved planning decision of department A, its
tender, a bid for one of its surveyed offers, and a clock past the opening time."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

from django.utils import timezone

from procurement import selectors, services, tendering
from procurement.engine.codec import to_jsonable

# What no one may see before the bids are opened: the bidder's name and its price.
SEALED_BIDDER = "Sealed Bidder Marker Pvt Ltd"
SEALED_PRICE = Decimal("987.6543")


def approved_decision(officer: Any, approver: Any, comparison: Any) -> Any:
    decision = services.decision_propose(
        user=officer, comparison=comparison, offer_id=comparison.recommended_offer_id
    )
    return services.decision_approve(user=approver, decision=decision)


def tender_values(**overrides: Any) -> tendering.TenderValues:
    now = timezone.now()
    fields: dict[str, Any] = {
        "reference": "DOH/IT/2026/17",
        "title": "Citizen helpdesk inference",
        "bid_deadline": now + dt.timedelta(days=22),
        "opening_at": now + dt.timedelta(days=22, hours=1),
        "benchmark_description": "400 helpdesk questions in Hindi and English.",
        "benchmark_rubric": "Exact match against reference answers.",
        "pass_mark": Decimal("70"),
        "price_basis": "per_request",
        "reference_tokeniser": "",
        "bid_security": "declaration",
        "emd_pct": None,
        "performance_security_pct": Decimal("5"),
        "integrity_pact": False,
        "price_revision_cap_pct": Decimal("5"),
    }
    return tendering.TenderValues(**(fields | overrides))


def offer_terms(comparison: Any, price: Decimal = SEALED_PRICE) -> dict[str, Any]:
    """A surveyed serverless offer of ``comparison`` at ``price`` rupees per million tokens."""
    offer = next(
        o for o in selectors.comparison_inputs(comparison).offers if o.pricing_mode == "serverless"
    )
    terms = to_jsonable(offer, normalise=True)
    assert isinstance(terms, dict)
    terms["price"] = {
        **terms["price"],
        "currency": "INR",
        "input_per_mtok": str(price),
        "output_per_mtok": str(price),
        "cached_input_per_mtok": None,
    }
    return terms


def bid_values(comparison: Any, **overrides: Any) -> tendering.BidValues:
    fields: dict[str, Any] = {
        "bidder_name": SEALED_BIDDER,
        "provider": None,
        "offer": offer_terms(comparison),
        "local_content_pct": Decimal("62.5"),
        "local_content_certificate": "self",
        "local_content_location": "Pune, Maharashtra",
        "mse": False,
        "udyam_number": "",
        "startup": False,
        "received_at": timezone.now(),
    }
    return tendering.BidValues(**(fields | overrides))


@contextmanager
def clock_at(moment: dt.datetime):
    """Django's clock at ``moment`` (``timezone.now`` and every auto_now_add)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield
