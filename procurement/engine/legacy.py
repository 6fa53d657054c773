"""Reading records written by an earlier engine: stored snapshots are never rewritten, so the
engine reads the older shapes into today's types, field by field, and says what it assumed.

Engine 1.0.0 (snapshot version 1) differs from today's in four places:

* the Make in India planning assumption was one yes/no for every Class-I supplier
  (``options.class_i_accepts_match``; ``mii_planning.assumption_class_i_accepts``) — now one
  answer per supplier (``match_replies``; ``declining_offer_ids``);
* regions named no operator — now each does; an old region reads as operated by an operator
  "not recorded", foreign-owned (the reading that never counts it as domestic);
* domestic infrastructure followed the provider (``require_headquarters_in_home``,
  ``require_domestic_ownership``) — now the operator; the share's buckets are renamed
  accordingly (``domestic_infrastructure`` → ``domestic_operator``,
  ``in_country_other_operator`` → ``foreign_operator_in_country``);
* offers carried no list of operators.

Engine 2.0.0 (snapshot version 2, as today) differs in two: a pack had no clause library
(``policy.clauses``), and a citation named no issuer, number, date or comparable practice (they
read as not recorded). Engine 1.0.0 records get both too.

Only the shape changes: every figure stays as that engine computed it. Replaying such a snapshot
with today's engine recomputes it under today's rules, so replay reports the results that differ.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

LEGACY_ENGINE_VERSIONS = frozenset({"1.0.0", "2.0.0"})
_BEFORE_OPERATORS = frozenset({"1.0.0"})
# The fields a citation gained with engine 2.1.0, as an earlier citation reads.
_CITATION_DEFAULTS: dict[str, Any] = {
    "issuer": "",
    "number": "",
    "date": None,
    "comparable_practice": "",
}
NOT_RECORDED = "Not recorded (compared before region operators were recorded)"

_BUCKETS = {
    "domestic_infrastructure": "domestic_operator",
    "in_country_other_operator": "foreign_operator_in_country",
}
_SHARE_FIELDS = {
    f"{old}_{unit}": f"{new}_{unit}"
    for old, new in _BUCKETS.items()
    for unit in ("inferences", "pct")
}


def is_legacy(engine_version: object) -> bool:
    """Whether a record was written by an engine whose shapes :mod:`legacy` reads."""
    return isinstance(engine_version, str) and engine_version in LEGACY_ENGINE_VERSIONS


def upgrade_snapshot(document: Mapping[str, Any]) -> dict[str, Any]:
    """A snapshot of an earlier engine in today's shape (a copy; today's snapshots unchanged)."""
    upgraded = copy.deepcopy(dict(document))
    if not is_legacy(upgraded.get("engine_version")):
        return upgraded
    results = upgraded.get("results")
    inputs = upgraded.get("inputs")
    if isinstance(inputs, dict):
        upgraded["inputs"] = upgrade_inputs(inputs, "1.0.0")
    if isinstance(results, dict):
        upgraded["results"] = upgrade_results(results)
    return upgraded


def upgrade_results(results: Mapping[str, Any]) -> dict[str, Any]:
    """Stored results of an earlier engine in today's shape (a copy)."""
    upgraded = copy.deepcopy(dict(results))
    version = upgraded.get("engine_version")
    if not is_legacy(version):
        return upgraded
    _fill_citations(upgraded)
    if version not in _BEFORE_OPERATORS:
        return upgraded
    for offer in _dicts(upgraded.get("offers")):
        hosting = str(offer.get("hosting"))
        offer["hosting"] = _BUCKETS.get(hosting, hosting)
        offer.setdefault("operators", [])
    share = upgraded.get("domestic_share")
    if isinstance(share, dict):
        upgraded["domestic_share"] = {_SHARE_FIELDS.get(k, k): v for k, v in share.items()}
    planning = upgraded.get("mii_planning")
    if isinstance(planning, dict) and "assumption_class_i_accepts" in planning:
        accepts = planning.pop("assumption_class_i_accepts")
        mii = next(
            (p for p in _dicts(upgraded.get("preferences")) if p.get("kind") == "mii_match_l1"),
            {},
        )
        invited = mii.get("candidate_offer_id")
        planning["within_margin_offer_ids"] = [invited] if invited else []
        planning["declining_offer_ids"] = [invited] if invited and not accepts else []
    return upgraded


def upgrade_inputs(inputs: Mapping[str, Any], engine_version: object) -> dict[str, Any]:
    """Stored inputs of an earlier engine in today's shape (a copy)."""
    upgraded = copy.deepcopy(dict(inputs))
    if not is_legacy(engine_version):
        return upgraded
    policy = upgraded.get("policy")
    if isinstance(policy, dict):
        policy.setdefault("clauses", [])
        _fill_citations(policy)
    if engine_version not in _BEFORE_OPERATORS:
        return upgraded
    offers = list(_dicts(upgraded.get("offers")))
    for offer in offers:
        for name in ("processing_regions", "storage_regions", "log_regions"):
            for region in _dicts(offer.get(name)):
                region.setdefault(
                    "operator",
                    {
                        "name": NOT_RECORDED,
                        "ownership": "foreign",
                        "country": region.get("country"),
                    },
                )
    options = upgraded.get("options")
    if isinstance(options, dict) and "class_i_accepts_match" in options:
        accepts = options.pop("class_i_accepts_match")
        # One answer for every Class-I supplier: every offer is given it (an answer for an offer
        # that is never invited changes nothing).
        options["match_replies"] = (
            [] if accepts else [{"offer_id": o.get("offer_id"), "accepts": False} for o in offers]
        )
    definition = policy.get("domestic_infrastructure") if isinstance(policy, dict) else None
    if isinstance(definition, dict) and "require_domestic_ownership" in definition:
        definition["require_operator_domestic_ownership"] = definition.pop(
            "require_domestic_ownership"
        )
        definition["require_operator_incorporated_in_home"] = definition.pop(
            "require_headquarters_in_home", False
        )
    return upgraded


def _fill_citations(node: object) -> None:
    """Give every citation in ``node`` (a dict with a document and a clause) the fields it
    gained since, as not recorded."""
    if isinstance(node, list):
        for item in node:
            _fill_citations(item)
    elif isinstance(node, dict):
        if "document" in node and "clause" in node:
            for key, value in _CITATION_DEFAULTS.items():
                node.setdefault(key, value)
        for value in node.values():
            _fill_citations(value)


def _dicts(items: object) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
