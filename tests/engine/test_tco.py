"""TCO: the worked examples of POLICY-RULES.md §4 and §6, and hand-checked yearly figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_DOWN, Decimal, localcontext

import pytest

from procurement.engine import FxRate, compute_tco, select_fx
from procurement.engine.numbers import format_inr, paisa
from procurement.engine.tco import (
    price_dedicated_capacity,
    price_serverless_usage,
    tax_applied,
    tax_on,
)
from tests.engine.builders import (
    DECISION,
    INDIA,
    USD,
    dedicated_price,
    foreign_offer,
    offer,
    price,
    workload,
)

D = Decimal


def test_sarvam_monthly_example_ex_gst_and_with_gst() -> None:
    """§4: 50M input + 10M output tokens a month on Sarvam-105B = ₹2,196.00; +18 % = ₹2,591.28."""
    usage = paisa(price_serverless_usage(D(50_000_000), D(10_000_000), D(0), price()))
    assert usage == D("2196.00")
    tax = tax_on(usage, tax_applied(offer(), INDIA, workload()))
    assert usage + tax == D("2591.28")


def test_gpt_4o_mini_monthly_example_with_oidar_igst() -> None:
    """§4: $13.50 at an assumed ₹85/$ = ₹1,147.50; +18 % IGST (OIDAR) = ₹1,354.05."""
    card = foreign_offer().price
    usd = price_serverless_usage(D(50_000_000), D(10_000_000), D(0), card)
    assert usd == D("13.50")
    inr = paisa(usd * D(85))
    tax = tax_applied(foreign_offer(), INDIA, workload())
    assert tax.rule_id == "igst-oidar-foreign-18"
    assert (inr, inr + tax_on(inr, tax)) == (D("1147.50"), D("1354.05"))


@pytest.mark.parametrize(
    ("gpu_hour", "ex_gst", "with_gst"),
    [
        (D("115.85"), D("676564.00"), D("798345.52")),  # IndiaAI standard-tier L1
        (D("150"), D("876000.00"), D("1033680.00")),  # high-end tier
    ],
)
def test_dedicated_monthly_example(gpu_hour: Decimal, ex_gst: Decimal, with_gst: Decimal) -> None:
    """§4: 8 GPUs × 730 h × ₹115.85 = ₹6,76,564 a month ex-GST (₹7,98,345.52 with 18 %)."""
    amount = paisa(price_dedicated_capacity(8, D(730), gpu_hour))
    assert amount == ex_gst
    assert amount + tax_on(amount, tax_applied(offer(), INDIA, workload())) == with_gst


@pytest.mark.parametrize(
    ("supplier", "expected_rule"),
    [("domestic", "gst-domestic-18"), ("foreign", "igst-oidar-foreign-18")],
)
def test_tax_example_ten_lakh_costs_eleven_lakh_eighty_either_way(
    supplier: str, expected_rule: str
) -> None:
    """§6: ₹10,00,000 from a domestic supplier (GST) or a foreign OIDAR supplier (IGST charged to
    a Government department) both cost ₹11,80,000: no tax differential."""
    w = workload(term_years=1, requests_per_day=1)
    fee_price = price(
        input_per_mtok=D(0), cached_input_per_mtok=D(0), output_per_mtok=D(0), onboarding_fee=D(0)
    )
    if supplier == "domestic":
        o = offer(price=dataclasses.replace(fee_price, onboarding_fee=D(1_000_000)))
        fx = None
    else:
        o = foreign_offer(
            price=dataclasses.replace(fee_price, currency="USD", onboarding_fee=D(10_000))
        )
        fx = select_fx([FxRate("USD", D(100), DECISION, "test")], "USD", DECISION)
    tco = compute_tco(w, o, INDIA, fx)
    assert tco.tax.rule_id == expected_rule
    assert tco.years[0].one_time_inr == D("1000000.00")
    assert tco.tax_total_inr == D("180000.00")
    assert tco.nominal_total_inr == D("1180000.00")
    assert format_inr(tco.nominal_total_inr) == "₹11,80,000.00"


def test_registered_buyer_using_the_service_for_business_bears_no_tax() -> None:
    """§6: a GST-registered PSU using the service for taxable business takes the credit."""
    w = workload(term_years=1, requests_per_day=1, buyer_gst_registered_business_use=True)
    o = offer(
        price=price(
            input_per_mtok=D(0),
            cached_input_per_mtok=D(0),
            output_per_mtok=D(0),
            onboarding_fee=D(1_000_000),
        )
    )
    tco = compute_tco(w, o, INDIA)
    assert tco.tax.recoverable
    assert tco.nominal_total_inr == D("1000000.00")


def test_three_year_serverless_tco_by_year() -> None:
    """100,000 requests/day × (500 in, 100 out) on Sarvam-105B, 3 years, no growth, NPV at 8 %.

    Year usage: 3,65,00,000 requests × (500 × 29.28 + 100 × 73.20) / 10^6 = ₹8,01,540.00;
    GST ₹1,44,277.20; total ₹9,45,817.20. PV: year 2 = 9,45,817.20 / 1.08 = ₹8,75,756.67,
    year 3 = / 1.08² = ₹8,10,885.80. NPV ₹26,32,459.67; nominal ₹28,37,451.60.
    """
    tco = compute_tco(workload(), offer(), INDIA)
    assert [y.usage_inr for y in tco.years] == [D("801540.00")] * 3
    assert [y.tax_inr for y in tco.years] == [D("144277.20")] * 3
    assert [y.total_inr for y in tco.years] == [D("945817.20")] * 3
    assert [y.present_value_inr for y in tco.years] == [
        D("945817.20"),
        D("875756.67"),
        D("810885.80"),
    ]
    assert tco.npv_inr == D("2632459.67")
    assert tco.nominal_total_inr == D("2837451.60")
    assert tco.evaluated_cost_inr == tco.npv_inr  # the India pack evaluates on NPV
    assert tco.total_requests == 109_500_000
    # ₹28,37,451.60 / 1,09,500 thousand requests = ₹25.9128… → ₹25.91
    assert tco.cost_per_1000_requests_inr == D("25.91")
    # (500 × 29.28 + 100 × 73.20) / 600 = ₹36.60 per 1M tokens at this mix, ex-tax
    assert tco.blended_inr_per_mtok_ex_tax == D("36.60")
    assert "(1 + r)^(y-1)" in tco.npv_convention


@pytest.mark.parametrize(
    ("year", "requests", "usage"),
    [
        (1, 36_500_000, D("634552.50")),
        (2, 40_150_000, D("698007.75")),
        # 4,41,65,000 × ₹0.017385 = ₹7,67,808.525 → half up → ₹7,67,808.53 (half-even: .52)
        (3, 44_165_000, D("767808.53")),
    ],
)
def test_growth_and_prompt_cache(year: int, requests: int, usage: Decimal) -> None:
    """10 % growth, half the input from the cache at ₹10.98: per request
    (250 × 29.28 + 250 × 10.98 + 100 × 73.20) / 10^6 = ₹0.017385."""
    w = workload(annual_growth_pct=D(10), cached_input_share_pct=D(50))
    tco = compute_tco(w, offer(), INDIA)
    row = tco.years[year - 1]
    assert (row.requests, row.usage_inr) == (requests, usage)


@pytest.mark.parametrize(
    ("year", "rate", "usage", "tax"),
    [
        (1, D("91.087"), D("448831.19"), D("80789.61")),
        (2, D("93.81961"), D("462296.13"), D("83213.30")),
        (3, D("96.634198"), D("476165.01"), D("85709.70")),
    ],
)
def test_foreign_currency_moves_with_expected_depreciation(
    year: int, rate: Decimal, usage: Decimal, tax: Decimal
) -> None:
    """gpt-4o-mini: $4,927.50 a year at ₹91.087 × 1.03^(y−1) (3 %/yr from PROVIDER-FACTS §5)."""
    fx = select_fx([USD], "USD", DECISION)
    tco = compute_tco(workload(), foreign_offer(), INDIA, fx)
    row = tco.years[year - 1]
    assert (row.fx_rate, row.usage_inr, row.tax_inr) == (rate, usage, tax)
    assert tco.fx is not None and tco.fx.date == dt.date(2026, 4, 28)


def test_onboarding_in_year_one_and_exit_discounted_from_the_end_of_the_term() -> None:
    """Exit ₹50,000 + 18 % = ₹59,000 paid at the end of year 3: PV = 59,000 / 1.08³ = ₹46,836.10."""
    o = offer(price=price(onboarding_fee=D(100_000), exit_fee=D(50_000)))
    tco = compute_tco(workload(), o, INDIA)
    assert [y.one_time_inr for y in tco.years] == [D("100000.00"), D("0.00"), D("0.00")]
    assert tco.years[0].tax_inr == D("162277.20")  # 18 % of (8,01,540 + 1,00,000)
    assert (tco.exit_total_inr, tco.exit_present_value_inr) == (D("59000.00"), D("46836.10"))
    assert tco.one_time_total_inr == D("150000.00")


def test_dedicated_sizing_reports_gpus_and_utilisation() -> None:
    """100,000 requests/day × 500 output tokens: 578.70 tokens/s on average, ×3 at peak = 1,736.11;
    at 400 tokens/s per GPU and 70 % target: ⌈6.2⌉ = 7 GPUs, raised to the 8-GPU minimum node.
    Capacity 8 × 8,760 h × ₹115.85 = ₹81,18,768.00 a year (= 12 × ₹6,76,564)."""
    w = workload(mean_output_tokens=D(500))
    o = offer("dom-dedicated", pricing_mode="dedicated", price=dedicated_price())
    tco = compute_tco(w, o, INDIA)
    first = tco.years[0]
    assert first.gpus == 8
    assert first.usage_inr == D("8118768.00") == 12 * D("676564.00")
    assert (first.utilisation_average_pct, first.utilisation_peak_pct) == (D("18.08"), D("54.25"))


def test_dedicated_rounds_up_to_whole_nodes() -> None:
    """400,000 requests/day: peak needs ⌈24.8⌉ = 25 GPUs, i.e. 4 nodes of 8 = 32 GPUs."""
    w = workload(requests_per_day=400_000, mean_output_tokens=D(500))
    o = offer("dom-dedicated", pricing_mode="dedicated", price=dedicated_price())
    assert compute_tco(w, o, INDIA).years[0].gpus == 32


def test_nominal_cost_basis() -> None:
    policy = dataclasses.replace(
        INDIA, evaluation=dataclasses.replace(INDIA.evaluation, cost_basis="nominal")
    )
    tco = compute_tco(workload(), offer(), policy)
    assert tco.evaluated_cost_inr == tco.nominal_total_inr == D("2837451.60")


def test_latest_fx_rate_on_or_before_the_decision_date_is_used() -> None:
    rates = [
        FxRate("USD", D("85.64"), dt.date(2025, 1, 1), "old"),
        FxRate("USD", D("91.0870"), dt.date(2026, 2, 19), "Reuters"),
        FxRate("USD", D("95.99"), dt.date(2026, 10, 1), "after the decision"),
    ]
    used = select_fx(rates, "USD", DECISION)
    assert used is not None
    assert (used.rate_to_inr, used.source, used.age_days) == (D("91.0870"), "Reuters", 71)
    assert select_fx(rates, "EUR", DECISION) is None


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        (D("0.125"), D("0.13")),
        (D("2.675"), D("2.68")),
        (D("2.665"), D("2.67")),
        (D("-1.005"), D("-1.01")),
    ],
)
def test_rounding_rule_is_half_up_to_the_paisa(amount: Decimal, rounded: Decimal) -> None:
    """One rule: ROUND_HALF_UP to 0.01 (2.675 as a float would round to 2.67)."""
    assert paisa(amount) == rounded


def test_result_does_not_depend_on_the_callers_decimal_context() -> None:
    expected = compute_tco(
        workload(annual_growth_pct=D("7.5")),
        foreign_offer(),
        INDIA,
        select_fx([USD], "USD", DECISION),
    )
    with localcontext() as ctx:
        ctx.prec = 6
        ctx.rounding = ROUND_DOWN
        again = compute_tco(
            workload(annual_growth_pct=D("7.5")),
            foreign_offer(),
            INDIA,
            select_fx([USD], "USD", DECISION),
        )
    assert again == expected


def test_totals_add_up_on_the_page() -> None:
    o = offer(price=price(onboarding_fee=D("12345.67"), exit_fee=D("999.99")))
    tco = compute_tco(workload(annual_growth_pct=D("13.7"), term_years=7), o, INDIA)
    for row in tco.years:
        assert row.total_inr == row.usage_inr + row.one_time_inr + row.tax_inr
    assert tco.nominal_total_inr == sum(r.total_inr for r in tco.years) + tco.exit_total_inr
    assert tco.npv_inr == sum(r.present_value_inr for r in tco.years) + tco.exit_present_value_inr
    assert tco.nominal_total_inr == tco.usage_total_inr + tco.one_time_total_inr + tco.tax_total_inr
