"""Facts derived from an offer under a policy: Make in India class, supplier location, whether the
offer is domestic infrastructure, where its inferences run, and certified evidence on a date."""

from __future__ import annotations

import datetime as dt

from procurement.engine.inputs import Certification, Offer, QualityEvaluation, Region, Workload
from procurement.engine.policy import Location, Policy, SupplierLocation
from procurement.engine.results import HostingBucket, MiiClass

_REGION_FIELD: dict[str, str] = {
    "processing": "processing_regions",
    "storage": "storage_regions",
    "logs": "log_regions",
}


def regions_at(offer: Offer, location: Location | str) -> tuple[Region, ...]:
    """The offer's regions for one location: ``processing``, ``storage`` or ``logs``."""
    regions: tuple[Region, ...] = getattr(offer, _REGION_FIELD[location])
    return regions


def mii_class(offer: Offer, policy: Policy) -> MiiClass | None:
    """Class-I (local content ≥ 50 %), Class-II (> 20 %) or non-local, per the pack's thresholds
    (MII Order para 2, boundaries as written there); None when the pack has no MII section."""
    if policy.mii is None:
        return None
    lc = offer.provider.local_content_pct
    if lc >= policy.mii.class_i_min_lc_pct:
        return "class_i"
    if lc > policy.mii.class_ii_min_lc_pct_exclusive:
        return "class_ii"
    return "non_local"


def supplier_location(offer: Offer, policy: Policy) -> SupplierLocation:
    """Domestic when the invoicing entity (billing country, else headquarters) is in the pack's
    home country; it decides domestic GST versus a foreign supplier's IGST."""
    country = offer.provider.billing_country or offer.provider.headquarters_country
    return "domestic" if country == policy.domestic_infrastructure.home_country else "foreign"


def operated_at_home(region: Region, policy: Policy) -> bool:
    """Whether a region is in the pack's home country on an operator the pack counts as
    domestic: owned there (``require_operator_domestic_ownership``) and incorporated there
    (``require_operator_incorporated_in_home``). Who resells the region does not enter."""
    d = policy.domestic_infrastructure
    operator = region.operator
    return (
        region.country == d.home_country
        and (not d.require_operator_domestic_ownership or operator.ownership == "domestic")
        and (not d.require_operator_incorporated_in_home or operator.country == d.home_country)
    )


def is_domestic_infrastructure(offer: Offer, policy: Policy) -> bool:
    """Whether the offer is domestic infrastructure under the pack's own definition (data, not
    code): every region of every listed location in the home country and operated by an
    operator the pack counts as domestic. A foreign operator's in-country region is in the
    country but is not domestic infrastructure, whoever resells it."""
    for location in policy.domestic_infrastructure.locations:
        regions = regions_at(offer, location)
        # A location with no region stated cannot be shown to be at home.
        if not regions or not all(operated_at_home(r, policy) for r in regions):
            return False
    return True


def hosting_bucket(offer: Offer, policy: Policy) -> HostingBucket:
    """Where the offer's inferences run, by operator: ``domestic_operator`` (domestic
    infrastructure), ``foreign_operator_in_country`` (every listed location in the home country
    but not domestic infrastructure: a region there is run by an operator the pack does not
    count as domestic) or ``abroad`` (some listed location outside the home country, or not
    stated). Processing split between home and abroad counts as in the home country only when
    in-country processing is guaranteed; domestic infrastructure still needs every region at
    home."""
    if is_domestic_infrastructure(offer, policy):
        return "domestic_operator"
    home = policy.domestic_infrastructure.home_country
    for location in policy.domestic_infrastructure.locations:
        regions = regions_at(offer, location)
        if location == "processing" and offer.india_processing_guaranteed:
            regions = tuple(r for r in regions if r.country == home)
        if not regions or any(r.country != home for r in regions):
            return "abroad"
    return "foreign_operator_in_country"


def certification_valid_on(cert: Certification, on: dt.date) -> bool:
    """Issued on or before ``on`` and not expired on ``on`` (expiry date inclusive)."""
    return cert.issued_on <= on and (cert.expires_on is None or on <= cert.expires_on)


def accredited_on(ev: QualityEvaluation, on: dt.date) -> bool:
    """The evaluator is accredited for the evaluation's scope on ``on`` (its term inclusive)."""
    return ev.evaluator_accredited and (ev.accredited_until is None or on <= ev.accredited_until)


def evaluation_certified_on(ev: QualityEvaluation, on: dt.date, *, need_accredited: bool) -> bool:
    """Certified evidence: from an accredited evaluator (when required) and valid on ``on``."""
    return (not need_accredited or accredited_on(ev, on)) and ev.evaluated_on <= on <= (
        ev.valid_until
    )


def best_certified_evaluation(
    offer: Offer, use_case: str, language: str, on: dt.date, *, need_accredited: bool
) -> QualityEvaluation | None:
    """The evaluation the engine relies on: the most recent certified one for this use case and
    language; among several of the same date, the lowest score (the conservative reading)."""
    found = [
        ev
        for ev in offer.evaluations
        if ev.use_case == use_case
        and ev.language == language
        and evaluation_certified_on(ev, on, need_accredited=need_accredited)
    ]
    if not found:
        return None
    return min(found, key=lambda ev: (-ev.evaluated_on.toordinal(), ev.score, ev.evaluator))


def contract_end(workload: Workload) -> dt.date:
    """The day the contract ends: start date plus the term (29 February falls back to the 28th)."""
    start = workload.start_date
    year = start.year + workload.term_years
    try:
        return start.replace(year=year)
    except ValueError:
        return start.replace(year=year, day=28)
