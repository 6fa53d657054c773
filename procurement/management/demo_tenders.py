"""The demo tender ``load_demo`` makes through the real services: the approved demo award
"Vaccination helpline" (a contract not begun) tendered by its department's officer, with two
bids received and sealed (the opening is three weeks away) — all marked demo. Idempotent: a
decision that has its tender is left as it is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from procurement import selectors, tendering
from procurement.engine.codec import to_jsonable
from procurement.models import Decision, Tender

DEPARTMENT = "demo-state-health"
TITLE = "Vaccination helpline"
OFFICER = "state-health-officer"
# (bidder, which surveyed serverless offer by its rank in the market survey, ₹ per million
# input and output tokens, local content %, MSE)
BIDS = (
    ("Demo Indic Cloud Services Pvt Ltd (fictitious)", 0, "38.00", "110.00", "72.00", True),
    ("Demo Global Inference Inc (fictitious)", 1, "30.00", "95.00", "10.00", False),
)


def ensure() -> bool:
    """Make the demo tender once; False when it is there already (or its award is missing)."""
    decision = (
        Decision.objects.filter(
            department__slug=DEPARTMENT,
            comparison__workload__title=TITLE,
            status=Decision.Status.APPROVED,
        )
        .select_related("comparison")
        .first()
    )
    if decision is None or Tender.objects.filter(planning_decision=decision).exists():
        return False
    officer = get_user_model().objects.get(username=OFFICER)
    now = timezone.now()
    tender = tendering.tender_create(
        user=officer,
        decision=decision,
        values=tendering.TenderValues(
            reference="DEMO/SH/2026/04",
            title=f"{TITLE} (demo tender)",
            bid_deadline=now + dt.timedelta(days=21, hours=1),
            opening_at=now + dt.timedelta(days=21, hours=2),
            benchmark_description="Demo: 300 vaccination questions in Hindi and English, with "
            "reference answers, held by the department (invented).",
            benchmark_rubric="Exact match against the reference answers; a wrong dose or "
            "schedule scores zero.",
            pass_mark=Decimal(75),
            price_basis="per_request",
            reference_tokeniser="",
            bid_security="declaration",
            emd_pct=None,
            performance_security_pct=Decimal(5),
            integrity_pact=False,
            price_revision_cap_pct=Decimal(5),
        ),
        is_demo=True,
    )
    surveyed = [
        offer
        for offer in selectors.comparison_inputs(decision.comparison).offers
        if offer.pricing_mode == "serverless"
    ]
    for bidder, rank, per_input, per_output, local, mse in BIDS:
        terms = to_jsonable(surveyed[rank], normalise=True)
        assert isinstance(terms, dict) and isinstance(terms["price"], dict)
        terms["price"] = {
            **terms["price"],
            "currency": "INR",
            "source_url": f"The bid of {bidder}",
            "input_per_mtok": per_input,
            "cached_input_per_mtok": None,
            "output_per_mtok": per_output,
        }
        tendering.bid_record(
            user=officer,
            tender=tender,
            values=tendering.BidValues(
                bidder_name=bidder,
                provider=None,
                offer=terms,
                local_content_pct=Decimal(local),
                local_content_certificate="self",
                local_content_location="Demo: Hyderabad, Telangana",
                mse=mse,
                udyam_number="UDYAM-DEMO-00-0000001" if mse else "",
                startup=False,
                received_at=now,
            ),
            is_demo=True,
        )
    return True
