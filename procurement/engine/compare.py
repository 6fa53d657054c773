"""The engine's entry point: :func:`compare` runs every step of a comparison for one workload.

Order: validate → sort offers by id → price (FX, TCO) → value-independent rules → estimated value
→ value-dependent rules → evaluation (L1 or QCBS) → preferences in pack order → recommendation,
domestic share, explanation → optional sensitivity. Input order never matters and nothing is read
from the clock, the disk or the network.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal, DecimalException
from typing import Any

from procurement.engine.award import AwardDecision, AwardRules, StepRecord, StepSpec, decide_award
from procurement.engine.bounds import COST_CEILING_INR, COST_CEILING_SOURCE
from procurement.engine.codec import normalise_decimals
from procurement.engine.eligibility import (
    check_value_dependent,
    check_value_independent,
    evaluation_method,
    format_inr_short,
    from_ref,
    gte_permitted,
    is_eligible,
    location_name,
    mii_exempt,
    outcome,
)
from procurement.engine.errors import EngineValidationError, FieldError, raise_if
from procurement.engine.explain import basis_word, explain, mechanism_name, preference_message
from procurement.engine.facts import hosting_bucket, is_domestic_infrastructure, mii_class
from procurement.engine.facts import supplier_location as supplier_location_of
from procurement.engine.i18n import DEFAULT, _, language, ngettext
from procurement.engine.inputs import (
    Certification,
    EvaluationMethod,
    FxRate,
    MatchReply,
    Offer,
    QualityEvaluation,
    Region,
    TechnicalScore,
    Workload,
)
from procurement.engine.numbers import (
    DAYS_PER_YEAR,
    ENGINE_CONTEXT,
    HUNDRED,
    ONE,
    ZERO,
    engine_precision,
    format_count,
    format_inr,
    format_pct,
    fraction,
    percent_of,
    ratio2,
    round_int,
)
from procurement.engine.policy import (
    MiiMatchL1Preference,
    MseMatchL1Preference,
    Policy,
    PriceEvaluationFactorPreference,
    TransitionPremiumPreference,
    confidence_label,
    instrument_of,
    is_statutory,
    premium_in_force,
)
from procurement.engine.results import (
    AwardOutcome,
    ComparisonResult,
    DomesticShare,
    EstimatedValue,
    HostingBucket,
    MatchRoundResult,
    Mechanism,
    MiiPlanning,
    OfferResult,
    PolicyScenario,
    PreferenceResult,
    Recommendation,
    RuleOutcome,
    SensitivityConfig,
    SensitivityResult,
)
from procurement.engine.sensitivity import build_model, run_sensitivity
from procurement.engine.state import OfferState, Prepared, contenders_of
from procurement.engine.tco import NPV_CONVENTION, compute_tco, select_fx
from procurement.engine.validation import (
    validate_against_policy,
    validate_fx,
    validate_match_replies,
    validate_offers,
    validate_policy,
    validate_sensitivity,
    validate_technical_scores,
    validate_workload,
)
from procurement.engine.version import ENGINE_VERSION


def rounding_rule() -> str:
    """The rounding rule as results state it, in the active language."""
    return _(
        "Every money amount is rounded to the paisa (0.01, ROUND_HALF_UP) exactly once, when it "
        "is produced, from full-precision Decimal arithmetic on the inputs and on amounts "
        "already reported; totals are exact sums of the amounts shown. Scores and percentages "
        "are shown to two decimals (ROUND_HALF_UP); token counts, FX rates and discount factors "
        "are never rounded in a calculation."
    )


# In English, as results are stored and fingerprinted; :func:`rounding_rule` gives it in the
# active language.
with language(DEFAULT):
    ROUNDING_RULE = rounding_rule()


def domestic_definition(home: str, owned: bool, incorporated: bool, locations: str) -> str:
    """The pack's definition of domestic infrastructure, in the active language: ``owned`` and
    ``incorporated`` say what the pack requires of the operator of a region."""
    if owned and incorporated:
        operator = _("an operator domestically owned and incorporated in {home}")
    elif owned:
        operator = _("an operator domestically owned")
    elif incorporated:
        operator = _("an operator incorporated in {home}")
    else:
        operator = _("any operator")
    return _(
        "Domestic infrastructure: prompts processed and data and logs stored in {home} on "
        "regions operated by {operator} — the legal entity that owns and controls the "
        "data-centre region, not the supplier who resells it (the pack's definition; locations: "
        "{locations})."
    ).format(home=home, operator=operator.format(home=home), locations=locations)


def _region_key(r: Region) -> tuple[str, str, str, str, str, str, str, bool]:
    o = r.operator
    return (r.code, r.country, r.city, r.operator_type, o.name, o.ownership, o.country, o.is_demo)


def _certification_key(c: Certification) -> tuple[object, ...]:
    return (c.kind, c.issued_on, c.expires_on or dt.date.max, c.issuer, c.evidence_url, c.is_demo)


def _evaluation_key(e: QualityEvaluation) -> tuple[object, ...]:
    return (
        e.use_case,
        e.language,
        e.evaluated_on,
        e.valid_until,
        e.evaluator,
        e.score,
        e.evaluator_accredited,
        e.method,
        e.evidence_url,
        e.is_demo,
    )


def canonical_offers(offers: Sequence[Offer]) -> tuple[Offer, ...]:
    """Offers sorted by id, and inside each offer every unordered list in a fixed order, so the
    order a catalogue returns rows in can change neither the result nor the fingerprint."""
    return tuple(_canonical_offer(o) for o in sorted(offers, key=lambda o: o.offer_id))


def _canonical_offer(o: Offer) -> Offer:
    changes: dict[str, Any] = {}
    for name, key in _UNORDERED:
        items = getattr(o, name)
        if len(items) > 1:
            ordered = tuple(sorted(items, key=key))
            if ordered != items:
                changes[name] = ordered
    return dataclasses.replace(o, **changes) if changes else o


_UNORDERED: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("processing_regions", _region_key),
    ("storage_regions", _region_key),
    ("log_regions", _region_key),
    ("languages", str),
    ("certifications", _certification_key),
    ("evaluations", _evaluation_key),
)


def canonical_fx(rates: Sequence[FxRate]) -> tuple[FxRate, ...]:
    """FX rates sorted by currency, then date."""
    return tuple(sorted(rates, key=lambda r: (r.currency, r.date, r.source, r.rate_to_inr)))


def validate_inputs(
    workload: Workload,
    offers: Sequence[Offer],
    policy: Policy,
    fx_rates: Sequence[FxRate],
    decision_date: dt.date,
    sensitivity: SensitivityConfig | None = None,
    match_replies: Sequence[MatchReply] = (),
    technical_scores: Sequence[TechnicalScore] = (),
) -> None:
    """Raise :class:`EngineValidationError` with every problem in the inputs."""
    errors: list[FieldError] = []
    if not isinstance(decision_date, dt.date) or isinstance(decision_date, dt.datetime):
        errors.append(FieldError("decision_date", _("must be a date")))
    workload_errors = (
        validate_workload(workload)
        if isinstance(workload, Workload)
        else [FieldError("workload", _("must be a Workload"))]
    )
    policy_errors = validate_policy(policy)
    errors.extend(workload_errors)
    errors.extend(validate_offers(offers))
    errors.extend(validate_match_replies(match_replies, offers))
    errors.extend(validate_technical_scores(technical_scores, offers))
    errors.extend(validate_fx(fx_rates))
    errors.extend(policy_errors)
    if not workload_errors and not policy_errors:
        errors.extend(validate_against_policy(workload, policy))
    if sensitivity is not None:
        errors.extend(validate_sensitivity(sensitivity, workload, policy, len(offers)))
    raise_if(errors)


def _above_ceiling(state: OfferState, position: int) -> FieldError | None:
    """The ceiling check of one priced offer (bounds.COST_CEILING_INR).

    Every rupee amount of a TCO is at most its nominal total (lines are not negative and the
    discount rate is not), so the total and the two unit figures bound every money figure the
    comparison reports for the offer, the award and any premium included.
    """
    tco = state.tco
    if tco is None:
        return None
    figures = (
        (tco.nominal_total_inr, "total"),
        (tco.cost_per_1000_requests_inr, "per_1000_requests"),
        (tco.blended_inr_per_mtok_ex_tax, "per_mtok"),
    )
    for amount, what in figures:
        if amount > COST_CEILING_INR:
            return FieldError(
                f"offers[{position}].price",
                _above_ceiling_message(what).format(
                    amount=_rupees(amount), ceiling=_(COST_CEILING_SOURCE)
                ),
            )
    return None


def _above_ceiling_message(what: str) -> str:
    """The refusal of an offer whose ``what`` (total, per 1,000 requests, per 1M tokens) is above
    the cost ceiling."""
    if what == "total":
        return _(
            "prices this workload at {amount} over the contract (nominal TCO, taxes included), "
            "above the engine's cost ceiling of {ceiling}: check the price, its currency and "
            "unit, and the workload's volumes"
        )
    if what == "per_1000_requests":
        return _(
            "prices this workload at {amount} per 1,000 requests, above the engine's cost "
            "ceiling of {ceiling}: check the price, its currency and unit, and the workload's "
            "volumes"
        )
    return _(
        "prices this workload at {amount} per 1M tokens, above the engine's cost ceiling of "
        "{ceiling}: check the price, its currency and unit, and the workload's volumes"
    )


def _rupees(amount: Decimal) -> str:
    """An amount for a message: exact up to ₹1,000 lakh crore, then "about ₹1.14 × 10^45"."""
    if amount < 10**15:
        return format_inr(amount)
    mantissa, _e, exponent = f"{amount:.2e}".partition("e+")
    return _("about ₹{mantissa} × 10^{exponent}").format(mantissa=mantissa, exponent=int(exponent))


def _arithmetic_error(
    exc: DecimalException,
    workload: Workload,
    offers: Sequence[Offer],
    policy: Policy,
    fx_rates: Sequence[FxRate],
    decision_date: dt.date,
) -> FieldError:
    """Name the input behind a decimal signal the bounds did not prevent: the first offer (in
    the caller's order) whose TCO cannot be computed, or else the workload."""
    values = {"digits": ENGINE_CONTEXT.prec, "signal": type(exc).__name__}
    for i, offer in enumerate(offers):
        fx = select_fx(fx_rates, offer.price.currency, decision_date)
        try:
            compute_tco(workload, offer, policy, fx)
        except DecimalException:
            return FieldError(
                f"offers[{i}].price",
                _(
                    "with this workload and policy gives a number beyond the engine's "
                    "{digits}-digit decimal arithmetic ({signal}): check the figures and their "
                    "units"
                ).format(**values),
            )
        except EngineValidationError:
            continue  # no FX rate: the offer is not priced
    return FieldError(
        "workload",
        _(
            "with these offers and this policy gives a number beyond the engine's {digits}-digit "
            "decimal arithmetic ({signal}): check the figures and their units"
        ).format(**values),
    )


def _estimated_value(
    workload: Workload, first_pass: Sequence[tuple[OfferState, list[RuleOutcome]]]
) -> EstimatedValue:
    # The estimated value (GFR 2017 Rule 182: on prevalent market conditions): the officer's
    # figure when given; otherwise the nominal TCO (taxes included) of the cheapest offer passing
    # every rule that does not depend on value — breaking the circularity once, visibly.
    if workload.estimated_value_inr is not None:
        return EstimatedValue(
            amount_inr=workload.estimated_value_inr,
            source="officer",
            basis_offer_id=None,
            explanation=_("Estimated value {amount}, as entered by the officer.").format(
                amount=format_inr(workload.estimated_value_inr)
            ),
        )
    passing = [s for s, outcomes in first_pass if s.tco is not None and is_eligible(outcomes)]
    if not passing:
        return EstimatedValue(
            amount_inr=None,
            source="unknown",
            basis_offer_id=None,
            explanation=_(
                "Estimated value unknown: no offer passes the rules that do not depend on value, "
                "so value-dependent rules are applied conservatively."
            ),
        )
    cheapest = min(passing, key=lambda s: (s.priced().nominal_total_inr, s.offer.offer_id))
    amount = cheapest.priced().nominal_total_inr
    return EstimatedValue(
        amount_inr=amount,
        source="derived",
        basis_offer_id=cheapest.offer.offer_id,
        explanation=_(
            "Estimated value {amount} (derived): the nominal TCO including taxes of {offer}, the "
            "cheapest offer that passes every rule not depending on value. Enter the officer's "
            "own estimate to override it."
        ).format(amount=format_inr(amount), offer=cheapest.offer.offer_id),
    )


def _award_rules(
    workload: Workload,
    policy: Policy,
    decision_date: dt.date,
    method: EvaluationMethod,
    value: EstimatedValue,
) -> AwardRules[Decimal]:
    weight_pct = workload.qcbs_technical_weight_pct
    if weight_pct is None:
        weight_pct = policy.evaluation.qcbs.technical_weight_pct
    steps: list[StepSpec[Decimal]] = []
    for pref in policy.preferences:
        if isinstance(pref, MiiMatchL1Preference):
            exempt = policy.mii is not None and mii_exempt(value, policy.mii)
            steps.append(
                StepSpec(
                    pref.kind,
                    fraction(pref.margin_pct),
                    inclusive=pref.boundary_inclusive,
                    inactive_reason="EXEMPT" if exempt else "",
                    qcbs_reading=pref.under_qcbs == "ranked_first_as_l1",
                )
            )
        elif isinstance(pref, MseMatchL1Preference):
            steps.append(
                StepSpec(
                    pref.kind,
                    fraction(pref.band_pct),
                    qcbs_reading=pref.under_qcbs == "ranked_first_as_l1",
                )
            )
        elif isinstance(pref, TransitionPremiumPreference):
            pct = premium_in_force(pref, decision_date)
            steps.append(
                StepSpec(
                    pref.kind,
                    fraction(pct),
                    cap=pref.cap_inr,
                    inactive_reason="NOT_IN_FORCE" if pct == 0 else "",
                    scenario=pref.instrument is None,
                )
            )
        elif isinstance(pref, PriceEvaluationFactorPreference):
            steps.append(
                StepSpec(pref.kind, fraction(pref.factor_pct), scenario=pref.instrument is None)
            )
        else:
            steps.append(
                StepSpec(pref.kind, fraction(pref.band_pct), scenario=pref.instrument is None)
            )
    return AwardRules(
        method=method,
        technical_weight=fraction(weight_pct),
        financial_weight=ONE - fraction(weight_pct),
        steps=tuple(steps),
        zero=ZERO,
        one=ONE,
        hundred=HUNDRED,
        normalise_technical=policy.evaluation.qcbs.normalise_technical,
    )


@engine_precision
def prepare(
    workload: Workload,
    offers: Sequence[Offer],
    policy: Policy,
    fx_rates: Sequence[FxRate],
    decision_date: dt.date,
    *,
    match_replies: Sequence[MatchReply] = (),
    sensitivity: SensitivityConfig | None = None,
    technical_scores: Sequence[TechnicalScore] = (),
) -> Prepared:
    """Run the exact (Decimal) comparison and return its working state; :func:`compare` turns it
    into a :class:`ComparisonResult`, and the sensitivity model is built from it.
    ``sensitivity`` is only validated here (with the other inputs)."""
    validate_inputs(
        workload,
        offers,
        policy,
        fx_rates,
        decision_date,
        sensitivity,
        match_replies,
        technical_scores,
    )
    replies = tuple(sorted(match_replies, key=lambda r: (r.offer_id, r.preference)))
    committee = {t.offer_id: t for t in normalise_decimals(tuple(technical_scores))}
    # Decimals without trailing zeros: "91.0870" and "91.087" must give identical results.
    workload = normalise_decimals(workload)
    policy = normalise_decimals(policy)
    offers_sorted = normalise_decimals(canonical_offers(offers))
    rates = normalise_decimals(canonical_fx(fx_rates))
    method: EvaluationMethod = "qcbs" if evaluation_method(workload, policy) == "qcbs" else "l1"
    currencies = sorted({o.price.currency for o in offers_sorted} - {"INR"})
    fx_by_currency = {c: select_fx(rates, c, decision_date) for c in currencies}
    first: list[tuple[OfferState, list[RuleOutcome]]] = []
    for offer in offers_sorted:
        fx = fx_by_currency.get(offer.price.currency)
        outcomes, technical = check_value_independent(
            workload, offer, policy, decision_date, fx, committee.get(offer.offer_id)
        )
        priced = offer.price.currency == "INR" or fx is not None
        tco = compute_tco(workload, offer, policy, fx) if priced else None
        first.append((OfferState(offer, fx, tco, technical, ()), outcomes))
    positions = {o.offer_id: i for i, o in enumerate(offers)}
    raise_if([e for s, _outcomes in first if (e := _above_ceiling(s, positions[s.offer_id]))])
    value = _estimated_value(workload, first)
    states = tuple(
        dataclasses.replace(
            s, outcomes=(*outcomes, *check_value_dependent(workload, s.offer, policy, value))
        )
        for s, outcomes in first
    )
    del first  # the first-pass states are superseded: let them go before the heavy part
    eligible = tuple(s for s in states if s.tco is not None and is_eligible(s.outcomes))
    rules = decision = if_all_accept = if_all_decline = None
    if eligible:
        rules = _award_rules(workload, policy, decision_date, method, value)
        declines = frozenset(
            r.offer_id for r in replies if not r.accepts and r.preference == "mii_match_l1"
        )
        mse_declines = frozenset(
            r.offer_id for r in replies if not r.accepts and r.preference == "mse_match_l1"
        )
        decision = decide_award(contenders_of(eligible, policy, declines, mse_declines), rules)
        mii_step = next((r for r in decision.steps if r.kind == "mii_match_l1"), None)
        if mii_step is not None and mii_step.rounds:
            everyone = frozenset(s.offer.offer_id for s in eligible)
            if_all_accept = decide_award(
                contenders_of(eligible, policy, frozenset(), mse_declines), rules
            )
            if_all_decline = decide_award(
                contenders_of(eligible, policy, everyone, mse_declines), rules
            )
    fx_used = tuple(fx for c in currencies if (fx := fx_by_currency[c]) is not None)
    return Prepared(
        workload=workload,
        policy=policy,
        decision_date=decision_date,
        method=method,
        states=states,
        eligible=eligible,
        value=value,
        rules=rules,
        decision=decision,
        if_all_accept=if_all_accept,
        if_all_decline=if_all_decline,
        fx_used=fx_used,
        match_replies=replies,
        technical_scores=tuple(sorted(committee.values(), key=lambda t: t.offer_id)),
    )


@engine_precision
def compare(
    workload: Workload,
    offers: Sequence[Offer],
    policy: Policy,
    fx_rates: Sequence[FxRate],
    decision_date: dt.date,
    *,
    match_replies: Sequence[MatchReply] = (),
    sensitivity: SensitivityConfig | None = None,
    technical_scores: Sequence[TechnicalScore] = (),
) -> ComparisonResult:
    """Compare ``offers`` for ``workload`` under ``policy`` on ``decision_date``.

    Contract: pure and deterministic — the same inputs give the same result in any order, on
    any machine, in any Decimal context. Raises :class:`EngineValidationError` listing every
    invalid field. ``match_replies`` are the answers to the Make in India match-L1 invitations:
    the officer's planning assumptions, or the suppliers' replies in bid evaluation; an invited
    offer without one is assumed to accept (the extremes, all accept and all decline, are
    reported). ``technical_scores`` are a tender evaluation committee's scores of bids under
    QCBS, in place of the mean certified quality score. ``sensitivity`` runs the seeded Monte
    Carlo analysis when given. A priced offer whose TCO exceeds the cost ceiling
    (bounds.COST_CEILING_INR) is refused with an error at its path, and so is any decimal signal
    (InvalidOperation, Overflow, …) the arithmetic might still raise.
    """
    try:
        p = prepare(
            workload,
            offers,
            policy,
            fx_rates,
            decision_date,
            match_replies=match_replies,
            sensitivity=sensitivity,
            technical_scores=technical_scores,
        )
        sens = None
        if sensitivity is not None:
            sens = run_sensitivity(build_model(p), sensitivity)
        return build_result(p, sens)
    except DecimalException as exc:
        # The bounds keep every figure finite; should one still leave the 50-digit context,
        # the caller gets a field error, never a raw decimal signal.
        error = _arithmetic_error(exc, workload, offers, policy, fx_rates, decision_date)
        raise EngineValidationError([error]) from exc


def build_result(p: Prepared, sensitivity: SensitivityResult | None = None) -> ComparisonResult:
    """Assemble the :class:`ComparisonResult` from the prepared state."""
    policy = p.policy
    eligible_ids = [s.offer.offer_id for s in p.eligible]
    decision = p.decision
    ranks: dict[str, int] = {}
    scores: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    ranking: tuple[str, ...] = ()
    if decision is not None:
        ranking = tuple(eligible_ids[k] for k in decision.final.order)
        ranks = {offer_id: i + 1 for i, offer_id in enumerate(ranking)}
        ev = decision.final
        if ev.technical is not None and ev.financial is not None and ev.combined is not None:
            for k, offer_id in enumerate(eligible_ids):
                scores[offer_id] = (ev.technical[k], ev.financial[k], ev.combined[k])
    offer_results = tuple(_offer_result(s, policy, ranks, scores) for s in p.states)
    preferences = _preference_results(p)
    recommendation = _recommendation(p)
    gates = _gates(p)
    mii_planning = _mii_planning(p)
    domestic = _domestic_share(p)
    uses_demo = _uses_demo_data(p)
    result = ComparisonResult(
        engine_version=ENGINE_VERSION,
        decision_date=p.decision_date,
        policy_pack_id=policy.pack_id,
        policy_version=policy.version,
        evaluation_method=p.method,
        cost_basis=policy.evaluation.cost_basis,
        npv_convention=_(NPV_CONVENTION),
        rounding_rule=rounding_rule(),
        fx_used=p.fx_used,
        estimated_value=p.value,
        gates=gates,
        offers=offer_results,
        ranking=ranking,
        preferences=preferences,
        recommendation=recommendation,
        mii_planning=mii_planning,
        domestic_share=domestic,
        sensitivity=sensitivity,
        explanation=(),
        uses_demo_data=uses_demo,
    )
    return dataclasses.replace(result, explanation=explain(result, p))


def _uses_demo_data(p: Prepared) -> bool:
    demo_instrument = any(
        (instrument := instrument_of(pref)) is not None and instrument.is_demo
        for pref in p.policy.preferences
    )
    return (
        p.policy.is_demo
        or demo_instrument
        or any(s.offer.uses_demo_data() for s in p.states)
        or any(f.is_demo for f in p.fx_used)
    )


def _offer_result(
    s: OfferState,
    policy: Policy,
    ranks: dict[str, int],
    scores: dict[str, tuple[Decimal, Decimal, Decimal]],
) -> OfferResult:
    o = s.offer
    triple = scores.get(o.offer_id)
    return OfferResult(
        offer_id=o.offer_id,
        name=o.name,
        model_name=o.model_name,
        provider_id=o.provider.provider_id,
        provider_name=o.provider.provider_name,
        pricing_mode=o.pricing_mode,
        price_currency=o.price.currency,
        mii_class=mii_class(o, policy),
        supplier_location=supplier_location_of(o, policy),
        domestic_infrastructure=is_domestic_infrastructure(o, policy),
        hosting=hosting_bucket(o, policy),
        operators=tuple(dict.fromkeys(r.operator for r in o.regions())),
        eligible=s.tco is not None and is_eligible(s.outcomes),
        outcomes=s.outcomes,
        tco=s.tco,
        evaluated_cost_inr=s.tco.evaluated_cost_inr if s.tco else None,
        technical_score=ratio2(s.technical) if s.technical is not None else None,
        financial_score=ratio2(triple[1]) if triple else None,
        combined_score=ratio2(triple[2]) if triple else None,
        rank=ranks.get(o.offer_id),
        uses_demo_data=o.uses_demo_data(),
    )


def _basis_word(policy: Policy) -> str:
    return basis_word(policy.evaluation.cost_basis)


def _mechanism(decision: AwardDecision[Decimal], method: EvaluationMethod) -> Mechanism:
    mechanism: Mechanism = method
    for record in decision.steps:
        # An MSE share leaves the award where it was.
        if record.applied and record.kind != "mse_match_l1":
            mechanism = record.kind
    return mechanism


def _award_outcome(p: Prepared, decision: AwardDecision[Decimal] | None) -> AwardOutcome:
    if decision is None:
        zero = Decimal("0.00")
        return AwardOutcome(None, "none", None, None, None, zero, zero, zero)
    ids = [s.offer.offer_id for s in p.eligible]
    raw_cost = p.cost(decision.raw_award)
    raw_nominal = p.nominal(decision.raw_award)
    premium = max(ZERO, decision.price - raw_cost)
    premium_nominal = max(ZERO, p.nominal(decision.price_source) - raw_nominal)
    return AwardOutcome(
        offer_id=ids[decision.award],
        mechanism=_mechanism(decision, p.method),
        price_offer_id=ids[decision.price_source],
        cost_inr=decision.price,
        nominal_inr=p.nominal(decision.price_source),
        premium_paid_inr=premium + Decimal("0.00"),
        premium_paid_nominal_inr=premium_nominal + Decimal("0.00"),
        premium_paid_pct=percent_of(premium, raw_cost),
    )


def _recommendation(p: Prepared) -> Recommendation:
    decision = p.decision
    award = _award_outcome(p, decision)
    if decision is None:
        return Recommendation(
            award=award,
            cost_basis=p.policy.evaluation.cost_basis,
            evaluation_method=p.method,
            raw_l1_offer_id=None,
            raw_l1_cost_inr=None,
            raw_award_offer_id=None,
            raw_award_cost_inr=None,
            runner_up_offer_id=None,
            premium_statement=_("No award: no offer is eligible."),
        )
    ids = [s.offer.offer_id for s in p.eligible]
    return Recommendation(
        award=award,
        cost_basis=p.policy.evaluation.cost_basis,
        evaluation_method=p.method,
        raw_l1_offer_id=ids[decision.raw_l1],
        raw_l1_cost_inr=p.cost(decision.raw_l1),
        raw_award_offer_id=ids[decision.raw_award],
        raw_award_cost_inr=p.cost(decision.raw_award),
        runner_up_offer_id=ids[decision.runner_up] if decision.runner_up is not None else None,
        premium_statement=_premium_statement(p, award, ids[decision.raw_award]),
    )


def _premium_statement(p: Prepared, award: AwardOutcome, raw_id: str) -> str:
    basis = _basis_word(p.policy)
    if award.premium_paid_inr <= 0:
        if award.mechanism == "mii_match_l1":
            return _(
                "No premium: the Class-I supplier matches L1 and the buyer pays the L1 price "
                "({cost}, {basis})."
            ).format(cost=format_inr(award.cost_inr or ZERO), basis=basis)
        if award.mechanism in ("l1", "qcbs"):
            return _("No premium: the buyer pays the evaluation winner's own price.")
        return _(
            "No premium: {offer} costs {cost} ({basis}), no more than {raw}, the award before "
            "preferences."
        ).format(
            offer=award.offer_id, cost=format_inr(award.cost_inr or ZERO), basis=basis, raw=raw_id
        )
    match award.mechanism:
        case "transition_premium":
            message = _(
                "Premium paid: {premium} ({basis}; {nominal} nominal), {pct} above {raw}, the "
                "award before preferences, under the buying authority's own transition-premium "
                "policy, which is not the Make in India order (that order never pays above L1)."
            )
        case "tie_band":
            message = _(
                "Premium paid: {premium} ({basis}; {nominal} nominal), {pct} above {raw}, the "
                "award before preferences, under the pack's tie band for domestic offers."
            )
        case "price_evaluation_factor":
            message = _(
                "Premium paid: {premium} ({basis}; {nominal} nominal), {pct} above {raw}, the "
                "award before preferences, under the pack's price evaluation factor for "
                "non-domestic offers."
            )
        case _:
            message = _(
                "Premium paid: {premium} ({basis}; {nominal} nominal), {pct} above {raw}, the "
                "award before preferences, under {mechanism}."
            )
    return message.format(
        premium=format_inr(award.premium_paid_inr),
        basis=basis,
        nominal=format_inr(award.premium_paid_nominal_inr),
        pct=format_pct(award.premium_paid_pct),
        raw=raw_id,
        mechanism=award.mechanism,
    )


def _preference_results(p: Prepared) -> tuple[PreferenceResult, ...]:
    decision = p.decision
    policy = p.policy
    results: list[PreferenceResult] = []
    ids = p.eligible_ids()
    source = decision.raw_award if decision is not None else None
    for i, pref in enumerate(policy.preferences):
        instrument = instrument_of(pref)
        if decision is None:
            results.append(
                PreferenceResult(
                    kind=pref.kind,
                    status="not_applied",
                    reason="NO_ELIGIBLE_OFFER",
                    message=_("Not applied: no offer is eligible."),
                    award_before=None,
                    award_after=None,
                    candidate_offer_id=None,
                    effect_inr=Decimal("0.00"),
                    effect_nominal_inr=Decimal("0.00"),
                    is_make_in_india_order=is_statutory(pref),
                    interpretation="",
                    citation=pref.citation,
                    confidence=pref.confidence,
                    confidence_label=confidence_label(pref.confidence),
                    instrument=instrument,
                )
            )
            continue
        record = decision.steps[i]
        assert source is not None
        source_before = source
        if record.applied and record.kind != "mii_match_l1":
            source = record.award_after
        message, interpretation = preference_message(p, pref, record)
        scenario = _scenario(p, record) if record.scenario else None
        if scenario is not None:
            message = f"{message} {scenario.statement}"
        results.append(
            PreferenceResult(
                kind=pref.kind,
                status="scenario"
                if record.scenario
                else "applied"
                if record.applied
                else "not_applied",
                reason=record.reason,
                message=message,
                award_before=ids[record.award_before],
                award_after=ids[record.award_after],
                candidate_offer_id=ids[record.candidate] if record.candidate is not None else None,
                effect_inr=record.price_after - record.price_before + Decimal("0.00"),
                effect_nominal_inr=p.nominal(source) - p.nominal(source_before) + Decimal("0.00"),
                is_make_in_india_order=is_statutory(pref),
                interpretation=interpretation,
                citation=pref.citation,
                confidence=pref.confidence,
                confidence_label=confidence_label(pref.confidence),
                instrument=instrument,
                scenario=scenario,
                match_rounds=_match_rounds(p, record),
            )
        )
    return tuple(results)


def _match_rounds(p: Prepared, record: StepRecord[Decimal]) -> tuple[MatchRoundResult, ...]:
    ids = p.eligible_ids()
    stated = p.stated("mse_match_l1" if record.kind == "mse_match_l1" else "mii_match_l1")
    return tuple(
        MatchRoundResult(
            round=n,
            offer_id=ids[r.invited],
            evaluated_cost_inr=r.cost,
            accepted=r.accepted,
            answer="stated" if ids[r.invited] in stated else "assumed",
            at_boundary=r.at_boundary,
        )
        for n, r in enumerate(record.rounds, start=1)
    )


def _scenario(p: Prepared, record: StepRecord[Decimal]) -> PolicyScenario:
    """What a preference without an empowering instrument would have done: the award it would
    have made, measured against the award the law gives."""
    assert p.decision is not None
    ids = p.eligible_ids()
    would = record.candidate if record.reason in ("WITHIN_BAND", "AWARD_MOVED") else None
    if would is None or would == p.decision.award:
        return PolicyScenario(
            would_award_offer_id=None,
            premium_inr=Decimal("0.00"),
            premium_nominal_inr=Decimal("0.00"),
            premium_pct=Decimal("0.00"),
            domestic_inferences_gained=0,
            statement=_("Applied, it would not have changed the award."),
        )
    actual = p.decision.price_source
    premium = p.cost(would) - p.cost(actual)
    premium_nominal = p.nominal(would) - p.nominal(actual)
    moved = is_domestic_infrastructure(
        p.eligible[would].offer, p.policy
    ) and not is_domestic_infrastructure(p.eligible[p.decision.award].offer, p.policy)
    gained = round_int(total_inferences(p.workload)) if moved else 0
    pct = percent_of(premium, p.cost(actual))
    return PolicyScenario(
        would_award_offer_id=ids[would],
        premium_inr=premium + Decimal("0.00"),
        premium_nominal_inr=premium_nominal + Decimal("0.00"),
        premium_pct=pct,
        domestic_inferences_gained=gained,
        statement=_scenario_statement(premium > 0, gained).format(
            offer=ids[would],
            premium=format_inr(premium),
            saving=format_inr(-premium),
            basis=_basis_word(p.policy),
            nominal=format_inr(premium_nominal),
            pct=format_pct(pct),
            inferences=format_count(gained),
        ),
    )


def _scenario_statement(premium: bool, gained: int) -> str:
    """What a preference without an instrument would have done: paying a premium or saving,
    and moving ``gained`` inferences to domestic infrastructure (none: not said)."""
    if premium and gained:
        return ngettext(
            "Policy scenario only: no instrument empowering it is recorded in the pack, so the "
            "award follows the law. Applied, it would award {offer}, paying {premium} more "
            "({basis}; {nominal} nominal, {pct}), moving {inferences} inferences to domestic "
            "infrastructure.",
            "Policy scenario only: no instrument empowering it is recorded in the pack, so the "
            "award follows the law. Applied, it would award {offer}, paying {premium} more "
            "({basis}; {nominal} nominal, {pct}), moving {inferences} inferences to domestic "
            "infrastructure.",
            gained,
        )
    if premium:
        return _(
            "Policy scenario only: no instrument empowering it is recorded in the pack, so the "
            "award follows the law. Applied, it would award {offer}, paying {premium} more "
            "({basis}; {nominal} nominal, {pct})."
        )
    if gained:
        return ngettext(
            "Policy scenario only: no instrument empowering it is recorded in the pack, so the "
            "award follows the law. Applied, it would award {offer}, saving {saving} ({basis}), "
            "moving {inferences} inferences to domestic infrastructure.",
            "Policy scenario only: no instrument empowering it is recorded in the pack, so the "
            "award follows the law. Applied, it would award {offer}, saving {saving} ({basis}), "
            "moving {inferences} inferences to domestic infrastructure.",
            gained,
        )
    return _(
        "Policy scenario only: no instrument empowering it is recorded in the pack, so the "
        "award follows the law. Applied, it would award {offer}, saving {saving} ({basis})."
    )


def _mii_planning(p: Prepared) -> MiiPlanning | None:
    if p.decision is None or p.if_all_accept is None or p.if_all_decline is None:
        return None
    if_accepts = _award_outcome(p, p.if_all_accept)
    if_declines = _award_outcome(p, p.if_all_decline)
    every_round = next(r for r in p.if_all_decline.steps if r.kind == "mii_match_l1").rounds
    ids = p.eligible_ids()
    invited = [ids[r.invited] for r in every_round]
    declining = tuple(sorted(p.declines() & set(ids)))
    statement = _planning_statement(bool(declining), if_declines.premium_paid_inr > 0).format(
        declining=", ".join(declining),
        invited=", ".join(invited),
        accepts_offer=if_accepts.offer_id,
        accepts_cost=format_inr(if_accepts.cost_inr or ZERO),
        declines_offer=if_declines.offer_id,
        declines_cost=format_inr(if_declines.cost_inr or ZERO),
        mechanism=mechanism_name(if_declines.mechanism),
        premium=format_inr(if_declines.premium_paid_inr),
    )
    return MiiPlanning(
        declining_offer_ids=declining,
        within_margin_offer_ids=tuple(invited),
        statement=statement,
        if_accepts=if_accepts,
        if_declines=if_declines,
    )


def _planning_statement(declining: bool, premium: bool) -> str:
    """The planning-mode statement: with offers stated to decline or every one assumed to
    accept, and with or without a premium when every invited offer declines."""
    if declining and premium:
        return _(
            "Planning mode: catalogue prices stand in for bids, so whether each Class-I offer "
            "invited to match L1 accepts is an assumption (assumed to decline: {declining}; "
            "every other invited offer is assumed to accept). To be invited, in order of "
            "evaluated cost: {invited}. If every invited offer accepts: award to {accepts_offer} "
            "at {accepts_cost}. If every one declines: award to {declines_offer} at "
            "{declines_cost} by {mechanism}, premium {premium}."
        )
    if declining:
        return _(
            "Planning mode: catalogue prices stand in for bids, so whether each Class-I offer "
            "invited to match L1 accepts is an assumption (assumed to decline: {declining}; "
            "every other invited offer is assumed to accept). To be invited, in order of "
            "evaluated cost: {invited}. If every invited offer accepts: award to {accepts_offer} "
            "at {accepts_cost}. If every one declines: award to {declines_offer} at "
            "{declines_cost} by {mechanism}."
        )
    if premium:
        return _(
            "Planning mode: catalogue prices stand in for bids, so whether each Class-I offer "
            "invited to match L1 accepts is an assumption (every invited offer is assumed to "
            "accept (the default)). To be invited, in order of evaluated cost: {invited}. If "
            "every invited offer accepts: award to {accepts_offer} at {accepts_cost}. If every "
            "one declines: award to {declines_offer} at {declines_cost} by {mechanism}, premium "
            "{premium}."
        )
    return _(
        "Planning mode: catalogue prices stand in for bids, so whether each Class-I offer "
        "invited to match L1 accepts is an assumption (every invited offer is assumed to accept "
        "(the default)). To be invited, in order of evaluated cost: {invited}. If every invited "
        "offer accepts: award to {accepts_offer} at {accepts_cost}. If every one declines: award "
        "to {declines_offer} at {declines_cost} by {mechanism}."
    )


def total_inferences(workload: Workload) -> Decimal:
    """Requests over the whole term (exact; fractional when growth is not whole)."""
    growth = ONE + fraction(workload.annual_growth_pct)
    per_year = Decimal(workload.requests_per_day) * DAYS_PER_YEAR
    return sum((per_year * growth**y for y in range(workload.term_years)), ZERO)


def _domestic_share(p: Prepared) -> DomesticShare | None:
    if p.decision is None:
        return None
    d = p.policy.domestic_infrastructure
    definition = domestic_definition(
        d.home_country,
        owned=d.require_operator_domestic_ownership,
        incorporated=d.require_operator_incorporated_in_home,
        locations=", ".join(location_name(x) for x in d.locations),
    )
    award = p.eligible[p.decision.award].offer
    bucket = hosting_bucket(award, p.policy)
    total = round_int(total_inferences(p.workload))
    counts = {b: (total if b == bucket else 0) for b in _BUCKETS}
    pcts = {b: Decimal("100.00") if b == bucket else Decimal("0.00") for b in _BUCKETS}
    return DomesticShare(
        total_inferences=total,
        domestic_operator_inferences=counts["domestic_operator"],
        foreign_operator_in_country_inferences=counts["foreign_operator_in_country"],
        abroad_inferences=counts["abroad"],
        domestic_operator_pct=pcts["domestic_operator"],
        foreign_operator_in_country_pct=pcts["foreign_operator_in_country"],
        abroad_pct=pcts["abroad"],
        definition=definition,
    )


_BUCKETS: tuple[HostingBucket, ...] = ("domestic_operator", "foreign_operator_in_country", "abroad")


def _gates(p: Prepared) -> tuple[RuleOutcome, ...]:
    policy, workload, value = p.policy, p.workload, p.value
    gates: list[RuleOutcome] = []
    for tag in workload.data_classification:
        rule = policy.residency_rule(tag)
        if rule is not None and not rule.cloud_allowed:
            gates.append(
                outcome(
                    "NO_CLOUD",
                    "fail",
                    _(
                        "Data classified '{classification}' may not be processed on any cloud: "
                        "no offer can be recommended; use on-premises systems under the "
                        "applicable security policy."
                    ).format(classification=tag),
                    rule.citation,
                    rule.confidence,
                )
            )
    gates.append(
        from_ref("ESTIMATED_VALUE", "pass", value.explanation, policy.evaluation.estimated_value)
    )
    mii = policy.mii
    if mii is not None:
        exempt = mii_exempt(value, mii)
        threshold = format_inr_short(mii.exemption_below_inr)
        if value.amount_inr is None:
            gates.append(
                from_ref(
                    "MII_APPLICABILITY",
                    "warning",
                    _(
                        "The estimated value is unknown: the Make in India order is applied (it "
                        "is not applied only below {threshold})."
                    ).format(threshold=threshold),
                    mii.exemption,
                )
            )
        else:
            applicability = (
                _(
                    "The Make in India order is not applied: the estimated value {amount} is "
                    "below {threshold}."
                )
                if exempt
                else _(
                    "The Make in India order applies: the estimated value {amount} is not below "
                    "{threshold}."
                )
            )
            gates.append(
                from_ref(
                    "MII_APPLICABILITY",
                    "pass",
                    applicability.format(amount=format_inr(value.amount_inr), threshold=threshold),
                    mii.exemption,
                )
            )
        if not exempt:
            permitted, why = gte_permitted(workload, value, mii)
            non_local = [
                s.offer.offer_id for s in p.states if mii_class(s.offer, policy) == "non_local"
            ]
            if permitted:
                message = _(
                    "A global tender enquiry is permitted: {why}; non-local suppliers may bid."
                ).format(why=why)
            elif non_local:
                message = ngettext(
                    "No global tender enquiry: {why}. Non-local suppliers are excluded ({count} "
                    "offers).",
                    "No global tender enquiry: {why}. Non-local suppliers are excluded ({count} "
                    "offers).",
                    len(non_local),
                ).format(why=why, count=len(non_local))
            else:
                message = _(
                    "No global tender enquiry: {why}. Non-local suppliers are excluded."
                ).format(why=why)
            gates.append(
                from_ref(
                    "GLOBAL_TENDER",
                    "pass" if permitted or not non_local else "warning",
                    message,
                    mii.gte,
                )
            )
    gates.extend(_method_gates(p))
    for fx in p.fx_used:
        if fx.age_days > policy.data_quality.fx_stale_after_days:
            gates.append(
                outcome(
                    "FX_STALE",
                    "warning",
                    ngettext(
                        "The {currency} rate used ({rate} on {date}, {source}) is {age} days "
                        "older than the decision date (limit {limit} days).",
                        "The {currency} rate used ({rate} on {date}, {source}) is {age} days "
                        "older than the decision date (limit {limit} days).",
                        fx.age_days,
                    ).format(
                        currency=fx.currency,
                        rate=fx.rate_to_inr,
                        date=fx.date.isoformat(),
                        source=fx.source,
                        age=fx.age_days,
                        limit=policy.data_quality.fx_stale_after_days,
                    ),
                    policy.data_quality.citation,
                    policy.data_quality.confidence,
                )
            )
    if not p.eligible:
        fails = Counter(o.code for s in p.states for o in s.outcomes if o.status == "fail")
        top = ", ".join(
            f"{code} ({n})" for code, n in sorted(fails.items(), key=lambda x: (-x[1], x[0]))
        )
        none_eligible = (
            _("No offer is eligible ({compared} compared). Failed rules: {failures}.")
            if top
            else _("No offer is eligible ({compared} compared). Failed rules: none.")
        )
        gates.append(
            from_ref(
                "NO_ELIGIBLE_OFFER",
                "fail",
                none_eligible.format(compared=len(p.states), failures=top),
                policy.evaluation.l1,
            )
        )
    elif p.decision is not None:
        gates.extend(_tie_gates(p))
    if _uses_demo_data(p):
        gates.append(
            outcome(
                "DEMO_DATA",
                "warning",
                _(
                    "This comparison uses demo data: it illustrates the method and must not be "
                    "used for a real tender."
                ),
                policy.data_quality.citation,
                policy.data_quality.confidence,
            )
        )
    return tuple(gates)


def _method_gates(p: Prepared) -> list[RuleOutcome]:
    policy, workload, value = p.policy, p.workload, p.value
    ev = policy.evaluation
    basis = _basis_word(policy)
    if p.method == "l1":
        return [
            from_ref(
                "EVALUATION_METHOD",
                "pass",
                _(
                    "Least cost (L1): the lowest {basis} including non-recoverable taxes wins."
                ).format(basis=basis),
                ev.l1,
            )
        ]
    q = ev.qcbs
    weight = workload.qcbs_technical_weight_pct or q.technical_weight_pct
    gates = [
        outcome(
            "EVALUATION_METHOD",
            "pass",
            _(
                "QCBS: S = S_T × {technical_weight} + S_F × {financial_weight}, S_F = 100 × F_min "
                "/ F on {basis}; S_T is the mean certified score over the workload's languages; "
                "minimum qualifying technical score {minimum}."
            ).format(
                technical_weight=format_pct(weight),
                financial_weight=format_pct(HUNDRED - weight),
                basis=basis,
                minimum=q.min_technical_score,
            ),
            q.citation,
            q.confidence,
        )
    ]
    if workload.procurement_category == "non_consultancy":
        limit = format_inr_short(q.ncs_value_limit_inr)
        amount = value.amount_inr
        small = amount is None or amount <= q.ncs_value_limit_inr
        if small and weight > q.ncs_max_technical_weight_pct:
            cap = (
                _(
                    "Technical weight {weight} exceeds the {cap} cap on non-financial parameters "
                    "for a non-consultancy service of estimated value up to {limit} (estimated "
                    "value unknown)."
                )
                if amount is None
                else _(
                    "Technical weight {weight} exceeds the {cap} cap on non-financial parameters "
                    "for a non-consultancy service of estimated value up to {limit} (estimated "
                    "value {amount})."
                )
            )
            gates.append(
                from_ref(
                    "QCBS_WEIGHT_CAP",
                    "warning",
                    cap.format(
                        weight=format_pct(weight),
                        cap=format_pct(q.ncs_max_technical_weight_pct),
                        limit=limit,
                        amount=format_inr(amount) if amount is not None else "",
                    ),
                    q.ncs_cap,
                )
            )
        if amount is not None and amount > q.ncs_value_limit_inr:
            gates.append(
                from_ref(
                    "QCBS_NCS_VALUE",
                    "warning",
                    _(
                        "QCBS for a non-consultancy service is reported as permitted up to "
                        "{limit} (estimated value {amount}): record the basis for using it."
                    ).format(limit=limit, amount=format_inr(amount)),
                    q.ncs_cap,
                )
            )
        if not workload.quality_oriented_procurement_declared:
            gates.append(
                from_ref(
                    "QCBS_QOP_DECLARATION",
                    "warning",
                    _(
                        "QCBS for a non-consultancy service needs the competent authority's "
                        "'Quality-Oriented Procurement' declaration; none is recorded."
                    ),
                    q.ncs_cap,
                )
            )
    return gates


def _tie_gates(p: Prepared) -> list[RuleOutcome]:
    decision = p.decision
    assert decision is not None
    ev = decision.final
    if len(ev.order) < 2:
        return []
    first, second = ev.order[0], ev.order[1]
    ids = [s.offer.offer_id for s in p.eligible]
    if ev.combined is not None:
        tied = ev.combined[first] == ev.combined[second]
        message = _(
            "{first} and {second} have the same combined score {score}: the engine lists the "
            "lower offer id first; apply the tender's own tie-break procedure."
        )
        score = ratio2(ev.combined[first])
    else:
        tied = ev.evaluated_costs[first] == ev.evaluated_costs[second]
        message = _(
            "{first} and {second} have the same evaluated cost {cost}: the engine lists the lower "
            "offer id first; apply the tender's own tie-break procedure."
        )
        score = None
    if not tied:
        return []
    return [
        from_ref(
            "EVALUATION_TIE",
            "warning",
            message.format(
                first=ids[first],
                second=ids[second],
                score=score,
                cost=format_inr(ev.evaluated_costs[first]),
            ),
            p.policy.evaluation.tie,
        )
    ]
