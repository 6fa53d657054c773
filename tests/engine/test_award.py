"""Evaluation and preferences on the worked examples of POLICY-RULES.md §1.8 and §2.3."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from procurement.engine import AwardRules, Contender, StepSpec, apply_preferences, rank_offers

D = Decimal


def rules(
    method: str = "l1",
    steps: tuple[StepSpec[Decimal], ...] = (),
    technical_pct: Decimal = Decimal(30),  # noqa: B008 - an immutable value
) -> AwardRules[Decimal]:
    return AwardRules(
        method=method,  # type: ignore[arg-type]
        technical_weight=technical_pct / 100,
        financial_weight=1 - technical_pct / 100,
        steps=steps,
        zero=D(0),
        one=D(1),
        hundred=D(100),
    )


MII = StepSpec("mii_match_l1", D("0.20"))


def premium(pct: str, cap: Decimal | None = None) -> StepSpec[Decimal]:
    return StepSpec("transition_premium", D(pct) / 100, cap=cap)


# §2.3: three technically qualified bidders, F in ₹ lakh.
QCBS_BIDDERS = [
    Contender(D(120), False, True, D(90)),  # A
    Contender(D(100), False, True, D(80)),  # B
    Contender(D(90), False, True, D(72)),  # C
]


@pytest.mark.parametrize(
    ("technical_pct", "scores", "winner"),
    [
        (D(70), (D("85.5"), D("83.0"), D("80.4")), 0),  # consultancy-style 70:30: A
        (D(80), (D("87.0"), D("82.0"), D("77.6")), 0),  # 80:20: A
        (D(30), (D("79.5"), D("87.0"), D("91.6")), 2),  # non-consultancy cap 30:70: C
    ],
)
def test_qcbs_worked_example(
    technical_pct: Decimal, scores: tuple[Decimal, ...], winner: int
) -> None:
    """S_F = 100 × 90 / F = 75, 90, 100; S = S_T × w_T + S_F × w_F."""
    ranking = rank_offers(QCBS_BIDDERS, rules("qcbs", technical_pct=technical_pct))
    assert ranking.financial == (D(75), D(90), D(100))
    assert ranking.combined == scores
    assert ranking.order[0] == winner


# §1.8 A, ₹ lakh: non-local 100.0 (L1), Class-II 105.0, Class-I(a) 118.0, Class-I(b) 125.0.
NON_LOCAL = Contender(D(100), class_i=False, domestic=False)
CLASS_II = Contender(D(105), class_i=False, domestic=True)
CLASS_I_A = Contender(D(118), class_i=True, domestic=True)
CLASS_I_B = Contender(D(125), class_i=True, domestic=True)


def test_mii_class_i_within_margin_matches_l1_and_gets_the_whole_contract() -> None:
    decision = apply_preferences([NON_LOCAL, CLASS_II, CLASS_I_A, CLASS_I_B], rules(steps=(MII,)))
    step = decision.steps[0]
    assert (step.reason, step.candidate, step.limit) == ("MATCHED", 2, D("120.00"))
    assert decision.award == 2  # Class-I(a)
    assert decision.price == D(100)  # at the L1 price: never a premium
    assert decision.price_source == 0  # the price paid is L1's


def test_mii_class_i_that_declines_leaves_the_contract_with_l1() -> None:
    declines = dataclasses.replace(CLASS_I_A, accepts_match=False)
    decision = apply_preferences([NON_LOCAL, CLASS_II, declines, CLASS_I_B], rules(steps=(MII,)))
    assert (decision.steps[0].reason, decision.award, decision.price) == (
        "CLASS_I_DECLINES",
        0,
        D(100),
    )


def test_mii_class_i_above_the_margin_is_never_invited() -> None:
    """Class-I(b) at 125 > 120: no preference; Class-II never gets one."""
    decision = apply_preferences([NON_LOCAL, CLASS_II, CLASS_I_B], rules(steps=(MII,)))
    step = decision.steps[0]
    assert (step.reason, step.candidate, decision.award) == ("NO_CLASS_I_WITHIN_MARGIN", 2, 0)


@pytest.mark.parametrize(("inclusive", "award"), [(True, 1), (False, 0)])
def test_mii_margin_boundary_is_inclusive_and_flagged(inclusive: bool, award: int) -> None:
    at_limit = Contender(D(120), class_i=True, domestic=True)
    spec = StepSpec("mii_match_l1", D("0.20"), inclusive=inclusive)
    decision = apply_preferences([NON_LOCAL, at_limit], rules(steps=(spec,)))
    assert decision.award == award
    assert decision.steps[0].at_boundary


def test_mii_when_l1_is_class_i_changes_nothing() -> None:
    cheap_class_i = Contender(D(95), class_i=True, domestic=True)
    decision = apply_preferences([NON_LOCAL, cheap_class_i], rules(steps=(MII,)))
    assert (decision.steps[0].reason, decision.award) == ("L1_IS_CLASS_I", 1)


def test_mii_is_not_invented_for_qcbs() -> None:
    qcbs = [
        Contender(D(100), False, False, D(90)),
        Contender(D(110), True, True, D(80)),
    ]
    decision = apply_preferences(qcbs, rules("qcbs", steps=(MII,)))
    assert (decision.steps[0].applied, decision.steps[0].reason) == (False, "QCBS_UNDEFINED")


@pytest.mark.parametrize(
    ("domestic_cost", "cap", "reason", "award", "price"),
    [
        (D(112), None, "WITHIN_BAND", 1, D(112)),
        (D(115), None, "WITHIN_BAND", 1, D(115)),  # exactly 1.15 × 100: inside
        (D(116), None, "OUTSIDE_BAND", 0, D(100)),
        (D(112), D(10), "OVER_CAP", 0, D(100)),
        (D(112), D(12), "WITHIN_BAND", 1, D(112)),
    ],
)
def test_transition_premium_band_and_cap(
    domestic_cost: Decimal, cap: Decimal | None, reason: str, award: int, price: Decimal
) -> None:
    contenders = [
        Contender(D(100), class_i=False, domestic=False),
        Contender(domestic_cost, class_i=False, domestic=True),
    ]
    decision = apply_preferences(contenders, rules(steps=(premium("15", cap),)))
    assert (decision.steps[0].reason, decision.award, decision.price) == (reason, award, price)


def test_a_class_i_that_matched_keeps_the_contract_against_the_transition_premium() -> None:
    """Defect 1. MII Order para 3A(c)(ii): the Class-I supplier that matches L1 gets the *full*
    contract at the L1 price. L1 non-local 100; a Class-I reseller at 110 (not domestic
    infrastructure) matches; a domestic offer at 114 is within a 15 % premium, but the buying
    authority's own policy cannot undo the order's award."""
    contenders = [
        Contender(D(100), class_i=False, domestic=False),
        Contender(D(110), class_i=True, domestic=False),
        Contender(D(114), class_i=False, domestic=True),
    ]
    decision = apply_preferences(contenders, rules(steps=(MII, premium("15"))))
    assert [s.reason for s in decision.steps] == ["MATCHED", "LAW_DECIDED"]
    assert not decision.steps[1].applied
    assert (decision.award, decision.price, decision.price_source) == (1, D(100), 0)


def test_when_l1_is_class_i_no_premium_moves_the_award_even_to_a_cheaper_domestic_l2() -> None:
    """Defect 1. MII Order para 3A(c)(i): if L1 is Class-I, the contract goes to L1; the premium
    (or a Class-II L1 elsewhere) cannot take it away."""
    class_i_l1 = Contender(D(100), class_i=True, domestic=False)
    domestic = Contender(D(105), class_i=False, domestic=True)
    decision = apply_preferences([class_i_l1, domestic], rules(steps=(MII, premium("15"))))
    assert [s.reason for s in decision.steps] == ["L1_IS_CLASS_I", "LAW_DECIDED"]
    assert (decision.award, decision.price) == (0, D(100))


def test_when_every_class_i_declines_the_premium_acts_on_the_open_outcome() -> None:
    """Para 3A(c)(iii): if no Class-I matches, the contract *may* go to L1 — the outcome the law
    leaves open, where an empowered authority's own policy may act."""
    declines = Contender(D(110), class_i=True, domestic=False, accepts_match=False)
    contenders = [Contender(D(100), False, False), declines, Contender(D(114), False, True)]
    decision = apply_preferences(contenders, rules(steps=(MII, premium("15"))))
    assert [s.reason for s in decision.steps] == ["CLASS_I_DECLINES", "WITHIN_BAND"]
    assert (decision.award, decision.price) == (2, D(114))


def test_match_l1_invites_the_next_class_i_when_the_lowest_declines() -> None:
    """Defect 2. Para 3A(c)(iii): if the lowest Class-I within the margin fails to match, the next
    higher Class-I within the margin is invited, and so on. §1.8 A with Class-I(b) at 119: (a) at
    118 declines, (b) accepts and gets the whole contract at L1 (100)."""
    a_declines = dataclasses.replace(CLASS_I_A, accepts_match=False)
    b_within = Contender(D(119), class_i=True, domestic=True)
    over = Contender(D(121), class_i=True, domestic=True)  # above 120: never invited
    decision = apply_preferences([NON_LOCAL, a_declines, b_within, over], rules(steps=(MII,)))
    step = decision.steps[0]
    assert step.reason == "MATCHED"
    assert [(r.invited, r.accepted) for r in step.rounds] == [(1, False), (2, True)]
    assert (decision.award, decision.price, decision.price_source) == (2, D(100), 0)


def test_match_l1_goes_to_l1_when_every_invited_class_i_declines() -> None:
    declining = [
        Contender(D(c), class_i=True, domestic=True, accepts_match=False) for c in (110, 118)
    ]
    decision = apply_preferences([NON_LOCAL, *declining], rules(steps=(MII,)))
    step = decision.steps[0]
    assert step.reason == "CLASS_I_DECLINES"
    assert [(r.invited, r.accepted) for r in step.rounds] == [(1, False), (2, False)]
    assert (decision.award, decision.price) == (0, D(100))


def test_a_preference_without_an_instrument_is_computed_but_never_moves_the_award() -> None:
    """Defect 8. No central instrument lets a ministry pay above L1 for domestic
    infrastructure: without one the premium is a policy scenario (TENDER-FILE §3)."""
    contenders = [Contender(D(100), False, False), Contender(D(112), False, True)]
    scenario = StepSpec("transition_premium", D("0.15"), scenario=True)
    decision = apply_preferences(contenders, rules(steps=(scenario,)))
    step = decision.steps[0]
    assert (step.scenario, step.applied, step.reason, step.candidate) == (
        True,
        False,
        "WITHIN_BAND",
        1,
    )
    assert (decision.award, decision.price) == (0, D(100))


def test_the_premium_cap_limits_nominal_rupees_actually_paid_not_the_npv() -> None:
    """Defect 5. A ₹5 crore cap: the domestic offer costs ₹4.9 crore more in NPV but ₹5.75
    crore more in rupees actually paid over the term, so the cap refuses it."""
    crore = D(10_000_000)
    l1 = Contender(100 * crore, False, False, nominal=120 * crore)
    domestic = Contender(D("104.9") * crore, False, True, nominal=D("125.75") * crore)
    decision = apply_preferences([l1, domestic], rules(steps=(premium("15", 5 * crore),)))
    assert (decision.steps[0].reason, decision.award) == ("OVER_CAP", 0)


@pytest.mark.parametrize(("factor", "award", "price"), [("0.20", 1, D(115)), ("0.10", 0, D(100))])
def test_price_evaluation_factor_loads_foreign_offers_for_evaluation_only(
    factor: str, award: int, price: Decimal
) -> None:
    """US Buy American style: foreign 100 × 1.20 = 120 > domestic 115, so domestic wins and is
    paid its own 115; at 10 % the foreign offer (110) still wins."""
    contenders = [
        Contender(D(100), class_i=False, domestic=False),
        Contender(D(115), class_i=False, domestic=True),
    ]
    decision = apply_preferences(
        contenders, rules(steps=(StepSpec("price_evaluation_factor", D(factor)),))
    )
    assert (decision.award, decision.price, decision.raw_award) == (award, price, 0)


@pytest.mark.parametrize(("domestic_cost", "award"), [(D("102.5"), 1), (D(104), 0)])
def test_tie_band(domestic_cost: Decimal, award: int) -> None:
    contenders = [Contender(D(100), False, False), Contender(domestic_cost, False, True)]
    decision = apply_preferences(contenders, rules(steps=(StepSpec("tie_band", D("0.03")),)))
    assert decision.award == award


def test_inactive_steps_are_recorded_with_their_reason() -> None:
    exempt = StepSpec("mii_match_l1", D("0.20"), inactive_reason="EXEMPT")
    decision = apply_preferences([NON_LOCAL, CLASS_I_A], rules(steps=(exempt,)))
    assert (decision.steps[0].reason, decision.award) == ("EXEMPT", 0)


def test_ties_go_to_the_lower_index_deterministically() -> None:
    decision = apply_preferences([Contender(D(100), False, False)] * 2, rules())
    assert (decision.award, decision.runner_up) == (0, 1)
