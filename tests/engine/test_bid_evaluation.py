"""Bid evaluation: match-L1 rounds with the suppliers' recorded replies, the MSE purchase
preference, the pack's precedence between the two, the pack's reading of L1 under QCBS, and a
tender committee's technical scores — each hand-checked on POLICY-RULES.md §1.8 A's figures.

One contract year at 1,00,000 requests a day of 1,000 output tokens: a bid priced at ₹p per
million output tokens costs ₹43,070 × p with GST (the "100" of §1.8 A is ₹43,07,000.00).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from procurement.engine import (
    ComparisonResult,
    MatchReply,
    Offer,
    Policy,
    TechnicalScore,
    build_snapshot,
    compare,
    replay,
)
from procurement.engine.policy import MiiMatchL1Preference, MseMatchL1Preference
from tests.engine.builders import DECISION, INDIA, USD, evals, foreign_offer, offer, provider
from tests.engine.builders import workload as base_workload
from tests.engine.test_compare import PRICE_ONLY, out_price

D = Decimal
L1 = D("4307000.00")  # 100 on §1.8 A's scale


def bid(offer_id: str, p: int, *, lc: int, mse: bool = False, quality: int = 85) -> Offer:
    """A bid from a domestic-infrastructure supplier with ``lc`` % local content."""
    return offer(
        offer_id,
        price=out_price(p),
        provider=provider(
            provider_id=offer_id,
            provider_name=offer_id,
            local_content_pct=D(lc),
            mse_status="small" if mse else "none",
        ),
        evaluations=evals(score=D(quality)),
    )


def run(
    offers: list[Offer],
    policy: Policy = INDIA,
    replies: tuple[MatchReply, ...] = (),
    scores: tuple[TechnicalScore, ...] = (),
    **changes: object,
) -> ComparisonResult:
    w = base_workload(**{**PRICE_ONLY, **changes})
    return compare(
        w, offers, policy, [USD], DECISION, match_replies=replies, technical_scores=scores
    )


def step(result: ComparisonResult, kind: str):  # type: ignore[no-untyped-def]
    return next(p for p in result.preferences if p.kind == kind)


def mii_bids() -> list[Offer]:
    """§1.8 A with (b) inside the margin: L1 non-local 100, Class-I(a) 118, Class-I(b) 119."""
    return [
        foreign_offer("a-l1-non-local", price=out_price(100)),
        bid("c-class-i-a", 118, lc=55),
        bid("d-class-i-b", 119, lc=60),
    ]


def with_preferences(policy: Policy, *prefs: object) -> Policy:
    return dataclasses.replace(policy, preferences=tuple(prefs))  # type: ignore[arg-type]


MII = next(p for p in INDIA.preferences if isinstance(p, MiiMatchL1Preference))
MSE = next(p for p in INDIA.preferences if isinstance(p, MseMatchL1Preference))


# Make in India: the rounds as the suppliers answer them -----------------------------------------


def test_first_round_invites_the_lowest_class_i_and_awaits_its_reply() -> None:
    """MII Order para 3A(c)(ii): L1 is not Class-I, so the lowest Class-I within the 20 % margin
    (118 ≤ 120) is invited first. Before it replies its answer is assumed, and the award shown
    is provisional: the round is the invitation to issue."""
    result = run(mii_bids())
    rounds = step(result, "mii_match_l1").match_rounds
    assert [(r.offer_id, r.answer) for r in rounds] == [("c-class-i-a", "assumed")]


def test_first_class_i_declines_and_the_second_accepts_the_l1_price() -> None:
    """MII Order para 3A(c)(iii): Class-I(a) declines (its reply recorded), so the next higher
    Class-I within the margin, (b) at 119, is invited; it accepts and gets the whole contract at
    the L1 price (para 3A(c)(ii)) — never a premium."""
    replies = (
        MatchReply("c-class-i-a", accepts=False),
        MatchReply("d-class-i-b", accepts=True),
    )
    result = run(mii_bids(), replies=replies)
    mii = step(result, "mii_match_l1")
    assert mii.reason == "MATCHED"
    assert [(r.offer_id, r.accepted, r.answer) for r in mii.match_rounds] == [
        ("c-class-i-a", False, "stated"),
        ("d-class-i-b", True, "stated"),
    ]
    award = result.recommendation.award
    assert (award.offer_id, award.price_offer_id, award.cost_inr) == (
        "d-class-i-b",
        "a-l1-non-local",
        L1,
    )
    assert award.premium_paid_inr == D("0.00")
    assert "c-class-i-a (₹50,82,260.00) declines; d-class-i-b" in mii.message


def test_when_every_invited_class_i_declines_the_contract_goes_to_l1() -> None:
    """MII Order para 3A(c)(iii): if no Class-I within the margin matches, the contract may go to
    L1."""
    replies = (
        MatchReply("c-class-i-a", accepts=False),
        MatchReply("d-class-i-b", accepts=False),
    )
    result = run(mii_bids(), replies=replies)
    assert step(result, "mii_match_l1").reason == "CLASS_I_DECLINES"
    assert result.recommendation.award.offer_id == "a-l1-non-local"


# MSE purchase preference ------------------------------------------------------------------------


def mse_bids(mse_price: int) -> list[Offer]:
    """L1 100 (non-local, not an MSE), an MSE (Class-II, so no Make in India preference) at
    ``mse_price``."""
    return [
        foreign_offer("a-l1-non-local", price=out_price(100)),
        bid("e-mse", mse_price, lc=30, mse=True),
    ]


@pytest.mark.parametrize(
    ("mse_price", "reason", "accepted"),
    [
        (110, "MSE_SHARE", ["e-mse"]),
        (115, "MSE_SHARE", ["e-mse"]),  # exactly L1 + 15 %: within the band
        (116, "NO_MSE_WITHIN_BAND", []),
    ],
)
def test_mse_within_l1_plus_15_percent_supplies_a_quarter_at_l1(
    mse_price: int, reason: str, accepted: list[str]
) -> None:
    """MSE Order 2012 para 10: where L1 is not an MSE, an MSE quoting within L1 + 15 % may supply
    up to 25 % of the tendered value by bringing its price down to L1. The award and the price
    paid stay L1's."""
    result = run(mse_bids(mse_price))
    mse = step(result, "mse_match_l1")
    assert mse.reason == reason
    assert [r.offer_id for r in mse.match_rounds if r.accepted] == accepted
    award = result.recommendation.award
    assert (award.offer_id, award.mechanism, award.cost_inr) == ("a-l1-non-local", "l1", L1)
    if accepted:
        assert "e-mse supply 25 % of the tendered value at the L1 price" in mse.message
        assert mse.status == "applied"


def test_an_mse_that_declines_leaves_the_award_whole() -> None:
    """MSE Order 2012 para 10: the MSE must bring its price down to L1 to supply; declining, it
    supplies nothing."""
    result = run(mse_bids(110), replies=(MatchReply("e-mse", False, "mse_match_l1"),))
    mse = step(result, "mse_match_l1")
    assert (mse.reason, mse.status) == ("MSES_DECLINE", "not_applied")
    assert mse.match_rounds[0].answer == "stated"


def test_two_mses_that_accept_share_the_quarter_equally() -> None:
    """MSE Order 2012 para 10: in case of more than one such MSE, the supply is shared."""
    offers = [*mse_bids(110), bid("f-mse", 112, lc=30, mse=True)]
    mse = step(run(offers), "mse_match_l1")
    assert [r.offer_id for r in mse.match_rounds if r.accepted] == ["e-mse", "f-mse"]
    assert "in equal parts" in mse.message


def test_no_share_when_the_award_is_an_mse_already() -> None:
    result = run([bid("e-mse", 100, lc=30, mse=True), bid("g-other", 105, lc=30)])
    assert step(result, "mse_match_l1").reason == "AWARDEE_IS_MSE"


@pytest.mark.parametrize(
    ("order", "mse_reason"), [("mii_first", "AWARDEE_IS_MSE"), ("mse_first", "MSE_SHARE")]
)
def test_the_packs_order_decides_the_precedence_of_the_two_orders(
    order: str, mse_reason: str
) -> None:
    """The order of precedence between the MSE and Make in India preferences is not settled by
    any instrument found (POLICY-RULES.md §1.6, UNCONFIRMED): the pack's order of preferences
    decides and the result says so. L1 non-local 100; a Class-I MSE at 110. Make in India first
    (para 3A(c)): the MSE matches L1 and takes the whole contract, so no MSE share is due. MSE
    order first (para 10): L1 is not an MSE, so the MSE is offered its share, then Make in India
    gives it the whole contract."""
    offers = [
        foreign_offer("a-l1-non-local", price=out_price(100)),
        bid("h-class-i-mse", 110, lc=60, mse=True),
    ]
    prefs = (MII, MSE) if order == "mii_first" else (MSE, MII)
    result = run(offers, with_preferences(INDIA, *prefs))
    mse = step(result, "mse_match_l1")
    assert mse.reason == mse_reason
    assert result.recommendation.award.offer_id == "h-class-i-mse"
    if mse_reason == "MSE_SHARE":
        assert "Order of precedence with Make in India" in mse.interpretation


# QCBS: the committee's scores and the pack's reading of L1 ---------------------------------------


def qcbs_bids() -> list[Offer]:
    return [
        foreign_offer("a-l1-non-local", price=out_price(100), evaluations=evals(score=D(90))),
        bid("c-class-i-a", 110, lc=55),
        bid("d-class-i-b", 115, lc=60),
    ]


COMMITTEE = "averaged marks of the tender's evaluation committee"


def scores(**by_offer: int) -> tuple[TechnicalScore, ...]:
    return tuple(TechnicalScore(k.replace("_", "-"), D(v), COMMITTEE) for k, v in by_offer.items())


def test_the_committees_scores_replace_the_quality_score_under_qcbs() -> None:
    """GFR 2017 Rule 192: S = S_T × 0.30 + S_F × 0.70 with S_T the committee's marks. Financial
    scores: 100, 100 × 100/110 = 90.91, 100 × 100/115 = 86.96. With S_T 72, 95, 90: combined
    91.60, 92.14, 87.87 — Class-I(a) ranks first on the committee's marks."""
    committee = scores(a_l1_non_local=72, c_class_i_a=95, d_class_i_b=90)
    result = run(qcbs_bids(), scores=committee, evaluation_method="qcbs")
    by_id = {o.offer_id: o for o in result.offers}
    assert [by_id[k].technical_score for k in ("a-l1-non-local", "c-class-i-a", "d-class-i-b")] == [
        D("72.00"),
        D("95.00"),
        D("90.00"),
    ]
    assert [by_id[k].combined_score for k in ("a-l1-non-local", "c-class-i-a", "d-class-i-b")] == [
        D("91.60"),
        D("92.14"),
        D("87.87"),
    ]
    assert result.ranking[0] == "c-class-i-a"
    outcome = next(o for o in by_id["c-class-i-a"].outcomes if o.code == "QCBS_MIN_TECHNICAL")
    assert COMMITTEE in outcome.message


def test_below_the_minimum_qualifying_score_a_bid_is_not_evaluated_further() -> None:
    """GFR 2017 Rule 192: only technical proposals at or above the minimum qualifying score (70)
    go on to the financial score."""
    committee = scores(a_l1_non_local=69, c_class_i_a=95, d_class_i_b=90)
    result = run(qcbs_bids(), scores=committee, evaluation_method="qcbs")
    l1 = next(o for o in result.offers if o.offer_id == "a-l1-non-local")
    assert not l1.eligible


def test_make_in_india_is_not_invented_for_qcbs_by_default() -> None:
    committee = scores(a_l1_non_local=95, c_class_i_a=80, d_class_i_b=80)
    result = run(qcbs_bids(), scores=committee, evaluation_method="qcbs")
    assert step(result, "mii_match_l1").reason == "QCBS_UNDEFINED"


def test_a_pack_reading_l1_as_the_bid_ranked_first_runs_the_rounds_under_qcbs() -> None:
    """A pack that adopts the reading (MII Order para 2: L1 is the lowest bid "as adjudged in the
    evaluation process as per the tender"): the non-local bid ranked first by QCBS is L1;
    Class-I(a) at 110 ≤ 120 is invited, declines; Class-I(b) at 115 accepts and takes the whole
    contract at L1's price. The reading is stated on the result."""
    reading = dataclasses.replace(
        MII, under_qcbs="ranked_first_as_l1", under_qcbs_note="adopted by the buying authority"
    )
    policy = with_preferences(INDIA, reading, MSE)
    committee = scores(a_l1_non_local=95, c_class_i_a=80, d_class_i_b=80)
    replies = (MatchReply("c-class-i-a", False), MatchReply("d-class-i-b", True))
    result = run(qcbs_bids(), policy, replies=replies, scores=committee, evaluation_method="qcbs")
    mii = step(result, "mii_match_l1")
    assert mii.reason == "MATCHED"
    assert [(r.offer_id, r.accepted) for r in mii.match_rounds] == [
        ("c-class-i-a", False),
        ("d-class-i-b", True),
    ]
    assert "adopted by the buying authority" in mii.interpretation
    award = result.recommendation.award
    assert (award.offer_id, award.price_offer_id, award.cost_inr) == (
        "d-class-i-b",
        "a-l1-non-local",
        L1,
    )


def test_the_committees_scores_and_replies_are_in_the_snapshot_and_replay() -> None:
    committee = scores(a_l1_non_local=72, c_class_i_a=95, d_class_i_b=90)
    replies = (MatchReply("e-mse", False, "mse_match_l1"),)
    offers = [*qcbs_bids(), bid("e-mse", 112, lc=30, mse=True)]
    w = base_workload(**{**PRICE_ONLY, "evaluation_method": "qcbs"})
    snapshot = build_snapshot(
        w, offers, INDIA, [USD], DECISION, match_replies=replies, technical_scores=committee
    )
    options = snapshot["inputs"]["options"]  # type: ignore[index]
    assert options["technical_scores"][1] == {  # type: ignore[index]
        "offer_id": "c-class-i-a",
        "score": "95",
        "source": COMMITTEE,
    }
    assert options["match_replies"] == [  # type: ignore[index]
        {"offer_id": "e-mse", "accepts": False, "preference": "mse_match_l1"}
    ]
    assert replay(snapshot).ok
