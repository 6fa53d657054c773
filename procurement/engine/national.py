"""What one approved award adds to the national figures, and what a transition premium would
have changed about it.

The national share counts inferences by where they run, by operator (``hosting``, the pack's
definition of domestic infrastructure, as :func:`procurement.engine.facts.hosting_bucket`
defines it). An award contributes the awarded offer's projected requests and tokens over the
contract, its nominal and present-value cost, and the premium paid for the domestic shift. The
policy scenario ("had a transition premium of p % applied") reads the smallest premium at which
a domestic offer would have taken this award (:func:`procurement.engine.sensitivity.flip_premium`,
exact, on the pack's cost basis): with a premium of p % the award moves iff that premium ≤ p.
Pure: the caller passes the stored inputs and results of the comparison and the offer awarded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from procurement.engine.compare import prepare
from procurement.engine.i18n import _, gettext_noop
from procurement.engine.numbers import ZERO, paisa
from procurement.engine.results import ComparisonResult, HostingBucket, OfferResult
from procurement.engine.sensitivity import flip_premium
from procurement.engine.snapshot import SnapshotInputs

# Shown on the national pages: translate where shown.
DEFINITION = gettext_noop(
    "Inferences are requests projected over the whole contract from the workload the buyer "
    "entered (requests a day × 365, with its annual growth), counted where the awarded offer "
    "runs them: on domestic infrastructure (a region in India whose operator — the legal entity "
    "that owns and controls the data centre — is domestic, as the buyer's policy pack defines "
    "it), on a foreign operator's region in India, or abroad. Rupees are the awarded offer's "
    "total cost over the contract (nominal, taxes and one-time costs included) and its present "
    "value at the pack's discount rate. The premium paid is what the awarded domestic offer "
    "costs over the award that stood before any preference for domestic infrastructure."
)

MII_DECIDED = gettext_noop(
    "The Make in India match decided the award; no premium of the authority's may change it."
)


@dataclass(frozen=True, slots=True)
class AwardContribution:
    """One award's projected contribution (whole contract unless named per year).

    ``shift_premium_pct`` is the smallest transition premium at which a domestic offer would
    have taken a non-domestic award (``None``: the award is already domestic, no eligible offer
    is domestic, or the Make in India match decided it, which no premium of the authority's may
    change); ``shift_extra_inr`` the nominal rupees that move would have cost.
    """

    offer_id: str
    hosting: HostingBucket
    inferences: int
    input_tokens: int
    output_tokens: int
    first_year_inferences: int
    nominal_inr: Decimal
    npv_inr: Decimal
    premium_paid_inr: Decimal
    shift_premium_pct: Decimal | None
    shift_extra_inr: Decimal | None
    shift_note: str


def award_contribution(
    inputs: SnapshotInputs, result: ComparisonResult, offer_id: str
) -> AwardContribution:
    """The contribution of awarding ``offer_id`` (an eligible offer of ``result``)."""
    awarded = result.offer(offer_id)
    tco = awarded.tco
    if tco is None or not awarded.eligible:
        raise ValueError(f"{offer_id} is not an eligible, priced offer of this comparison")
    pct, extra, note = _shift(inputs, result, awarded)
    return AwardContribution(
        offer_id=offer_id,
        hosting=awarded.hosting,
        inferences=tco.total_requests,
        input_tokens=tco.total_input_tokens,
        output_tokens=tco.total_output_tokens,
        first_year_inferences=tco.years[0].requests if tco.years else 0,
        nominal_inr=tco.nominal_total_inr,
        npv_inr=tco.npv_inr,
        premium_paid_inr=_premium_paid(result, awarded),
        shift_premium_pct=pct,
        shift_extra_inr=extra,
        shift_note=note,
    )


def _premium_paid(result: ComparisonResult, awarded: OfferResult) -> Decimal:
    """Nominal rupees the awarded domestic offer costs over the award that stood before any
    domestic-infrastructure preference (zero when that award was domestic too, or cheaper)."""
    before = _award_before_domestic_band(result)
    if not awarded.domestic_infrastructure or before is None or before == awarded.offer_id:
        return paisa(ZERO)
    comparator = result.offer(before)
    if comparator.domestic_infrastructure or comparator.tco is None or awarded.tco is None:
        return paisa(ZERO)
    return paisa(max(ZERO, awarded.tco.nominal_total_inr - comparator.tco.nominal_total_inr))


def _award_before_domestic_band(result: ComparisonResult) -> str | None:
    for preference in result.preferences:
        if preference.kind in ("transition_premium", "tie_band"):
            return preference.award_before
    return result.recommendation.raw_award_offer_id


def _shift(
    inputs: SnapshotInputs, result: ComparisonResult, awarded: OfferResult
) -> tuple[Decimal | None, Decimal | None, str]:
    if awarded.domestic_infrastructure:
        return None, None, _("The award is already domestic infrastructure.")
    if any(p.kind == "mii_match_l1" and p.status == "applied" for p in result.preferences):
        return None, None, _(MII_DECIDED)
    prepared = prepare(
        inputs.workload,
        inputs.offers,
        inputs.policy,
        inputs.fx_rates,
        inputs.decision_date,
        match_replies=inputs.options.match_replies,
    )
    flip = flip_premium(prepared)
    if flip.premium_pct is None or flip.domestic_offer_id is None:
        return None, None, flip.note
    domestic = result.offer(flip.domestic_offer_id)
    assert domestic.tco is not None and awarded.tco is not None  # eligible offers are priced
    extra = paisa(max(ZERO, domestic.tco.nominal_total_inr - awarded.tco.nominal_total_inr))
    return flip.premium_pct, extra, flip.note
