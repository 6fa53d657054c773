"""Total cost of ownership of one offer for one workload, per contract year.

Formulas, for contract year y = 1..N (g growth, c cached-input share, d expected INR
depreciation, r discount rate; all from the workload and the policy):

* requests_y = requests/day × 365 × (1 + g)^(y−1); input and output tokens follow from the means.
* serverless usage_y = (in_y × (1 − c) × p_in + in_y × c × p_cached + out_y × p_out) / 10^6.
* dedicated: peak output tokens/s_y = out_y / (365 × 86 400) × peak-to-average;
  GPUs_y = max(min GPUs, ⌈peak / (tokens/s per GPU × target utilisation)⌉), rounded up to whole
  nodes; capacity_y = GPUs_y × 8 760 h × price per GPU-hour. The utilisation achieved (average and
  at peak) is reported.
* foreign currency: rate_y = spot × (1 + d)^(y−1), spot = the latest rate on or before the
  decision date; the exit fee uses spot × (1 + d)^N.
* tax: the policy's rule for the supplier's location (domestic GST, or a foreign OIDAR
  supplier's IGST), on usage and one-time fees; none when the buyer takes input tax credit.
* NPV: see :data:`NPV_CONVENTION`. Rounding: see procurement.engine.numbers.

Prices are held constant over the term (the sensitivity analysis varies them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from procurement.engine.errors import EngineValidationError, FieldError
from procurement.engine.facts import supplier_location
from procurement.engine.i18n import _, gettext_noop
from procurement.engine.inputs import FxRate, Offer, Price, Workload
from procurement.engine.numbers import (
    DAYS_PER_YEAR,
    HOURS_PER_YEAR,
    MILLION,
    ONE,
    SECONDS_PER_YEAR,
    ZERO,
    ceil_int,
    engine_precision,
    fraction,
    paisa,
    ratio2,
    round_int,
    round_places,
)
from procurement.engine.policy import Policy
from procurement.engine.results import FxUsed, TaxApplied, TcoBreakdown, TcoYear

# In English, as the engine stores it; :func:`compute_tco` writes it in the active language.
NPV_CONVENTION = gettext_noop(
    "NPV at the policy discount rate r: the costs of contract year y (usage or capacity, the "
    "onboarding fee in year 1, and their tax) are treated as paid at the start of that year and "
    "discounted by (1 + r)^(y-1); the exit cost is paid at the end of year N and discounted by "
    "(1 + r)^N."
)


def select_fx(rates: Sequence[FxRate], currency: str, decision_date: dt.date) -> FxUsed | None:
    """The latest rate for ``currency`` dated on or before the decision date (None if none).

    Rates dated after the decision date are never used, so an old comparison replays with the
    rate it was decided on.
    """
    best: FxRate | None = None
    for rate in rates:
        eligible = rate.currency == currency and rate.date <= decision_date
        if eligible and (best is None or rate.date > best.date):
            best = rate
    if best is None:
        return None
    return FxUsed(
        currency=best.currency,
        rate_to_inr=best.rate_to_inr,
        date=best.date,
        source=best.source,
        age_days=(decision_date - best.date).days,
        is_demo=best.is_demo,
    )


def price_serverless_usage(
    input_tokens: Decimal, output_tokens: Decimal, cached_share: Decimal, price: Price
) -> Decimal:
    """Usage charge in the price's currency, full precision (no rounding).

    ``cached_share`` is a fraction of input tokens served from the prompt cache; without a cached
    price, cached tokens are billed at the input price.
    """
    if price.input_per_mtok is None or price.output_per_mtok is None:
        raise ValueError("a serverless price needs input_per_mtok and output_per_mtok")
    cached_price = (
        price.cached_input_per_mtok
        if price.cached_input_per_mtok is not None
        else price.input_per_mtok
    )
    return (
        input_tokens * (ONE - cached_share) * price.input_per_mtok
        + input_tokens * cached_share * cached_price
        + output_tokens * price.output_per_mtok
    ) / MILLION


def price_dedicated_capacity(gpus: int, hours: Decimal, gpu_hour_price: Decimal) -> Decimal:
    """Capacity charge: GPUs × hours × price per GPU-hour, full precision."""
    return Decimal(gpus) * hours * gpu_hour_price


def size_dedicated(
    output_tokens: Decimal, peak_to_average: Decimal, price: Price, target_utilisation: Decimal
) -> tuple[int, Decimal, Decimal]:
    """GPUs needed for a year's output tokens: (GPUs, average tokens/s, peak tokens/s).

    GPUs = max(min GPUs, ⌈peak / (tokens/s per GPU × target utilisation)⌉), rounded up to whole
    nodes of ``gpus_per_node``.
    """
    if price.output_tokens_per_sec_per_gpu is None:
        raise ValueError("a dedicated price needs output_tokens_per_sec_per_gpu")
    average_tps = output_tokens / SECONDS_PER_YEAR
    peak_tps = average_tps * peak_to_average
    needed = ceil_int(peak_tps / (price.output_tokens_per_sec_per_gpu * target_utilisation))
    gpus = max(price.min_gpus, needed)
    node = price.gpus_per_node
    gpus = -(-gpus // node) * node
    return gpus, average_tps, peak_tps


def tax_applied(offer: Offer, policy: Policy, workload: Workload) -> TaxApplied:
    """The policy's tax rule for this supplier and buyer (for India: GST at 18 %, and IGST on
    OIDAR services under the IGST Act 2017 s.14)."""
    location = supplier_location(offer, policy)
    rule = policy.tax_rule(location)
    if rule is None:  # validate_policy guarantees both rules; keep the failure explicit
        raise ValueError(f"policy has no tax rule for {location} suppliers")
    return TaxApplied(
        rule_id=rule.rule_id,
        levy=rule.levy,
        rate_pct=rule.rate_pct,
        supplier_location=location,
        recoverable=workload.buyer_gst_registered_business_use,
        citation=rule.citation,
        confidence=rule.confidence,
    )


def tax_on(amount_inr: Decimal, tax: TaxApplied) -> Decimal:
    """The tax cost on an amount already reported (rounded once); zero when recoverable."""
    if tax.recoverable:
        return ZERO.quantize(Decimal("0.01"))
    return paisa(amount_inr * fraction(tax.rate_pct))


@engine_precision
def compute_tco(
    workload: Workload, offer: Offer, policy: Policy, fx: FxUsed | None = None
) -> TcoBreakdown:
    """Price ``offer`` for ``workload`` over the whole term, year by year, in INR.

    ``fx`` is the rate for the price currency (from :func:`select_fx`); it must be given unless
    the price is in INR. Costs of year y are discounted by (1 + r)^(y−1) and the exit cost by
    (1 + r)^N (:data:`NPV_CONVENTION`); each reported amount is rounded once to the paisa.
    """
    price = offer.price
    if price.currency == "INR":
        spot = ONE
        depreciation = ZERO
        fx = None
    else:
        if fx is None or fx.currency != price.currency:
            raise EngineValidationError(
                [FieldError(f"offers[{offer.offer_id}].price.currency", _("no FX rate to INR"))]
            )
        spot = fx.rate_to_inr
        depreciation = fraction(policy.finance.expected_inr_depreciation_pct)
    growth = ONE + fraction(workload.annual_growth_pct)
    cached = fraction(workload.cached_input_share_pct)
    discount = ONE + fraction(policy.finance.discount_rate_pct)
    utilisation = fraction(policy.finance.dedicated_target_utilisation_pct)
    tax = tax_applied(offer, policy, workload)
    n_years = workload.term_years

    years: list[TcoYear] = []
    total_requests = total_in = total_out = ZERO
    first_year = Decimal(workload.requests_per_day) * DAYS_PER_YEAR
    fx_move = ONE + depreciation
    # (1+g)^(y−1), (1+d)^(y−1) and (1+r)^(y−1), built by exact multiplication year by year.
    growth_power = fx_power = discount_power = ONE
    no_one_time = paisa(ZERO)
    for y in range(1, n_years + 1):
        if y > 1:
            growth_power *= growth
            fx_power *= fx_move
            discount_power *= discount
        requests = first_year * growth_power
        tokens_in = requests * workload.mean_input_tokens
        tokens_out = requests * workload.mean_output_tokens
        total_requests += requests
        total_in += tokens_in
        total_out += tokens_out
        rate = spot * fx_power
        gpus: int | None = None
        util_avg: Decimal | None = None
        util_peak: Decimal | None = None
        if offer.pricing_mode == "serverless":
            charge = price_serverless_usage(tokens_in, tokens_out, cached, price)
        else:
            assert price.gpu_hour_price is not None and price.output_tokens_per_sec_per_gpu
            gpus, avg_tps, peak_tps = size_dedicated(
                tokens_out, workload.peak_to_average, price, utilisation
            )
            capacity_tps = Decimal(gpus) * price.output_tokens_per_sec_per_gpu
            util_avg = ratio2(avg_tps / capacity_tps * 100)
            util_peak = ratio2(peak_tps / capacity_tps * 100)
            charge = price_dedicated_capacity(gpus, HOURS_PER_YEAR, price.gpu_hour_price)
        usage_inr = paisa(charge * rate)
        one_time_inr = paisa(price.onboarding_fee * rate) if y == 1 else no_one_time
        tax_inr = tax_on(usage_inr + one_time_inr, tax)
        total_inr = usage_inr + one_time_inr + tax_inr
        factor = ONE / discount_power
        years.append(
            TcoYear(
                year=y,
                requests=round_int(requests),
                input_tokens=round_int(tokens_in),
                output_tokens=round_int(tokens_out),
                fx_rate=round_places(rate, 6),
                gpus=gpus,
                utilisation_average_pct=util_avg,
                utilisation_peak_pct=util_peak,
                usage_inr=usage_inr,
                one_time_inr=one_time_inr,
                tax_inr=tax_inr,
                total_inr=total_inr,
                discount_factor=round_places(factor, 10),
                present_value_inr=paisa(total_inr * factor),
            )
        )

    exit_rate = spot * fx_power * fx_move
    exit_fee_inr = paisa(price.exit_fee * exit_rate)
    exit_tax_inr = tax_on(exit_fee_inr, tax)
    exit_total_inr = exit_fee_inr + exit_tax_inr
    exit_factor = ONE / (discount_power * discount)
    exit_pv_inr = paisa(exit_total_inr * exit_factor)

    usage_total = sum((yr.usage_inr for yr in years), ZERO)
    one_time_total = sum((yr.one_time_inr for yr in years), ZERO) + exit_fee_inr
    tax_total = sum((yr.tax_inr for yr in years), ZERO) + exit_tax_inr
    nominal = sum((yr.total_inr for yr in years), ZERO) + exit_total_inr
    npv = sum((yr.present_value_inr for yr in years), ZERO) + exit_pv_inr
    basis = policy.evaluation.cost_basis
    return TcoBreakdown(
        offer_id=offer.offer_id,
        pricing_mode=offer.pricing_mode,
        price_currency=price.currency,
        fx=fx,
        tax=tax,
        years=tuple(years),
        exit_fx_rate=round_places(exit_rate, 6),
        exit_fee_inr=exit_fee_inr,
        exit_tax_inr=exit_tax_inr,
        exit_total_inr=exit_total_inr,
        exit_discount_factor=round_places(exit_factor, 10),
        exit_present_value_inr=exit_pv_inr,
        usage_total_inr=usage_total,
        one_time_total_inr=one_time_total,
        tax_total_inr=tax_total,
        nominal_total_inr=nominal,
        npv_inr=npv,
        cost_basis=basis,
        evaluated_cost_inr=npv if basis == "npv" else nominal,
        total_requests=round_int(total_requests),
        total_input_tokens=round_int(total_in),
        total_output_tokens=round_int(total_out),
        cost_per_1000_requests_inr=paisa(nominal * 1000 / total_requests),
        blended_inr_per_mtok_ex_tax=paisa(usage_total / ((total_in + total_out) / MILLION)),
        npv_convention=_(NPV_CONVENTION),
    )
