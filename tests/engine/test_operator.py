"""Domestic infrastructure follows the operator of the region, not the supplier who resells it.

The rule tested: the India pack's definition of domestic infrastructure (packs/india-default.json,
``domestic_infrastructure``; DESIGN §4.3) — "prompts processed and data and logs stored in India on
regions operated by an operator owned and incorporated in India (the legal entity that owns and
controls the data-centre region, not the reseller)". The supplier's own headquarters and
ownership still decide tax (supplier location) and the Make in India class (local content).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from procurement.engine import (
    ComparisonResult,
    EngineValidationError,
    Offer,
    Operator,
    Region,
    compare,
)
from procurement.engine.facts import hosting_bucket, is_domestic_infrastructure
from tests.engine.builders import (
    AWS,
    AWS_MUMBAI,
    DECISION,
    INDIA,
    STATE,
    US_EAST,
    USD,
    YOTTA,
    YOTTA_MUMBAI,
    foreign_offer,
    foreign_provider,
    offer,
    price,
    provider,
    workload,
)

D = Decimal

# One contract year of 36,500 M output tokens: ₹p per 1M output tokens costs 36,500 × p × 1.18.
PRICE_ONLY = {"term_years": 1, "mean_input_tokens": D(0), "mean_output_tokens": D(1000)}


def out_price(p: int) -> object:
    return price(input_per_mtok=D(0), cached_input_per_mtok=D(0), output_per_mtok=D(p))


def reseller(region: Region = AWS_MUMBAI, **changes: object) -> Offer:
    """An Indian-owned, India-headquartered reseller (Class-II: local content 30 %, so the Make
    in India match does not decide the award) selling capacity on ``region``."""
    return offer(
        "indian-reseller",
        region=region,
        provider=provider(
            provider_id="desi-msp", provider_name="Desi MSP Pvt Ltd", local_content_pct=D(30)
        ),
        **changes,
    )


def run(offers: list[Offer]) -> ComparisonResult:
    """Under the demo state pack, whose (fictional) order empowers the transition premium, so
    the premium's outcome is a real one, not a policy scenario."""
    return compare(workload(**PRICE_ONLY), offers, STATE, [USD], DECISION)


def test_an_indian_reseller_on_a_foreign_operators_mumbai_region_is_not_domestic() -> None:
    o = reseller(AWS_MUMBAI)
    assert o.provider.ownership == "domestic" and o.provider.headquarters_country == "IN"
    assert not is_domestic_infrastructure(o, INDIA)
    assert hosting_bucket(o, INDIA) == "foreign_operator_in_country"


@pytest.mark.parametrize("supplier", [provider(), foreign_provider()], ids=["domestic", "foreign"])
def test_a_domestic_operators_india_region_is_domestic_whoever_resells_it(supplier: object) -> None:
    o = offer(region=YOTTA_MUMBAI, provider=supplier)
    assert is_domestic_infrastructure(o, INDIA)
    assert hosting_bucket(o, INDIA) == "domestic_operator"


@pytest.mark.parametrize(
    ("operator", "domestic"),
    [
        (Operator("Desi Cloud Pvt Ltd", "domestic", "IN"), True),
        # A foreign cloud's Indian subsidiary: incorporated in India, foreign-owned.
        (Operator("Global Cloud India Pvt Ltd", "foreign", "IN"), False),
        # Indian-owned but incorporated abroad.
        (Operator("Desi Cloud Holdings Pte Ltd", "domestic", "SG"), False),
    ],
    ids=["owned-and-incorporated-in-india", "foreign-owned-subsidiary", "incorporated-abroad"],
)
def test_the_operator_must_be_owned_and_incorporated_in_india(
    operator: Operator, domestic: bool
) -> None:
    region = Region("dc-mumbai", "IN", "Mumbai", "empanelled_commercial", operator)
    o = reseller(region)
    assert is_domestic_infrastructure(o, INDIA) is domestic
    expected = "domestic_operator" if domestic else "foreign_operator_in_country"
    assert hosting_bucket(o, INDIA) == expected


def test_the_reseller_on_a_foreign_operators_region_does_not_win_the_transition_premium() -> None:
    """Foreign L1 at 100 and the Indian reseller at 110, both on AWS Mumbai: a 10 % premium is
    inside the 15 % in force, but no eligible offer is domestic infrastructure."""
    result = run(
        [
            foreign_offer("foreign-l1", price=out_price(100)),
            reseller(AWS_MUMBAI, price=out_price(110)),
        ]
    )
    tp = result.preferences[1]
    assert tp.kind == "transition_premium"
    assert (tp.status, tp.reason) == ("not_applied", "NO_DOMESTIC")
    assert result.recommendation.award.offer_id == "foreign-l1"
    assert result.recommendation.award.premium_paid_inr == D("0.00")


def test_the_same_reseller_on_a_domestic_operators_region_is_within_the_premium_band() -> None:
    result = run(
        [
            foreign_offer("foreign-l1", price=out_price(100)),
            reseller(YOTTA_MUMBAI, price=out_price(110)),
        ]
    )
    tp = result.preferences[1]
    assert (tp.reason, tp.candidate_offer_id) == ("WITHIN_BAND", "indian-reseller")


def test_the_reseller_counts_as_foreign_operator_in_india_in_the_domestic_share() -> None:
    result = run([reseller(AWS_MUMBAI)])
    share = result.domestic_share
    assert share is not None
    assert (share.domestic_operator_pct, share.foreign_operator_in_country_pct) == (
        D("0.00"),
        D("100.00"),
    )
    assert share.foreign_operator_in_country_inferences == share.total_inferences == 36_500_000
    assert "operated by an operator domestically owned and incorporated in IN" in share.definition
    offer_result = result.offer("indian-reseller")
    assert offer_result.hosting == "foreign_operator_in_country"
    assert offer_result.supplier_location == "domestic"  # tax still follows the supplier
    assert offer_result.operators == (AWS,)


def test_one_region_on_a_foreign_operator_is_enough_to_lose_domestic_infrastructure() -> None:
    o = dataclasses.replace(reseller(YOTTA_MUMBAI), log_regions=(AWS_MUMBAI,))
    assert not is_domestic_infrastructure(o, INDIA)
    assert hosting_bucket(o, INDIA) == "foreign_operator_in_country"
    assert run([o]).offer(o.offer_id).operators == (YOTTA, AWS)


def test_logs_held_abroad_count_as_abroad_even_on_a_domestic_operators_processing() -> None:
    o = dataclasses.replace(reseller(YOTTA_MUMBAI), log_regions=(US_EAST,))
    assert hosting_bucket(o, INDIA) == "abroad"


def test_an_operator_invented_for_the_demo_marks_the_offer_as_demo_data() -> None:
    demo = Region(
        "demo-dc", "IN", "Pune", "other_commercial", dataclasses.replace(YOTTA, is_demo=True)
    )
    assert reseller(demo).uses_demo_data()
    assert not reseller(YOTTA_MUMBAI).uses_demo_data()


def test_an_operator_without_a_country_code_is_refused_naming_the_field() -> None:
    bad = Region("dc", "IN", "Mumbai", "empanelled_commercial", Operator("", "local", "India"))
    with pytest.raises(EngineValidationError) as exc:
        run([reseller(bad)])
    pairs = dict(exc.value.as_pairs())
    at = "offers[0].processing_regions[0].operator"
    assert pairs[f"{at}.name"] == "must be non-empty text"
    assert pairs[f"{at}.ownership"] == "must be one of: domestic, foreign"
    assert pairs[f"{at}.country"] == "must be an ISO 3166-1 alpha-2 code, e.g. IN"
