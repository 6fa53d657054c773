"""End-to-end comparisons with the India pack: hand-checked awards, premiums and explanations."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_DOWN, Decimal, localcontext

import pytest

from procurement.engine import (
    ComparisonResult,
    EngineValidationError,
    MatchReply,
    Offer,
    Policy,
    compare,
)
from tests.engine.builders import (
    AWS_MUMBAI,
    DECISION,
    INDIA,
    NIC_DELHI,
    STATE,
    US_EAST,
    USD,
    evals,
    foreign_offer,
    foreign_provider,
    offer,
    price,
    provider,
    workload,
)

D = Decimal

# One contract year, 1,00,000 requests/day × 1,000 output tokens = 36,500 M output tokens: an
# offer priced at ₹p per 1M output tokens costs 36,500 × p ex-GST, × 1.18 with tax. At p = 100
# that is ₹43,07,000.00, the "100" of POLICY-RULES.md §1.8 example A scaled by 43,070.
PRICE_ONLY = {"term_years": 1, "mean_input_tokens": D(0), "mean_output_tokens": D(1000)}


def out_price(p: int | Decimal, currency: str = "INR") -> object:
    return price(
        currency=currency,
        input_per_mtok=D(0),
        cached_input_per_mtok=D(0),
        output_per_mtok=D(p),
    )


def mii_offers(*, with_class_i_a: bool = True) -> list[Offer]:
    """§1.8 A: non-local 100 (L1, a foreign cloud's Indian region), Class-II 105, Class-I(a) 118,
    Class-I(b) 125; the local suppliers are domestic infrastructure."""
    offers = [
        foreign_offer("a-non-local", price=out_price(100)),
        offer("b-class-ii", price=out_price(105), provider=provider(local_content_pct=D(30))),
        offer("d-class-i-b", price=out_price(125), provider=provider(local_content_pct=D(60))),
    ]
    if with_class_i_a:
        offers.append(
            offer("c-class-i-a", price=out_price(118), provider=provider(local_content_pct=D(55)))
        )
    return offers


def only_mii(policy: Policy) -> Policy:
    return dataclasses.replace(policy, preferences=policy.preferences[:1])


def run(offers: list[Offer], policy: Policy = INDIA, **changes: object) -> ComparisonResult:
    replies = changes.pop("match_replies", ())
    assert isinstance(replies, tuple)
    decision = changes.pop("decision_date", DECISION)
    assert isinstance(decision, dt.date)
    w = workload(**{**PRICE_ONLY, **changes})
    return compare(w, offers, policy, [USD], decision, match_replies=replies)


def test_mii_example_a_class_i_matches_l1_and_gets_the_whole_contract() -> None:
    result = run(mii_offers(), only_mii(INDIA))
    rec = result.recommendation
    assert rec.raw_l1_offer_id == "a-non-local"
    assert rec.raw_l1_cost_inr == D("4307000.00")
    assert result.offer("c-class-i-a").evaluated_cost_inr == D("5082260.00")  # 118
    award = rec.award
    assert (award.offer_id, award.mechanism, award.price_offer_id) == (
        "c-class-i-a",
        "mii_match_l1",
        "a-non-local",
    )
    assert award.cost_inr == D("4307000.00")  # the buyer pays L1
    assert award.premium_paid_inr == D("0.00")
    mii = result.preferences[0]
    assert (mii.status, mii.reason, mii.effect_inr) == ("applied", "MATCHED", D("0.00"))
    assert mii.is_make_in_india_order
    assert "margin limit of ₹51,68,400.00" in mii.message  # 1.20 × ₹43,07,000
    assert "3A(c)" in mii.citation.clause and mii.confidence == "P"
    # Planning mode: every invited offer assumed to accept (the default), both extremes shown.
    planning = result.mii_planning
    assert planning is not None and planning.declining_offer_ids == ()
    assert "assumed to accept (the default)" in planning.statement
    assert [(r.round, r.offer_id, r.accepted, r.answer) for r in mii.match_rounds] == [
        (1, "c-class-i-a", True, "assumed")
    ]
    assert (planning.if_accepts.offer_id, planning.if_declines.offer_id) == (
        "c-class-i-a",
        "a-non-local",
    )
    assert planning.if_declines.cost_inr == D("4307000.00")


def test_mii_example_a_class_i_at_125_is_never_invited() -> None:
    result = run(mii_offers(with_class_i_a=False), only_mii(INDIA))
    assert result.recommendation.award.offer_id == "a-non-local"
    mii = result.preferences[0]
    assert (mii.status, mii.reason, mii.candidate_offer_id) == (
        "not_applied",
        "NO_CLASS_I_WITHIN_MARGIN",
        "d-class-i-b",
    )
    assert result.mii_planning is None


DECLINES = (MatchReply("c-class-i-a", accepts=False),)


def test_mii_decline_then_an_empowered_authoritys_premium_picks_domestic_class_ii() -> None:
    """Under the demo state pack, whose (fictional) order empowers the premium: if Class-I(a)
    declines, the law leaves the award open (para 3A(c)(iii)) and the transition premium (15 %
    in force) moves it to the domestic Class-II offer at 105: 5 % = ₹2,15,350.00."""
    result = run(mii_offers(), STATE, match_replies=DECLINES)
    award = result.recommendation.award
    assert (award.offer_id, award.mechanism) == ("b-class-ii", "transition_premium")
    assert (award.premium_paid_inr, award.premium_paid_pct) == (D("215350.00"), D("5.00"))
    assert "not the Make in India order" in result.recommendation.premium_statement
    tp = result.preferences[1]
    assert tp.status == "applied" and tp.instrument is not None and tp.instrument.is_demo
    assert "(5 %)" in tp.message  # the one percentage rule: the same 5 % as the summary
    assert result.uses_demo_data
    assert result.mii_planning is not None
    assert result.mii_planning.declining_offer_ids == ("c-class-i-a",)
    assert result.mii_planning.if_accepts.offer_id == "c-class-i-a"
    assert result.preferences[0].match_rounds[0].answer == "stated"


def test_under_the_central_pack_the_premium_is_only_a_policy_scenario() -> None:
    """Defect 8. No central instrument lets a ministry pay above L1 for domestic infrastructure
    (the MII order never does; TENDER-FILE §3): the award follows the law — L1 after Class-I(a)
    declines — and the result states what the premium would have done."""
    result = run(mii_offers(), INDIA, match_replies=DECLINES)
    award = result.recommendation.award
    assert (award.offer_id, award.mechanism, award.premium_paid_inr) == (
        "a-non-local",
        "l1",
        D("0.00"),
    )
    tp = result.preferences[2]
    assert (tp.status, tp.reason, tp.instrument) == ("scenario", "WITHIN_BAND", None)
    assert tp.scenario is not None
    assert tp.scenario.would_award_offer_id == "b-class-ii"
    assert (tp.scenario.premium_inr, tp.scenario.premium_pct) == (D("215350.00"), D("5.00"))
    assert tp.scenario.domestic_inferences_gained == 36_500_000
    assert "Policy scenario only" in tp.message and "award follows the law" in tp.message
    assert not result.uses_demo_data


def test_the_matched_class_i_keeps_the_whole_contract_under_an_empowered_premium() -> None:
    """Defect 1. MII Order para 3A(c)(ii): the matching Class-I gets the full contract at the L1
    price; even an empowered authority's premium cannot move it to the Class-II offer at 105."""
    result = run(mii_offers(), STATE)
    award = result.recommendation.award
    assert (award.offer_id, award.mechanism, award.premium_paid_inr) == (
        "c-class-i-a",
        "mii_match_l1",
        D("0.00"),
    )
    tp = result.preferences[1]
    assert (tp.status, tp.reason) == ("not_applied", "LAW_DECIDED")
    assert "para 3A(c)" in tp.message and "cannot undo it" in tp.message


def test_match_l1_rounds_invite_the_next_class_i_when_the_lowest_declines() -> None:
    """Defect 2. Para 3A(c)(iii): Class-I(a) at 118 declines; Class-I(b) at 119 (within the 120
    limit) is invited next, accepts, and gets the whole contract at L1."""
    offers = [
        *mii_offers(),
        offer("e-class-i-c", price=out_price(119), provider=provider(local_content_pct=D(70))),
    ]
    result = run(offers, INDIA, match_replies=DECLINES)
    mii = result.preferences[0]
    assert [(r.offer_id, r.accepted, r.answer) for r in mii.match_rounds] == [
        ("c-class-i-a", False, "stated"),
        ("e-class-i-c", True, "assumed"),
    ]
    award = result.recommendation.award
    assert (award.offer_id, award.price_offer_id) == ("e-class-i-c", "a-non-local")
    assert "c-class-i-a (₹50,82,260.00) declines" in mii.message


def test_mii_not_applied_below_five_lakh() -> None:
    """36,500 M tokens at ₹0.10 per 1M: ₹3,650 × 1.18 = ₹4,307 < ₹5 lakh."""
    offers = [
        foreign_offer("a-non-local", price=out_price(D("0.1"))),
        offer("c-class-i", price=out_price(D("0.11"))),
    ]
    result = run(offers, only_mii(INDIA), global_tender_approved=False)
    assert result.estimated_value.amount_inr == D("4307.00")
    assert result.preferences[0].reason == "EXEMPT"
    assert result.recommendation.award.offer_id == "a-non-local"  # non-local may bid: exempt
    gate = next(g for g in result.gates if g.code == "MII_APPLICABILITY")
    assert "is below ₹5 lakh" in gate.message


def qcbs_offers() -> list[Offer]:
    """§2.3: A (S_T 90, F 120), B (80, 100), C (72, 90), all domestic."""
    return [
        offer("a", price=out_price(120), evaluations=evals(90)),
        offer("b", price=out_price(100), evaluations=evals(80)),
        offer("c", price=out_price(90), evaluations=evals(72)),
    ]


@pytest.mark.parametrize(
    ("weight", "scores", "winner"),
    [
        (D(70), {"a": D("85.50"), "b": D("83.00"), "c": D("80.40")}, "a"),
        (D(30), {"a": D("79.50"), "b": D("87.00"), "c": D("91.60")}, "c"),
    ],
)
def test_qcbs_worked_example_end_to_end(
    weight: Decimal, scores: dict[str, Decimal], winner: str
) -> None:
    result = run(qcbs_offers(), evaluation_method="qcbs", qcbs_technical_weight_pct=weight)
    assert {o.offer_id: o.combined_score for o in result.offers} == scores
    assert {o.offer_id: o.financial_score for o in result.offers} == {
        "a": D("75.00"),
        "b": D("90.00"),
        "c": D("100.00"),
    }
    assert result.recommendation.award.offer_id == winner
    assert result.recommendation.award.mechanism == "qcbs"
    assert result.ranking[0] == winner
    mii = result.preferences[0]
    assert (mii.reason, bool(mii.interpretation)) == ("QCBS_UNDEFINED", True)


def test_qcbs_technical_weight_above_30_percent_is_flagged_for_a_small_non_consultancy_buy() -> (
    None
):
    result = run(qcbs_offers(), evaluation_method="qcbs", qcbs_technical_weight_pct=D(70))
    cap = next(g for g in result.gates if g.code == "QCBS_WEIGHT_CAP")
    assert cap.status == "warning"
    assert "70 % exceeds the 30 % cap" in cap.message
    assert "F.1/1/2021-PPD dated 29.10.2021" in cap.citation.text()
    assert any(g.code == "QCBS_QOP_DECLARATION" for g in result.gates)
    consultancy = run(
        qcbs_offers(),
        evaluation_method="qcbs",
        qcbs_technical_weight_pct=D(70),
        procurement_category="consultancy",
    )
    assert not any(g.code.startswith("QCBS_") for g in consultancy.gates)


def test_qcbs_technical_weight_above_80_percent_is_rejected_with_rule_192() -> None:
    with pytest.raises(EngineValidationError) as exc:
        run(qcbs_offers(), evaluation_method="qcbs", qcbs_technical_weight_pct=D(85))
    (path, message), *_ = exc.value.as_pairs()
    assert path == "workload.qcbs_technical_weight_pct"
    assert "must not exceed 80" in message and "General Financial Rules 2017, Rule 192" in message


def test_qcbs_minimum_technical_score_excludes_an_offer() -> None:
    offers = [*qcbs_offers(), offer("d", price=out_price(50), evaluations=evals(75))]
    policy = dataclasses.replace(
        INDIA,
        evaluation=dataclasses.replace(
            INDIA.evaluation,
            qcbs=dataclasses.replace(INDIA.evaluation.qcbs, min_technical_score=D(76)),
        ),
    )
    result = run(offers, policy, evaluation_method="qcbs")
    assert not result.offer("d").eligible
    assert not result.offer("c").eligible
    assert (
        next(o for o in result.offer("d").outcomes if o.code == "QCBS_MIN_TECHNICAL").status
        == "fail"
    )


@pytest.mark.parametrize(
    ("decision_date", "in_force", "award"),
    [
        (dt.date(2026, 5, 1), "15 %", "dom"),
        (dt.date(2027, 5, 1), "11.25 %", "dom"),
        (dt.date(2028, 5, 1), "7.5 %", "foreign"),
        (dt.date(2030, 5, 1), "0 %", "foreign"),
    ],
)
def test_transition_premium_sunset_schedule(
    decision_date: dt.date, in_force: str, award: str
) -> None:
    """Foreign L1 at 100 (a foreign cloud's Indian region); domestic infrastructure (Class-II, so
    Make in India does not help) at 110: under the demo state's order a 10 % premium is paid
    while the schedule permits."""
    lasting = evals(85, valid_until=dt.date(2031, 1, 1))
    offers = [
        foreign_offer("foreign", price=out_price(100), evaluations=lasting),
        offer(
            "dom",
            price=out_price(110),
            provider=provider(local_content_pct=D(30)),
            evaluations=lasting,
        ),
    ]
    result = run(offers, STATE, decision_date=decision_date)
    rec = result.recommendation
    assert rec.award.offer_id == award
    tp = result.preferences[1]
    assert tp.kind == "transition_premium" and not tp.is_make_in_india_order
    assert f"{in_force} in force" in tp.message
    if in_force == "0 %":
        assert (tp.status, tp.reason) == ("not_applied", "NOT_IN_FORCE")
    assert tp.confidence == "A" and tp.instrument is not None
    assert "FD-PP/2026/17" in tp.message
    if award == "dom":
        assert (rec.award.premium_paid_inr, rec.award.premium_paid_pct) == (
            D("430700.00"),
            D("10.00"),
        )
        assert tp.effect_inr == D("430700.00")
        assert "₹4,30,700.00" in rec.premium_statement
        assert "not the Make in India order" in rec.premium_statement
        assert result.domestic_share is not None
        assert result.domestic_share.domestic_operator_pct == D("100.00")
    else:
        assert rec.award.premium_paid_inr == D("0.00")
        assert result.domestic_share is not None
        assert result.domestic_share.foreign_operator_in_country_pct == D("100.00")


def _with_cap(policy: Policy, cap: Decimal) -> Policy:
    mii, premium = policy.preferences
    return dataclasses.replace(policy, preferences=(mii, dataclasses.replace(premium, cap_inr=cap)))


def test_transition_premium_cap_in_rupees() -> None:
    offers = [
        foreign_offer("foreign", price=out_price(100)),
        offer("dom", price=out_price(110), provider=provider(local_content_pct=D(30))),
    ]
    result = run(offers, _with_cap(STATE, D(400_000)))
    assert result.recommendation.award.offer_id == "foreign"
    assert result.preferences[1].reason == "OVER_CAP"


def test_the_premium_cap_is_tested_on_rupees_actually_paid_over_the_term() -> None:
    """Defect 5. A cap limits rupees paid: over a 5-year contract the nominal premium exceeds
    its NPV, so a cap between the two refuses the domestic offer (tested on NPV it would pass)."""
    offers = [
        foreign_offer("foreign", price=out_price(100)),
        offer("dom", price=out_price(110), provider=provider(local_content_pct=D(30))),
    ]
    uncapped = run(offers, STATE, term_years=5).recommendation.award
    npv, nominal = uncapped.premium_paid_inr, uncapped.premium_paid_nominal_inr
    assert uncapped.offer_id == "dom" and npv < nominal
    result = run(offers, _with_cap(STATE, (npv + nominal) / 2), term_years=5)
    assert result.recommendation.award.offer_id == "foreign"
    tp = result.preferences[1]
    assert tp.reason == "OVER_CAP" and "more in nominal rupees actually paid" in tp.message
    assert "on the NPV basis" in tp.message


def test_domestic_share_counts_inferences_abroad() -> None:
    no_empanelment = dataclasses.replace(INDIA, cloud_empanelment=None)
    offers = [foreign_offer("abroad", region=US_EAST, price=out_price(100))]
    result = run(offers, no_empanelment, data_classification=("public",))
    share = result.domestic_share
    assert share is not None
    assert (share.total_inferences, share.abroad_inferences, share.abroad_pct) == (
        36_500_000,
        36_500_000,
        D("100.00"),
    )


def test_no_eligible_offer() -> None:
    result = run(
        [foreign_offer("only-foreign", price=out_price(100))], global_tender_approved=False
    )
    assert result.recommendation.award.offer_id is None
    assert result.recommendation.award.mechanism == "none"
    gate = next(g for g in result.gates if g.code == "NO_ELIGIBLE_OFFER")
    assert gate.status == "fail" and "SUPPLIER_LOCAL_CONTENT (1)" in gate.message
    assert all(p.reason == "NO_ELIGIBLE_OFFER" for p in result.preferences)
    assert result.domestic_share is None


def test_secret_data_allows_no_cloud() -> None:
    result = run([offer(region=NIC_DELHI)], data_classification=("secret",))
    assert next(g for g in result.gates if g.code == "NO_CLOUD").status == "fail"
    assert result.recommendation.award.offer_id is None


def test_estimated_value_derived_from_the_cheapest_offer_passing_value_independent_rules() -> None:
    offers = [
        offer("cheap-but-us", region=US_EAST, price=out_price(10)),  # fails residency
        offer("dom", price=out_price(100)),
    ]
    result = run(offers)
    value = result.estimated_value
    assert (value.source, value.basis_offer_id, value.amount_inr) == (
        "derived",
        "dom",
        D("4307000.00"),
    )
    officer = run(offers, estimated_value_inr=D(2_500_000_000))
    assert (officer.estimated_value.source, officer.estimated_value.amount_inr) == (
        "officer",
        D(2_500_000_000),
    )


def test_input_order_changes_nothing() -> None:
    offers = [*mii_offers(), *qcbs_offers()]
    assert run(offers) == run(list(reversed(offers)))


def test_result_does_not_depend_on_the_callers_decimal_context() -> None:
    expected = run(mii_offers(), annual_growth_pct=D("12.5"), term_years=4)
    with localcontext() as ctx:
        ctx.prec = 4
        ctx.rounding = ROUND_DOWN
        assert run(mii_offers(), annual_growth_pct=D("12.5"), term_years=4) == expected


def test_explanation_names_the_rules_and_the_numbers() -> None:
    lines = run(mii_offers(), only_mii(INDIA)).explanation
    text = "\n".join(lines)
    assert "L1: a-non-local at ₹43,07,000.00 (NPV)." in text
    assert (
        "Recommended award: c-class-i-a by the Make in India match-L1 purchase preference" in text
    )
    assert (
        "Where this workload's 3,65,00,000 inferences run: domestic operator in IN: 100 %; "
        "foreign operator in IN: 0 %; abroad: 0 %." in text
    )


def test_demo_data_is_flagged_everywhere_it_reaches() -> None:
    result = run([offer(is_demo=True, price=out_price(100))])
    assert result.uses_demo_data
    assert any(g.code == "DEMO_DATA" for g in result.gates)
    assert result.explanation[-1].startswith("DEMO DATA")


def test_validation_collects_every_error_with_its_field() -> None:
    bad_workload = workload(term_years=11, languages=(), cached_input_share_pct=D(120))
    duplicate = [offer("x"), offer("x", price=price(currency="usd"))]
    with pytest.raises(EngineValidationError) as exc:
        compare(bad_workload, duplicate, INDIA, [USD], DECISION)
    pairs = dict(exc.value.as_pairs())
    assert pairs["workload.term_years"] == "must be between 1 and 10"
    assert "workload.languages" in pairs
    assert pairs["workload.cached_input_share_pct"] == "must be between 0 and 100"
    assert pairs["offers[1].offer_id"].startswith("duplicate offer id 'x'")
    assert pairs["offers[1].price.currency"].startswith("must be an ISO 4217 code")
    assert "workload.term_years: must be between 1 and 10" in str(exc.value)


def test_foreign_offer_priced_in_usd_through_the_dated_rate() -> None:
    result = compare(workload(), [foreign_offer()], INDIA, [USD], DECISION)
    assert result.fx_used[0].rate_to_inr == D("91.087")
    o = result.offer("global-serverless")
    assert o.tco is not None and o.tco.years[0].usage_inr == D("448831.19")
    assert o.supplier_location == "foreign" and o.hosting == "foreign_operator_in_country"
    assert o.mii_class == "non_local"


def test_foreign_supplier_billing_through_an_indian_entity_pays_domestic_gst() -> None:
    o = foreign_offer(provider=foreign_provider(billing_country="IN"))
    result = compare(workload(), [o], INDIA, [USD], DECISION)
    tco = result.offer(o.offer_id).tco
    assert tco is not None and tco.tax.rule_id == "gst-domestic-18"


def test_aws_mumbai_is_in_india_but_not_domestic_infrastructure() -> None:
    result = compare(workload(), [foreign_offer(region=AWS_MUMBAI)], INDIA, [USD], DECISION)
    assert not result.offers[0].domestic_infrastructure


def test_one_premium_one_percentage_in_the_sentence_and_the_summary() -> None:
    """Defect 6. One rule for reported percentages (two decimals, half up): a premium of
    5.001 % reads "5 %" in the preference's sentence, the premium statement and the summary
    field alike (the sentence used to round up to 5.01 %)."""
    offers = [
        foreign_offer("foreign", price=out_price(100)),
        offer("dom", price=out_price(D("105.001")), provider=provider(local_content_pct=D(30))),
    ]
    result = run(offers, STATE)
    award = result.recommendation.award
    assert (award.offer_id, award.premium_paid_pct) == ("dom", D("5.00"))
    assert "(5 %)" in result.preferences[1].message
    assert "5 % above" in result.recommendation.premium_statement
    assert "5.01" not in " ".join(result.explanation)


def test_an_offers_evidence_links_must_be_web_addresses() -> None:
    """Issue 11, item 5: every evidence link is rendered as a link."""
    o = offer("dom")
    bad = dataclasses.replace(
        o,
        certifications=tuple(
            dataclasses.replace(c, evidence_url="data:text/html,x") for c in o.certifications
        ),
    )
    with pytest.raises(EngineValidationError) as refused:
        run([bad])
    problems = dict(refused.value.as_pairs())
    assert problems["offers[0].certifications[0].evidence_url"].startswith("must be a web address")
