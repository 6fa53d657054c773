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


@dataclass(frozen=True)
class PolicyRuleRow:
    """One rule of a policy pack as its page lists it: what it governs, in words, and its
    source."""

    name: str
    citation: engine.Citation
    confidence: str
    note: str


def policy_rules(policy: engine.Policy) -> list[PolicyRuleRow]:
    """Every cited rule of a pack apart from residency and preferences (which the page shows
    in their own tables), named in plain words, in the order a tender file takes them."""
    evaluation = policy.evaluation
    terms = policy.contract_terms
    finance = policy.finance
    named: list[tuple[str, object]] = [
        ("Logs kept in the country (CERT-In)", policy.logs_direction),
        ("Commercial cloud must be MeitY-empanelled", policy.cloud_empanelment),
    ]
    named += [
        (f"{labels.CERTIFICATION_KIND.label(r.kind)} certification", r)
        for r in policy.certifications.required
    ]
    named += [
        ("Certification valid for the whole contract", policy.certifications.expiry),
        ("Quality bar", policy.quality),
        ("No training on Buyer Data", terms.training),
        ("Longest retention of Buyer Data", terms.max_retention),
        ("Notice before a model is retired", terms.min_deprecation_notice),
        ("Model shut down during the contract", terms.shutdown),
        ("Dated model versions", terms.pinned_snapshot),
    ]
    if policy.mii is not None:
        mii = policy.mii
        named += [
            ("Make in India: classes of local supplier", mii.classification),
            ("Make in India: small purchases exempt", mii.exemption),
            ("Global tender enquiry", mii.gte),
            ("Local content certificate", mii.lc_certificate),
            ("Only Class-I suppliers", mii.only_class_i),
        ]
    named.append(("Bidders from countries sharing a land border", policy.land_border))
    named += [(f"Mode of procurement: {mode.mode}", mode) for mode in policy.procurement_modes]
    named += [
        ("Award at the lowest evaluated cost (L1)", evaluation.l1),
        ("Quality and cost based selection", evaluation.qcbs),
        ("Cap on the technical weight", evaluation.qcbs.max_weight),
        ("Cap for non-consultancy services", evaluation.qcbs.ncs_cap),
        ("Ties", evaluation.tie),
        ("Estimated value", evaluation.estimated_value),
    ]
    named += [(f"Tax: {rule.levy}", rule) for rule in policy.taxes.rules]
    named += [
        ("Input tax credit", policy.taxes.input_tax_credit),
        (f"Discount rate ({finance.discount_rate_pct} % a year)", finance.discount_rate),
        (
            f"Expected rupee depreciation ({finance.expected_inr_depreciation_pct} % a year)",
            finance.depreciation,
        ),
        ("Use of dedicated capacity", finance.utilisation),
        ("What counts as domestic infrastructure", policy.domestic_infrastructure),
        ("Age of prices and exchange rates", policy.data_quality),
    ]
    return [
        PolicyRuleRow(
            name=name,
            citation=rule.citation,  # type: ignore[attr-defined]
            confidence=rule.confidence,  # type: ignore[attr-defined]
            note=getattr(rule, "note", ""),
        )
        for name, rule in named
        if rule is not None
    ]
