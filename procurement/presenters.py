"""Turn a stored comparison snapshot into what the comparison page (and, later, the PDF) shows.

Display only: every figure comes from the snapshot's results as the engine computed them; nothing
here decides anything. Reading the snapshot, not the current rows, is what keeps a comparison as
it was when the workload or the catalogue later changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

STATUS_ORDER = {"fail": 0, "warning": 1, "pass": 2}
STATUS_SYMBOL = {"pass": "✓", "warning": "!", "fail": "✗"}
HOSTING_LABEL = {
    "domestic_infrastructure": "domestic infrastructure",
    "in_country_other_operator": "in India, other operator",
    "abroad": "abroad",
}
MII_LABEL = {"class_i": "Class-I", "class_ii": "Class-II", "non_local": "Non-local", None: "—"}
MECHANISM_LABEL = {
    "l1": "least cost (L1)",
    "qcbs": "quality and cost (QCBS)",
    "price_evaluation_factor": "price evaluation factor",
    "mii_match_l1": "Make in India purchase preference (match L1)",
    "transition_premium": "the buying authority's transition premium",
    "tie_band": "tie band",
    "none": "no award",
}


@dataclass
class Cell:
    status: str
    symbol: str
    message: str


@dataclass
class MatrixRow:
    offer: dict[str, Any]
    cells: list[Cell | None]
    failed: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ComparisonView:
    snapshot: dict[str, Any]
    results: dict[str, Any]
    workload: dict[str, Any]
    offers: dict[str, dict[str, Any]]
    award: dict[str, Any]
    awarded: dict[str, Any] | None
    runner_up: dict[str, Any] | None
    raw_l1: dict[str, Any] | None
    mechanism: str
    rule_codes: list[str]
    matrix: list[MatrixRow]
    eligible: list[dict[str, Any]]

    @property
    def policy(self) -> dict[str, Any]:
        return self.snapshot["inputs"]["policy"]


def _worst(outcomes: list[dict[str, Any]]) -> Cell:
    status = min((o["status"] for o in outcomes), key=STATUS_ORDER.__getitem__)
    message = " ".join(
        f"{o['subject'] + ': ' if o.get('subject') else ''}{o['message']}" for o in outcomes
    )
    return Cell(status, STATUS_SYMBOL[status], message)


def _ordered_offers(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Eligible offers by rank, then the excluded ones by evaluated cost (unpriced last)."""

    def key(o: dict[str, Any]) -> tuple[Any, ...]:
        cost = Decimal(o["evaluated_cost_inr"]) if o["evaluated_cost_inr"] else None
        return (not o["eligible"], o["rank"] or 0, cost is None, cost or 0, o["name"])

    return sorted(results["offers"], key=key)


def comparison_view(snapshot: dict[str, Any]) -> ComparisonView:
    results = snapshot["results"]
    offers = {o["offer_id"]: o for o in results["offers"]}
    ordered = _ordered_offers(results)
    codes: list[str] = []
    for offer in ordered:
        for outcome in offer["outcomes"]:
            if outcome["code"] not in codes:
                codes.append(outcome["code"])
    matrix = []
    for offer in ordered:
        by_code: dict[str, list[dict[str, Any]]] = {}
        for outcome in offer["outcomes"]:
            by_code.setdefault(outcome["code"], []).append(outcome)
        matrix.append(
            MatrixRow(
                offer=offer,
                cells=[_worst(by_code[c]) if c in by_code else None for c in codes],
                failed=[o for o in offer["outcomes"] if o["status"] == "fail"],
            )
        )
    recommendation = results["recommendation"]
    award = recommendation["award"]
    eligible = [o for o in ordered if o["eligible"]]
    return ComparisonView(
        snapshot=snapshot,
        results=results,
        workload=snapshot["inputs"]["workload"],
        offers=offers,
        award=award,
        awarded=offers.get(award["offer_id"] or ""),
        runner_up=offers.get(recommendation["runner_up_offer_id"] or ""),
        raw_l1=offers.get(recommendation["raw_l1_offer_id"] or ""),
        mechanism=MECHANISM_LABEL.get(award["mechanism"], award["mechanism"]),
        rule_codes=codes,
        matrix=matrix,
        eligible=eligible,
    )


def label_hosting(value: str) -> str:
    return HOSTING_LABEL.get(value, value)


def label_mii(value: str | None) -> str:
    return MII_LABEL.get(value, str(value))
