"""An award's contribution to the national figures, hand-checked against the TCO it comes from."""

from __future__ import annotations

from decimal import Decimal

import pytest

from procurement.engine import compare
from procurement.engine.national import award_contribution
from procurement.engine.snapshot import CompareOptions, SnapshotInputs
from tests.engine.builders import (
    DECISION,
    INDIA,
    STATE,
    USD,
    foreign_offer,
    offer,
    price,
    provider,
    workload,
)

D = Decimal


def _case(dom_output_price: int, policy=INDIA):
    offers = (
        foreign_offer("foreign", price=price(output_per_mtok=D(100), input_per_mtok=D(0))),
        offer(
            "dom",
            price=price(output_per_mtok=D(dom_output_price), input_per_mtok=D(0)),
            provider=provider(local_content_pct=D(30)),
        ),
    )
    w = workload(term_years=2, mean_input_tokens=D(0), mean_output_tokens=D(1000))
    inputs = SnapshotInputs(DECISION, w, offers, policy, (USD,), CompareOptions())
    return inputs, compare(w, offers, policy, [USD], DECISION)


def test_a_foreign_operators_award_names_the_premium_that_would_have_moved_it() -> None:
    inputs, result = _case(130)
    foreign, dom = result.offer("foreign"), result.offer("dom")
    assert foreign.tco is not None and dom.tco is not None
    c = award_contribution(inputs, result, "foreign")
    assert c.hosting == foreign.hosting == "foreign_operator_in_country"
    assert c.inferences == foreign.tco.total_requests > 0
    assert c.first_year_inferences == foreign.tco.years[0].requests
    assert c.first_year_inferences < c.inferences
    assert (c.output_tokens, c.input_tokens) == (c.inferences * 1000, 0)
    assert (c.nominal_inr, c.npv_inr) == (foreign.tco.nominal_total_inr, foreign.tco.npv_inr)
    assert c.premium_paid_inr == D("0.00")
    assert c.shift_premium_pct == D("30.00")
    assert c.shift_extra_inr == dom.tco.nominal_total_inr - foreign.tco.nominal_total_inr > 0


def test_a_domestic_award_over_a_cheaper_foreign_one_records_the_premium_paid() -> None:
    inputs, result = _case(110, STATE)
    assert result.recommendation.award.offer_id == "dom"
    dom, foreign = result.offer("dom"), result.offer("foreign")
    assert dom.tco is not None and foreign.tco is not None
    c = award_contribution(inputs, result, "dom")
    assert c.hosting == "domestic_operator"
    assert c.premium_paid_inr == dom.tco.nominal_total_inr - foreign.tco.nominal_total_inr > 0
    assert (c.shift_premium_pct, c.shift_extra_inr) == (None, None)
    assert "already domestic" in c.shift_note


def test_an_offer_that_was_not_eligible_is_refused() -> None:
    inputs, result = _case(130)
    with pytest.raises(KeyError):
        award_contribution(inputs, result, "nobody")
