"""A comparison's results, arranged for the people who read them: the comparison page and the
justification PDF both show this one typed view.

Display only: every figure is the engine's, from its result types (``engine.ComparisonResult``,
loaded from the results stored with the comparison); nothing here decides anything. Reading the
stored results, not the current rows, keeps a comparison as it was when the workload or the
catalogue later changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from procurement import engine, labels

STATUS_ORDER = {"fail": 0, "warning": 1, "pass": 2}


@dataclass(frozen=True)
class Cell:
    """One offer against one rule in the eligibility matrix: its worst outcome, and why."""

    status: str
    symbol: str
    message: str


@dataclass(frozen=True)
class MatrixRow:
    offer: engine.OfferResult
    cells: tuple[Cell | None, ...]
    failed: tuple[engine.RuleOutcome, ...]


@dataclass(frozen=True)
class ComparisonView:
    results: engine.ComparisonResult
    offers: Mapping[str, engine.OfferResult]
    award: engine.AwardOutcome
    awarded: engine.OfferResult | None
    runner_up: engine.OfferResult | None
    raw_l1: engine.OfferResult | None
    mechanism: str
    rule_codes: tuple[str, ...]
    matrix: tuple[MatrixRow, ...]
    eligible: tuple[engine.OfferResult, ...]

    @property
    def excluded(self) -> tuple[MatrixRow, ...]:
        return tuple(row for row in self.matrix if not row.offer.eligible)


def _worst(outcomes: list[engine.RuleOutcome]) -> Cell:
    status = min((o.status for o in outcomes), key=STATUS_ORDER.__getitem__)
    message = " ".join(f"{o.subject + ': ' if o.subject else ''}{o.message}" for o in outcomes)
    return Cell(status, labels.STATUS_SYMBOL[status], message)


def _ordered(results: engine.ComparisonResult) -> list[engine.OfferResult]:
    """Eligible offers by rank, then the excluded ones by evaluated cost (unpriced last)."""

    def key(o: engine.OfferResult) -> tuple[bool, int, bool, Decimal, str]:
        cost = o.evaluated_cost_inr
        return (not o.eligible, o.rank or 0, cost is None, cost or Decimal(0), o.name)

    return sorted(results.offers, key=key)


def comparison_view(results: engine.ComparisonResult) -> ComparisonView:
    offers = {o.offer_id: o for o in results.offers}
    ordered = _ordered(results)
    codes: list[str] = []
    for offer in ordered:
        for outcome in offer.outcomes:
            if outcome.code not in codes:
                codes.append(outcome.code)
    matrix = []
    for offer in ordered:
        by_code: dict[str, list[engine.RuleOutcome]] = {}
        for outcome in offer.outcomes:
            by_code.setdefault(outcome.code, []).append(outcome)
        matrix.append(
            MatrixRow(
                offer=offer,
                cells=tuple(_worst(by_code[c]) if c in by_code else None for c in codes),
                failed=tuple(o for o in offer.outcomes if o.status == "fail"),
            )
        )
    recommendation = results.recommendation
    award = recommendation.award
    return ComparisonView(
        results=results,
        offers=offers,
        award=award,
        awarded=offers.get(award.offer_id or ""),
        runner_up=offers.get(recommendation.runner_up_offer_id or ""),
        raw_l1=offers.get(recommendation.raw_l1_offer_id or ""),
        mechanism=labels.MECHANISM.label(award.mechanism),
        rule_codes=tuple(codes),
        matrix=tuple(matrix),
        eligible=tuple(o for o in ordered if o.eligible),
    )
