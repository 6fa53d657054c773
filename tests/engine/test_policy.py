"""The policy pack as data: loading, validation messages that name the field, and the contents of
the default India pack (citations and confidence on every rule)."""

from __future__ import annotations

import copy
import dataclasses
import json
from decimal import Decimal
from typing import Any

import pytest

from procurement.engine import EngineValidationError, load_policy, policy_to_dict
from procurement.engine.codec import to_jsonable
from procurement.engine.packs import load_pack, pack_data, pack_names
from procurement.engine.policy import (
    Citation,
    MiiMatchL1Preference,
    TransitionPremiumPreference,
)
from tests.engine.builders import INDIA

D = Decimal


def errors_for(document: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(EngineValidationError) as exc:
        load_policy(document)
    return dict(exc.value.as_pairs())


def test_the_india_pack_is_shipped_and_loads() -> None:
    assert "india-default" in pack_names()
    policy = load_pack("india-default")
    assert (policy.pack_id, policy.version, policy.jurisdiction) == ("india-default", 4, "IN")
    assert not policy.is_demo


def test_the_demo_state_pack_is_marked_demo_and_records_its_instrument() -> None:
    """TENDER-FILE §3: a non-statutory preference applies only under an instrument that
    empowers it, recorded with issuer, number and date; the demo instrument is fictional."""
    policy = load_pack("demo-state-transition")
    premium = policy.preferences[1]
    assert isinstance(premium, TransitionPremiumPreference)
    assert policy.is_demo and "DEMO" in policy.title
    assert premium.instrument is not None and premium.instrument.is_demo
    assert "DEMO" in premium.instrument.number


def test_pack_round_trips_through_its_json_document() -> None:
    document = policy_to_dict(INDIA)
    assert load_policy(json.loads(json.dumps(document))) == INDIA


def _walk_rules(node: object, path: str = "policy") -> list[tuple[str, Citation, str]]:
    """Every object in the pack that carries a citation, with its confidence."""
    found: list[tuple[str, Citation, str]] = []
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        names = {f.name for f in dataclasses.fields(node)}
        if "citation" in names:
            found.append((path, node.citation, node.confidence))  # type: ignore[attr-defined]
        for name in names - {"citation"}:
            found.extend(_walk_rules(getattr(node, name), f"{path}.{name}"))
    elif isinstance(node, tuple):
        for i, item in enumerate(node):
            found.extend(_walk_rules(item, f"{path}[{i}]"))
    return found


def test_every_rule_of_the_india_pack_carries_a_citation_and_confidence() -> None:
    rules = _walk_rules(INDIA)
    assert len(rules) >= 35
    for path, citation, confidence in rules:
        assert citation.document.strip() and citation.clause.strip(), path
        assert confidence in {"P", "S", "M", "D", "A"}, path


@pytest.mark.parametrize(
    ("classification", "cloud", "country", "operators", "guarantee"),
    [
        ("public", True, None, None, False),
        ("internal", True, "IN", None, False),
        ("personal", True, "IN", None, False),
        ("sensitive_personal", True, "IN", None, True),
        ("category_a", True, "IN", ("government_cloud", "sovereign_cloud"), True),
        ("secret", False, "IN", (), True),
    ],
)
def test_india_residency_matrix(
    classification: str,
    cloud: bool,
    country: str | None,
    operators: tuple[str, ...] | None,
    guarantee: bool,
) -> None:
    rule = INDIA.residency_rule(classification)
    assert rule is not None
    assert (
        rule.cloud_allowed,
        rule.required_country,
        rule.allowed_operator_types,
        rule.require_processing_guarantee,
    ) == (cloud, country, operators, guarantee)
    assert rule.confidence == "S"  # reported, primary text not verified


def test_india_pack_make_in_india_and_procurement_thresholds() -> None:
    mii = INDIA.mii
    assert mii is not None
    assert (mii.class_i_min_lc_pct, mii.class_ii_min_lc_pct_exclusive) == (D(50), D(20))
    assert mii.exemption_below_inr == D(500_000)  # ₹5 lakh
    assert mii.gte_threshold_inr == D(2_000_000_000)  # ₹200 crore
    assert mii.lc_certificate_above_inr == D(100_000_000)  # ₹10 crore
    match = INDIA.preferences[0]
    assert isinstance(match, MiiMatchL1Preference)
    assert (match.margin_pct, match.boundary_inclusive, match.confidence) == (D(20), True, "P")
    assert "interpretation" in match.boundary_note
    qcbs = INDIA.evaluation.qcbs
    assert (qcbs.max_technical_weight_pct, qcbs.ncs_max_technical_weight_pct) == (D(80), D(30))
    assert "Rule 192" in qcbs.max_weight.citation.text()


def test_india_pack_taxes_finance_and_domestic_definition() -> None:
    domestic, foreign = INDIA.tax_rule("domestic"), INDIA.tax_rule("foreign")
    assert domestic is not None and foreign is not None
    assert (domestic.rate_pct, foreign.rate_pct) == (D(18), D(18))
    assert "s.14" in foreign.citation.text() and foreign.confidence == "P"
    assert domestic.confidence == "M"  # rate widely known, notification text not retrieved
    finance = INDIA.finance
    assert finance.discount_rate.confidence == "A"  # an assumption, labelled as such
    assert (finance.expected_inr_depreciation_pct, finance.depreciation.confidence) == (D(3), "D")
    d = INDIA.domestic_infrastructure
    assert (d.home_country, d.locations) == ("IN", ("processing", "storage", "logs"))
    assert d.require_operator_domestic_ownership and d.require_operator_incorporated_in_home


def test_transition_premium_is_labelled_as_the_authoritys_own_policy() -> None:
    premium = INDIA.preferences[2]
    assert isinstance(premium, TransitionPremiumPreference)
    assert [s.premium_pct for s in premium.schedule] == [
        D(15),
        D("11.25"),
        D("7.5"),
        D("3.75"),
        D(0),
    ]
    # Defect 8: no central instrument is known, so the central pack records none (a policy
    # scenario) and says so; it never cites the Make in India order as its authority.
    assert premium.instrument is None
    assert "No empowering instrument recorded" in premium.citation.document
    assert "policy scenario" in premium.note
    assert premium.confidence == "M"


def test_technical_weight_above_80_percent_is_rejected_with_rule_192() -> None:
    document = copy.deepcopy(pack_data())
    document["evaluation"]["qcbs"]["technical_weight_pct"] = "85"
    errors = errors_for(document)
    message = errors["policy.evaluation.qcbs.technical_weight_pct"]
    assert "must not exceed 80" in message and "General Financial Rules 2017, Rule 192" in message


@pytest.mark.parametrize(
    ("mutate", "path", "words"),
    [
        (
            lambda d: d["finance"].__setitem__("discount_rate_pct", 8.0),
            "policy.finance.discount_rate_pct",
            "floats are not exact",
        ),
        (
            lambda d: d["finance"].__setitem__("discount_rate_pct", "eight"),
            "policy.finance.discount_rate_pct",
            "decimal number",
        ),
        (lambda d: d.__setitem__("colour", "blue"), "policy.colour", "is not a known field"),
        (lambda d: d["mii"].pop("gte"), "policy.mii.gte", "is required"),
        (
            lambda d: d["residency"]["rules"][0].__setitem__("classification", "top_secret"),
            "policy.residency.rules[0].classification",
            "must be one of",
        ),
        (
            lambda d: d["preferences"][2].__setitem__("kind", "premium"),
            "policy.preferences[2].kind",
            "must be one of",
        ),
        (
            lambda d: d["preferences"][2]["schedule"].reverse(),
            "policy.preferences[2].schedule",
            "date order",
        ),
        (
            lambda d: d["taxes"]["rules"].pop(),
            "policy.taxes.rules",
            "needs a rule for foreign suppliers",
        ),
        (
            lambda d: d["mii"]["gte"]["citation"].__setitem__("clause", " "),
            "policy.mii.gte.citation.clause",
            "non-empty text",
        ),
        (
            lambda d: d["residency"]["rules"][0].__setitem__("confidence", "X"),
            "policy.residency.rules[0].confidence",
            "must be one of",
        ),
        (
            lambda d: d["evaluation"]["qcbs"].__setitem__("technical_weight_pct", "-1"),
            "policy.evaluation.qcbs.technical_weight_pct",
            "between 0 and 100",
        ),
        (
            lambda d: d["clauses"][1].__setitem__("text", "Data stays in {contry}."),
            "policy.clauses[1].text",
            "placeholder {contry} is not one of: country, locations",
        ),
        (
            lambda d: d["clauses"][1].__setitem__("text", "Data stays in {country.__class__}."),
            "policy.clauses[1].text",
            "placeholder {country.__class__} is not one of",
        ),
        (
            lambda d: d["clauses"][1].__setitem__("text", "Data stays in {country."),
            "policy.clauses[1].text",
            "a brace that opens or closes no placeholder",
        ),
        (
            lambda d: d["clauses"][2].__setitem__("clause_id", d["clauses"][1]["clause_id"]),
            "policy.clauses[2]",
            "duplicate clause id 'residency'",
        ),
        (
            lambda d: d["clauses"][2].__setitem__("sources", []),
            "policy.clauses[2].sources",
            "at least one source",
        ),
        (
            lambda d: d["clauses"][2]["sources"][0].__setitem__("date", "20.03.2026"),
            "policy.clauses[2].sources[0].date",
            "YYYY-MM-DD",
        ),
    ],
)
def test_policy_errors_name_the_field(mutate: Any, path: str, words: str) -> None:
    document = copy.deepcopy(pack_data())
    mutate(document)
    errors = errors_for(document)
    assert path in errors, errors
    assert words in errors[path]


def test_price_evaluation_factor_must_come_first_of_the_authoritys_own() -> None:
    document = copy.deepcopy(pack_data())
    document["preferences"].append(
        {
            "kind": "price_evaluation_factor",
            "factor_pct": "20",
            "citation": {"document": "FAR 25.105", "clause": "evaluation factor"},
            "confidence": "S",
        }
    )
    errors = errors_for(document)
    assert errors["policy.preferences[3].kind"] == (
        "price_evaluation_factor must be the first of the authority's own preferences"
    )


def test_the_statutory_match_comes_before_the_authoritys_own_preferences() -> None:
    """Precedence: the law's procedure first (MII Order para 3A(c)); the authority's own policy
    only among the outcomes it leaves open."""
    document = copy.deepcopy(pack_data())
    document["preferences"].reverse()
    assert "is statutory and must come before" in errors_for(document)["policy.preferences[1].kind"]


def test_a_pack_for_another_jurisdiction_needs_no_make_in_india_section() -> None:
    document = copy.deepcopy(pack_data())
    document.pop("mii")
    document["preferences"] = [
        {
            "kind": "price_evaluation_factor",
            "factor_pct": "20",
            "citation": {"document": "FAR 25.105", "clause": "Buy American evaluation factor"},
            "confidence": "S",
        }
    ]
    policy = load_policy(document)
    assert policy.mii is None
    document["preferences"].insert(0, to_jsonable(INDIA.preferences[0]))
    assert "needs the pack's mii section" in errors_for(document)["policy.preferences[0].kind"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50000", "Direct purchase on GeM"),
        ("50000.01", "lowest-priced of the sellers of at least three"),
        ("1000000", "lowest-priced of the sellers of at least three"),
        ("4999999", "limited tender enquiry to more than three firms"),
        ("5000001", "advertised tender enquiry on GeM and CPPP"),
        ("20000000000", "advertised tender enquiry on GeM and CPPP"),
    ],
)
def test_india_pack_suggests_the_mode_of_procurement_for_a_value(value: str, expected: str) -> None:
    mode = INDIA.procurement_mode(Decimal(value))
    assert mode is not None and expected in mode.mode
    assert "General Financial Rules 2017" in mode.citation.text()
    assert mode.citation.clause.startswith("Rule 149")


def test_procurement_mode_limits_must_rise() -> None:
    data = pack_data("india-default")
    data["procurement_modes"][1]["up_to_inr"] = "40000"
    data["procurement_modes"][2]["up_to_inr"] = None
    with pytest.raises(EngineValidationError) as failure:
        load_policy(data)
    assert (
        "policy.procurement_modes[1].up_to_inr",
        "must be above the previous limit (50000)",
    ) in (failure.value.as_pairs())
    assert (
        "policy.procurement_modes[2].up_to_inr",
        "only the last mode may have no upper limit",
    ) in failure.value.as_pairs()


def _url_paths(node: Any, path: str = "policy") -> list[tuple[str, Any]]:
    """Every place of a pack document that holds a link: (its path, its parent and key)."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "url":
                found.append((f"{path}.url", (node, key)))
            else:
                found.extend(_url_paths(value, f"{path}.{key}"))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found.extend(_url_paths(item, f"{path}[{i}]"))
    return found


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,x", "/relative", "ftp://x"]
)
def test_every_link_in_a_pack_must_be_a_web_address(link: str) -> None:
    """Issue 11, item 5: a `javascript:` citation was stored and rendered on another department's
    comparison page. Every path of the shipped packs that holds a link is refused, by name."""
    for name in pack_names():
        document = pack_data(name)
        paths = _url_paths(document)
        assert len(paths) > 30  # every citation, the instrument's and the CERT-In link
        for path, (parent, key) in paths:
            original = parent[key]
            parent[key] = link
            errors = errors_for(document)
            assert errors.get(path, "").startswith("must be a web address"), (path, errors)
            parent[key] = original
