"""Working state of one comparison, shared by compare, explain and sensitivity (internal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from procurement.engine.award import AwardDecision, AwardRules, Contender
from procurement.engine.facts import is_domestic_infrastructure, mii_class
from procurement.engine.inputs import (
    EvaluationMethod,
    MatchPreference,
    MatchReply,
    Offer,
    TechnicalScore,
    Workload,
)
from procurement.engine.policy import Policy
from procurement.engine.results import EstimatedValue, FxUsed, RuleOutcome, TcoBreakdown


@dataclass(frozen=True, slots=True)
class OfferState:
    """One offer through the pipeline: its FX rate, TCO (None: cannot be priced), technical
    score and rule outcomes so far."""

    offer: Offer
    fx: FxUsed | None
    tco: TcoBreakdown | None
    technical: Decimal | None
    outcomes: tuple[RuleOutcome, ...]

    @property
    def offer_id(self) -> str:
        return self.offer.offer_id

    def priced(self) -> TcoBreakdown:
        """The TCO of an offer known to be priced."""
        if self.tco is None:
            raise ValueError(f"{self.offer.offer_id} has no TCO")
        return self.tco


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything the exact (Decimal) comparison computed. ``eligible`` is in offer-id order and
    the award indices of ``decision`` point into it; ``if_all_accept`` and ``if_all_decline`` are
    the decisions when every invited Class-I supplier accepts or declines to match L1, when an
    invitation was made; ``match_replies`` the answers stated for the match-L1 invitations."""

    workload: Workload
    policy: Policy
    decision_date: dt.date
    method: EvaluationMethod
    states: tuple[OfferState, ...]
    eligible: tuple[OfferState, ...]
    value: EstimatedValue
    rules: AwardRules[Decimal] | None
    decision: AwardDecision[Decimal] | None
    if_all_accept: AwardDecision[Decimal] | None
    if_all_decline: AwardDecision[Decimal] | None
    fx_used: tuple[FxUsed, ...]
    match_replies: tuple[MatchReply, ...]
    technical_scores: tuple[TechnicalScore, ...] = ()

    def declines(self, preference: MatchPreference = "mii_match_l1") -> frozenset[str]:
        """Offer ids stated to decline an invitation to match L1 under ``preference``."""
        return frozenset(
            r.offer_id for r in self.match_replies if not r.accepts and r.preference == preference
        )

    def stated(self, preference: MatchPreference = "mii_match_l1") -> frozenset[str]:
        """Offer ids with a stated answer (accept or decline) to an invitation to match L1
        under ``preference``."""
        return frozenset(r.offer_id for r in self.match_replies if r.preference == preference)

    def eligible_ids(self) -> list[str]:
        """Offer ids of the eligible offers, in the order award indices use."""
        return [s.offer.offer_id for s in self.eligible]

    def cost(self, index: int) -> Decimal:
        """Evaluated cost (policy basis) of eligible offer ``index``."""
        return self.eligible[index].priced().evaluated_cost_inr

    def nominal(self, index: int) -> Decimal:
        """Nominal TCO of eligible offer ``index``."""
        return self.eligible[index].priced().nominal_total_inr


def contenders_of(
    states: tuple[OfferState, ...],
    policy: Policy,
    declines: frozenset[str] = frozenset(),
    mse_declines: frozenset[str] = frozenset(),
) -> list[Contender[Decimal]]:
    """Eligible offers as evaluation sees them: cost on the policy's basis, Class-I, domestic
    infrastructure, technical score, whether it accepts to match L1 (all but ``declines``), its
    nominal cost (for the premium cap, in rupees actually paid), whether it is a micro or small
    enterprise and whether it accepts the MSE invitation (all but ``mse_declines``)."""
    npv = policy.evaluation.cost_basis == "npv"
    return [
        Contender(
            cost=s.priced().evaluated_cost_inr,
            class_i=mii_class(s.offer, policy) == "class_i",
            domestic=is_domestic_infrastructure(s.offer, policy),
            technical=s.technical,
            accepts_match=s.offer.offer_id not in declines,
            nominal=s.priced().nominal_total_inr if npv else None,
            mse=s.offer.provider.mse_status != "none",
            accepts_mse_match=s.offer.offer_id not in mse_declines,
        )
        for s in states
    ]
