"""Human-readable explanation lines: what was decided, by which rule, with which numbers.

Every sentence is one message of the engine's catalogue (:mod:`procurement.engine.i18n`), written
in the active language; where a sentence differs by case (accepted or declined, a saving or a
premium) each case is a message of its own. Placeholders hold figures, offer ids, names looked up
in the active language (:func:`mechanism_name`) or whole clauses that are themselves messages.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from procurement.engine.award import MatchRound, StepRecord
from procurement.engine.i18n import _, ngettext
from procurement.engine.numbers import (
    ZERO,
    format_count,
    format_inr,
    format_pct,
    percent_of,
)
from procurement.engine.policy import (
    Instrument,
    MiiMatchL1Preference,
    MseMatchL1Preference,
    Preference,
    PriceEvaluationFactorPreference,
    TieBandPreference,
    TransitionPremiumPreference,
    premium_in_force,
)
from procurement.engine.results import ComparisonResult
from procurement.engine.state import Prepared


def mechanism_name(mechanism: str) -> str:
    """The words for an award mechanism, in the active language (the code itself when
    unknown)."""
    match mechanism:
        case "l1":
            return _("least cost (L1)")
        case "qcbs":
            return _("QCBS")
        case "price_evaluation_factor":
            return _("the price evaluation factor")
        case "mii_match_l1":
            return _("the Make in India match-L1 purchase preference")
        case "transition_premium":
            return _("the buying authority's transition premium")
        case "tie_band":
            return _("the tie band")
        case "none":
            return _("no mechanism")
    return mechanism


def _mii_note() -> str:
    return _(
        "Make in India purchase preference (match-L1): the buyer pays L1; the order never pays a "
        "premium."
    )


def basis_word(cost_basis: str) -> str:
    """The cost basis as a sentence names it: "NPV" or "nominal TCO", in the active language."""
    return _("NPV") if cost_basis == "npv" else _("nominal TCO")


def _basis(p: Prepared) -> str:
    return basis_word(p.policy.evaluation.cost_basis)


def _instrument_words(instrument: Instrument | None) -> str:
    if instrument is None:
        return _("no instrument empowering it is recorded in the pack (policy scenario only)")
    if instrument.is_demo:
        words = _("under {title}, {issuer} No. {number} dated {date} (demo)")
    else:
        words = _("under {title}, {issuer} No. {number} dated {date}")
    return words.format(
        title=instrument.title,
        issuer=instrument.issuer,
        number=instrument.number,
        date=instrument.date.isoformat(),
    )


def _law_decided(award: str) -> str:
    return _(
        "The Make in India order has decided the award: {award}, a Class-I local supplier, gets "
        "the whole contract at the L1 price (MII Order para 3A(c)), and a buying authority's own "
        "policy cannot undo it."
    ).format(award=award)


def _qcbs_reading(note: str) -> str:
    return _(
        "The Make in India order gives no procedure for services evaluated by quality and cost; "
        "the pack reads L1 as the bid ranked first in the evaluation (the order defines L1 as the "
        'lowest bid "as adjudged in the evaluation process as per the tender"): {note}'
    ).format(note=note)


def _no_note() -> str:
    return _("no instrument confirming this reading is recorded")


def _turn(offer: str, cost: Decimal, accepted: bool, assumed: bool) -> str:
    """One invitation to match L1 and its answer, for the list of turns."""
    if accepted and assumed:
        turn = _("{offer} ({cost}) accepts (assumed)")
    elif accepted:
        turn = _("{offer} ({cost}) accepts")
    elif assumed:
        turn = _("{offer} ({cost}) declines (assumed)")
    else:
        turn = _("{offer} ({cost}) declines")
    return turn.format(offer=offer, cost=format_inr(cost))


def _turns(p: Prepared, rounds: tuple[MatchRound[Decimal], ...], stated: frozenset[str]) -> str:
    ids = p.eligible_ids()
    return "; ".join(
        _turn(ids[rd.invited], rd.cost, rd.accepted, ids[rd.invited] not in stated) for rd in rounds
    )


def preference_message(p: Prepared, pref: Preference, r: StepRecord[Decimal]) -> tuple[str, str]:
    """The sentence for one preference step, and any interpretation the engine had to make."""
    ids = p.eligible_ids()
    before, after = ids[r.award_before], ids[r.award_after]
    cand = ids[r.candidate] if r.candidate is not None else ""
    cost = format_inr(r.candidate_cost) if r.candidate_cost is not None else ""
    limit = format_inr(r.limit) if r.limit is not None else ""
    price = format_inr(r.price_before)
    basis = _basis(p)
    if isinstance(pref, MiiMatchL1Preference):
        return _mii_message(p, pref, r, before, after, cand, cost, limit, price, basis)
    if isinstance(pref, MseMatchL1Preference):
        return _mse_message(p, pref, r, before, cand, cost, limit, price, basis)
    if isinstance(pref, PriceEvaluationFactorPreference):
        factor = format_pct(pref.factor_pct)
        head = _("Price evaluation factor of {factor}, {instrument}").format(
            factor=factor, instrument=_instrument_words(pref.instrument)
        )
        if r.reason == "LAW_DECIDED":
            # Translators: {head} is "Price evaluation factor of …, under …"; {law} a sentence.
            message = _("{head}: not applied. {law}")
        elif r.scenario and r.reason == "AWARD_MOVED":
            message = _(
                "{head}: loading non-domestic offers by {factor} would move the award from "
                "{before} to {candidate}."
            )
        elif r.scenario:
            message = _(
                "{head}: loading non-domestic offers by {factor} would not change the award."
            )
        elif r.applied:
            message = _(
                "{head}: non-domestic offers were loaded by {factor} for evaluation only; the "
                "award moved from {before} ({price}) to {after}, paid at its own cost {cost} "
                "({basis}), {extra} more."
            )
        else:
            message = _(
                "{head}: loading non-domestic offers by {factor} for evaluation did not change "
                "the award ({before})."
            )
        return (
            message.format(
                head=head,
                law=_law_decided(before),
                factor=factor,
                before=before,
                candidate=cand,
                price=price,
                after=after,
                cost=format_inr(r.price_after),
                basis=basis,
                extra=format_inr(r.price_after - r.price_before),
            ),
            "",
        )
    if isinstance(pref, TransitionPremiumPreference):
        pct = premium_in_force(pref, p.decision_date)
        if pref.cap_inr is not None:
            head = _(
                "Transition premium of {authority} — its own policy, not the Make in India "
                "order — {premium} in force on {date}, capped at {cap} of extra rupees actually "
                "paid; {instrument}"
            )
        else:
            head = _(
                "Transition premium of {authority} — its own policy, not the Make in India "
                "order — {premium} in force on {date}; {instrument}"
            )
        head = head.format(
            authority=pref.authority,
            premium=format_pct(pct),
            date=p.decision_date.isoformat(),
            cap=format_inr(pref.cap_inr) if pref.cap_inr is not None else "",
            instrument=_instrument_words(pref.instrument),
        )
        return _band_message(p, head, r, before, after, cand, cost, limit, price, basis), ""
    assert isinstance(pref, TieBandPreference)
    head = _("Tie band: a domestic offer within {band} is preferred; {instrument}").format(
        band=format_pct(pref.band_pct), instrument=_instrument_words(pref.instrument)
    )
    return _band_message(p, head, r, before, after, cand, cost, limit, price, basis), ""


def _mii_message(
    p: Prepared,
    pref: MiiMatchL1Preference,
    r: StepRecord[Decimal],
    before: str,
    after: str,
    cand: str,
    cost: str,
    limit: str,
    price: str,
    basis: str,
) -> tuple[str, str]:
    margin = format_pct(pref.margin_pct)
    reason = r.reason
    interpretation = ""
    l1 = "L1"
    if p.method == "qcbs" and pref.under_qcbs == "ranked_first_as_l1":
        # The pack's reading of the order for QCBS: L1 is the bid ranked first.
        l1 = _("L1 (read as the bid ranked first by QCBS)")
        interpretation = _qcbs_reading(pref.under_qcbs_note or _no_note())
    if reason == "EXEMPT":
        amount = p.value.amount_inr
        return (
            _(
                "Make in India purchase preference not applied: the estimated value {amount} is "
                "below the exemption threshold."
            ).format(amount=format_inr(amount or ZERO)),
            "",
        )
    if reason == "QCBS_UNDEFINED":
        return (
            _(
                "Make in India purchase preference not applied: the order defines it only for "
                "services evaluated on price alone (para 3A(c)); this evaluation is QCBS, for "
                "which the order text gives no mechanism. Record in the file how Make in India "
                "was considered."
            ),
            _(
                "Mechanism for QCBS-evaluated services not found in the order text (UNCONFIRMED: "
                "DPIIT may have clarified); the engine does not invent one."
            ),
        )
    if reason == "L1_IS_CLASS_I":
        return (
            _(
                "{l1} {award} is a Class-I local supplier: the contract goes to L1 (MII Order "
                "para 3A(c)(i)). {note}"
            ).format(l1=l1, award=before, note=_mii_note()),
            interpretation,
        )
    if reason == "NO_CLASS_I":
        return (
            _(
                "{l1} {award} ({price}, {basis}) is not Class-I and no eligible offer is Class-I: "
                "no purchase preference."
            ).format(l1=l1, award=before, price=price, basis=basis),
            interpretation,
        )
    if any(rd.at_boundary for rd in r.rounds) or (not r.rounds and r.at_boundary):
        at = next((p.eligible_ids()[rd.invited] for rd in r.rounds if rd.at_boundary), cand)
        boundary = (
            _(
                "{offer} is exactly at the margin limit; the pack treats the boundary as inside "
                "the margin ({note})."
            )
            if pref.boundary_inclusive
            else _(
                "{offer} is exactly at the margin limit; the pack treats the boundary as outside "
                "the margin ({note})."
            )
        ).format(offer=at, note=pref.boundary_note or _("an interpretation of the order text"))
        interpretation = f"{interpretation} {boundary}" if interpretation else boundary
    if reason == "NO_CLASS_I_WITHIN_MARGIN":
        return (
            _(
                "{l1} is {award} at {price} ({basis}); the lowest Class-I offer {candidate} costs "
                "{cost}, above the {margin} margin limit of {limit}: no purchase preference; the "
                "award stays with L1."
            ).format(
                l1=l1,
                award=before,
                price=price,
                basis=basis,
                candidate=cand,
                cost=cost,
                margin=margin,
                limit=limit,
            ),
            interpretation,
        )
    turns = _turns(p, r.rounds, p.stated())
    if reason == "CLASS_I_DECLINES":
        message = _(
            "{l1} is {award} at {price} ({basis}), not Class-I; the Class-I offers within the "
            "{margin} margin limit of {limit} are invited to match L1 in ascending order of "
            "evaluated cost (MII Order para 3A(c)(ii)-(iii)): {turns}. No invited Class-I "
            "supplier matches, so the contract may go to L1 {award} at {price}."
        )
    else:
        message = _(
            "{l1} is {award} at {price} ({basis}), not Class-I; the Class-I offers within the "
            "{margin} margin limit of {limit} are invited to match L1 in ascending order of "
            "evaluated cost (MII Order para 3A(c)(ii)-(iii)): {turns}. {matched} gets the whole "
            "contract at the L1 price {price} (MII Order para 3A(c)). {note}"
        )
    return (
        message.format(
            l1=l1,
            award=before,
            price=price,
            basis=basis,
            margin=margin,
            limit=limit,
            turns=turns,
            matched=after,
            note=_mii_note(),
        ),
        interpretation,
    )


def _band_message(
    p: Prepared,
    head: str,
    r: StepRecord[Decimal],
    before: str,
    after: str,
    cand: str,
    cost: str,
    limit: str,
    price: str,
    basis: str,
) -> str:
    """The sentence of a domestic-band preference (transition premium, tie band): ``head`` says
    what the preference is and under which instrument; the rest what it did."""
    reason = r.reason
    extra = r.price_after - r.price_before
    values = {
        "head": head,
        "award": before,
        "price": price,
        "basis": basis,
        "limit": limit,
        "candidate": cand,
        "cost": cost,
    }
    if reason == "LAW_DECIDED":
        # Translators: {head} is the preference and its instrument ("Transition premium of …
        # in force on …; under …", "Tie band: …"); {law} is a sentence.
        return _("{head}. Not applied: {law}").format(head=head, law=_law_decided(before))
    if reason == "NOT_IN_FORCE":
        return _("{head}: nothing to apply.").format(head=head)
    if reason == "ALREADY_DOMESTIC":
        return _(
            "{head}. The award {award} is already domestic infrastructure: no premium."
        ).format(**values)
    if reason == "NO_DOMESTIC":
        return _("{head}. No eligible offer is domestic infrastructure: nothing to prefer.").format(
            **values
        )
    if reason == "WITHIN_BAND":
        if r.scenario:
            return _(
                "{head}. Domestic-infrastructure offer {candidate} costs {cost} ({basis}), within "
                "the limit {limit} over {award} at {price}."
            ).format(**values)
        if extra > 0:
            message = _(
                "{head}. Domestic-infrastructure offer {winner} costs {winner_cost} ({basis}), "
                "within the limit {limit} over {award} at {price}: it takes the award, a premium "
                "of {extra} ({extra_pct})."
            )
        elif extra < 0:
            message = _(
                "{head}. Domestic-infrastructure offer {winner} costs {winner_cost} ({basis}), "
                "within the limit {limit} over {award} at {price}: it takes the award, a saving "
                "of {saving}."
            )
        else:
            message = _(
                "{head}. Domestic-infrastructure offer {winner} costs {winner_cost} ({basis}), "
                "within the limit {limit} over {award} at {price}: it takes the award, no extra "
                "cost."
            )
        return message.format(
            **values,
            winner=after,
            winner_cost=format_inr(r.price_after),
            extra=format_inr(extra),
            extra_pct=format_pct(percent_of(extra, r.price_before)),
            saving=format_inr(-extra),
        )
    assert r.candidate_cost is not None
    needed = format_pct(percent_of(r.candidate_cost - r.price_before, r.price_before))
    if reason == "OUTSIDE_BAND":
        if r.scenario:
            message = _(
                "{head}. The best-ranked domestic offer {candidate} costs {cost} ({basis}), "
                "above the limit {limit} over {award} at {price} (it would need {needed}): the "
                "award would stay."
            )
        else:
            message = _(
                "{head}. The best-ranked domestic offer {candidate} costs {cost} ({basis}), "
                "above the limit {limit} over {award} at {price} (it would need {needed}): the "
                "award stays."
            )
        return message.format(**values, needed=needed)
    assert r.candidate is not None
    extra_nominal = p.nominal(r.candidate) - p.nominal(r.award_before)
    if r.scenario:
        message = _(
            "{head}. The best-ranked domestic offer {candidate} costs {cost}, within the band, "
            "but it would cost {extra_nominal} more in nominal rupees actually paid over {award} "
            "({extra} on the {basis} basis), above the cap: the award would stay."
        )
    else:
        message = _(
            "{head}. The best-ranked domestic offer {candidate} costs {cost}, within the band, "
            "but it would cost {extra_nominal} more in nominal rupees actually paid over {award} "
            "({extra} on the {basis} basis), above the cap: the award stays."
        )
    return message.format(
        **values,
        extra_nominal=format_inr(extra_nominal),
        extra=format_inr(r.candidate_cost - r.price_before),
    )


def explain(result: ComparisonResult, p: Prepared) -> tuple[str, ...]:
    """Explanation lines for the comparison, in reading order."""
    lines: list[str] = []
    policy = p.policy
    n, m = len(p.states), len(p.eligible)
    if p.method == "l1":
        first = ngettext(
            "Decision date {date}; policy pack {pack} version {version}; {compared} offers "
            "compared, {eligible} eligible; evaluation by least cost (L1) on {basis}, taxes "
            "included.",
            "Decision date {date}; policy pack {pack} version {version}; {compared} offers "
            "compared, {eligible} eligible; evaluation by least cost (L1) on {basis}, taxes "
            "included.",
            n,
        )
    else:
        first = ngettext(
            "Decision date {date}; policy pack {pack} version {version}; {compared} offers "
            "compared, {eligible} eligible; evaluation by QCBS on {basis}, taxes included.",
            "Decision date {date}; policy pack {pack} version {version}; {compared} offers "
            "compared, {eligible} eligible; evaluation by QCBS on {basis}, taxes included.",
            n,
        )
    lines.append(
        first.format(
            date=p.decision_date.isoformat(),
            pack=policy.pack_id,
            version=policy.version,
            compared=n,
            eligible=m,
            basis=_basis(p),
        )
    )
    lines.append(p.value.explanation)
    for gate in result.gates:
        if gate.status != "pass" and gate.code not in ("DEMO_DATA",):
            lines.append(f"{gate.code}: {gate.message}")
    excluded = Counter(o.code for s in p.states for o in s.outcomes if o.status == "fail")
    if excluded:
        parts = ", ".join(
            f"{code} ({count})"
            for code, count in sorted(excluded.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        lines.append(
            _("Rule failures across offers (an offer may fail several): {failures}.").format(
                failures=parts
            )
        )
    rec = result.recommendation
    if rec.raw_award_offer_id is None:
        lines.append(_("No award can be recommended: no offer is eligible."))
        return tuple(lines)
    if p.method == "l1":
        lines.append(
            _("L1: {offer} at {cost} ({basis}).").format(
                offer=rec.raw_l1_offer_id,
                cost=format_inr(rec.raw_l1_cost_inr or ZERO),
                basis=_basis(p),
            )
        )
    else:
        winner = result.offer(rec.raw_award_offer_id)
        lines.append(
            _(
                "Highest QCBS score: {offer} with S = {combined} (S_T {technical}, S_F "
                "{financial}); L1 is {l1} at {cost}."
            ).format(
                offer=winner.offer_id,
                combined=winner.combined_score,
                technical=winner.technical_score,
                financial=winner.financial_score,
                l1=rec.raw_l1_offer_id,
                cost=format_inr(rec.raw_l1_cost_inr or ZERO),
            )
        )
    for pref in result.preferences:
        lines.append(pref.message)
        if pref.interpretation:
            lines.append(
                _("Interpretation: {interpretation}").format(interpretation=pref.interpretation)
            )
    award = rec.award
    if not rec.runner_up_offer_id:
        recommended = _(
            "Recommended award: {offer} by {mechanism}, paying {cost} ({basis}; {nominal} "
            "nominal); runner-up: none."
        )
    else:
        recommended = _(
            "Recommended award: {offer} by {mechanism}, paying {cost} ({basis}; {nominal} "
            "nominal); runner-up: {runner_up}."
        )
    lines.append(
        recommended.format(
            offer=award.offer_id,
            mechanism=mechanism_name(award.mechanism),
            cost=format_inr(award.cost_inr or ZERO),
            basis=_basis(p),
            nominal=format_inr(award.nominal_inr or ZERO),
            runner_up=rec.runner_up_offer_id,
        )
    )
    lines.append(rec.premium_statement)
    if result.mii_planning is not None:
        lines.append(result.mii_planning.statement)
    share = result.domestic_share
    if share is not None:
        home = p.policy.domestic_infrastructure.home_country
        lines.append(
            ngettext(
                "Where this workload's {total} inferences run: domestic operator in {home}: "
                "{domestic}; foreign operator in {home}: {foreign}; abroad: {abroad}.",
                "Where this workload's {total} inferences run: domestic operator in {home}: "
                "{domestic}; foreign operator in {home}: {foreign}; abroad: {abroad}.",
                share.total_inferences,
            ).format(
                total=format_count(share.total_inferences),
                home=home,
                domestic=format_pct(share.domestic_operator_pct),
                foreign=format_pct(share.foreign_operator_in_country_pct),
                abroad=format_pct(share.abroad_pct),
            )
        )
    sens = result.sensitivity
    if sens is not None:
        lines.append(
            ngettext(
                "Sensitivity ({scenarios} seeded scenarios, float64 estimates): the "
                "recommendation changes with probability {probability}.",
                "Sensitivity ({scenarios} seeded scenarios, float64 estimates): the "
                "recommendation changes with probability {probability}.",
                sens.scenarios,
            ).format(
                scenarios=format_count(sens.scenarios),
                probability=sens.probability_recommendation_changes,
            )
        )
        if sens.break_even.requests_per_day is not None:
            lines.append(
                ngettext(
                    "Break-even: from about {requests} requests/day the best dedicated offer "
                    "({dedicated}) costs no more than the best serverless offer ({serverless}).",
                    "Break-even: from about {requests} requests/day the best dedicated offer "
                    "({dedicated}) costs no more than the best serverless offer ({serverless}).",
                    sens.break_even.requests_per_day,
                ).format(
                    requests=format_count(sens.break_even.requests_per_day),
                    dedicated=sens.break_even.dedicated_offer_id,
                    serverless=sens.break_even.serverless_offer_id,
                )
            )
        else:
            lines.append(_("Break-even: {note}").format(note=sens.break_even.note))
        lines.append(_("Flip premium: {note}").format(note=sens.flip_premium.note))
    if result.uses_demo_data:
        lines.append(
            _("DEMO DATA: figures are illustrative and must not be used for a real tender.")
        )
    return tuple(lines)


def _mse_message(
    p: Prepared,
    pref: MseMatchL1Preference,
    r: StepRecord[Decimal],
    before: str,
    cand: str,
    cost: str,
    limit: str,
    price: str,
    basis: str,
) -> tuple[str, str]:
    values = {
        "award": before,
        "candidate": cand,
        "cost": cost,
        "band": format_pct(pref.band_pct),
        "limit": limit,
        "price": price,
        "basis": basis,
    }
    precedence = pref.precedence_note or _("the order of the pack's preferences")
    interpretation = _("Order of precedence with Make in India: {precedence}.").format(
        precedence=precedence
    )
    if p.method == "qcbs" and pref.under_qcbs == "ranked_first_as_l1":
        interpretation += " " + _qcbs_reading(_no_note())
    reason = r.reason
    if reason == "QCBS_UNDEFINED":
        return (
            _(
                "MSE purchase preference (MSE Order 2012 para 10) not applied: this evaluation "
                "is QCBS and the pack gives no reading of L1 for it. Record in the file how the "
                "MSE order was considered."
            ),
            interpretation,
        )
    if reason == "AWARDEE_IS_MSE":
        return (
            _(
                "MSE purchase preference (MSE Order 2012 para 10): {award}, the award, is a "
                "micro or small enterprise: no share."
            ).format(**values),
            "",
        )
    if reason == "NO_MSE":
        return (
            _(
                "MSE purchase preference (MSE Order 2012 para 10): no other eligible offer is "
                "from a micro or small enterprise."
            ),
            "",
        )
    if reason == "NO_MSE_WITHIN_BAND":
        return (
            _(
                "MSE purchase preference (MSE Order 2012 para 10): the lowest MSE offer "
                "{candidate} costs {cost}, above L1 + {band} ({limit}; L1 {price}, {basis}): no "
                "share."
            ).format(**values),
            interpretation,
        )
    turns = _turns(p, r.rounds, p.stated("mse_match_l1"))
    if reason == "MSES_DECLINE":
        return (
            _(
                "MSE purchase preference (MSE Order 2012 para 10): {award}, the award, is not an "
                "MSE; the MSEs within L1 + {band} ({limit}; L1 {price}, {basis}) are invited to "
                "bring their price down to L1: {turns}. None accepts: the award stays whole with "
                "{award}."
            ).format(**values, turns=turns),
            interpretation,
        )
    ids = p.eligible_ids()
    return (
        ngettext(
            "MSE purchase preference (MSE Order 2012 para 10): {award}, the award, is not an "
            "MSE; the MSEs within L1 + {band} ({limit}; L1 {price}, {basis}) are invited to "
            "bring their price down to L1: {turns}. {sharing} supply {share} of the tendered "
            "value at the L1 price; {award} supplies the rest.",
            "MSE purchase preference (MSE Order 2012 para 10): {award}, the award, is not an "
            "MSE; the MSEs within L1 + {band} ({limit}; L1 {price}, {basis}) are invited to "
            "bring their price down to L1: {turns}. {sharing} supply {share} of the tendered "
            "value at the L1 price in equal parts; {award} supplies the rest.",
            len(r.sharing),
        ).format(
            **values,
            turns=turns,
            sharing=", ".join(ids[k] for k in r.sharing),
            share=format_pct(pref.share_pct),
        ),
        interpretation,
    )
