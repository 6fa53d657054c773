"""Synthetic demo awards for the transparency dashboard at scale: demo departments spread over
the public bodies that buy (central ministries, state departments, public sector banks,
hospitals, schools, universities, PSUs) under real ministries of the Government of India and
real states (each name suffixed " (demo)"), and award facts with no decision, spread over the
quarters since 2024-Q1 (more each quarter, a domestic share that grows), requests a day drawn
lognormal, rupees from the tokens at plausible prices per million tokens, most defence awards
restricted, and a transition premium that would have moved most non-domestic awards.
``seed_scale`` writes them by COPY; ``load_demo`` a small history by ``bulk_create``."""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.utils import timezone

from procurement import national
from procurement.models import AwardFact, Department

SLUG_PREFIX = "scale-demo-"
FIRST_QUARTER = dt.date(2024, 1, 1)
OFFER_NAME = "Synthetic award (demo)"
S = Department.Sector
B = Department.BodyType
# Real ministries of the Government of India and the sector their awards count in.
MINISTRIES = (
    ("Ministry of Health and Family Welfare", S.HEALTH),
    ("Ministry of Ayush", S.HEALTH),
    ("Ministry of Women and Child Development", S.HEALTH),
    ("Ministry of Education", S.EDUCATION),
    ("Ministry of Skill Development and Entrepreneurship", S.EDUCATION),
    ("Ministry of Law and Justice", S.JUSTICE),
    ("Ministry of Finance", S.FINANCE),
    ("Ministry of Corporate Affairs", S.FINANCE),
    ("Ministry of Agriculture and Farmers Welfare", S.AGRICULTURE),
    ("Ministry of Fisheries, Animal Husbandry and Dairying", S.AGRICULTURE),
    ("Ministry of Rural Development", S.AGRICULTURE),
    ("Ministry of Electronics and Information Technology", S.CITIZEN_SERVICES),
    ("Ministry of Personnel, Public Grievances and Pensions", S.CITIZEN_SERVICES),
    ("Ministry of Labour and Employment", S.CITIZEN_SERVICES),
    ("Ministry of Railways", S.CITIZEN_SERVICES),
    ("Ministry of Road Transport and Highways", S.CITIZEN_SERVICES),
    ("Ministry of Consumer Affairs, Food and Public Distribution", S.CITIZEN_SERVICES),
    ("Ministry of External Affairs", S.CITIZEN_SERVICES),
    ("Ministry of Home Affairs", S.DEFENCE_SECURITY),
    ("Ministry of Defence", S.DEFENCE_SECURITY),
)
PSU_MINISTRIES = (
    ("Ministry of Petroleum and Natural Gas", S.CITIZEN_SERVICES),
    ("Ministry of Power", S.CITIZEN_SERVICES),
    ("Ministry of Heavy Industries", S.CITIZEN_SERVICES),
    ("Ministry of Railways", S.CITIZEN_SERVICES),
    ("Ministry of Finance", S.FINANCE),
    ("Ministry of Defence", S.DEFENCE_SECURITY),
)
STATES = (
    "Andhra Pradesh", "Assam", "Bihar", "Gujarat", "Haryana", "Karnataka", "Kerala",
    "Madhya Pradesh", "Maharashtra", "Odisha", "Punjab", "Rajasthan", "Tamil Nadu", "Telangana",
    "Uttar Pradesh", "West Bengal",
)  # fmt: skip
STATE_SECTORS = (
    (S.CITIZEN_SERVICES, 30),
    (S.HEALTH, 15),
    (S.EDUCATION, 15),
    (S.AGRICULTURE, 20),
    (S.JUSTICE, 8),
    (S.FINANCE, 7),
    (S.DEFENCE_SECURITY, 5),
)
# Body type: share of departments, and the words of its synthetic names.
BODY_TYPES = (
    (B.CENTRAL_MINISTRY, 10, "Central division"),
    (B.STATE_DEPARTMENT, 28, "State department"),
    (B.PUBLIC_SECTOR_BANK, 6, "Public sector bank"),
    (B.HOSPITAL, 22, "Public hospital"),
    (B.SCHOOL, 14, "Government school"),
    (B.UNIVERSITY, 10, "Public university"),
    (B.PSU, 10, "Public sector undertaking"),
)
USE_CASES = {
    S.HEALTH: "health",
    S.EDUCATION: "education",
    S.JUSTICE: "legal",
    S.FINANCE: "finance",
    S.AGRICULTURE: "agriculture",
    S.CITIZEN_SERVICES: "citizen_services",
    S.DEFENCE_SECURITY: "general",
}
# Rupees per million input tokens (output tokens cost three times as much), GST on top.
PRICE_PER_MILLION = {"domestic_operator": 45.0, "foreign_operator_in_country": 38.0, "abroad": 32.0}
GST = 1.18
DISCOUNT_RATE = 0.08
COLUMNS = (
    "department_id", "sector", "body_type", "ministry", "use_case", "restricted", "decided_on",
    "quarter", "contract_start", "contract_end", "offer_name", "hosting", "inferences",
    "input_tokens", "output_tokens", "yearly_inferences", "nominal_inr", "npv_inr",
    "premium_paid_inr", "shift_premium_pct", "shift_extra_inr", "is_demo", "created_at",
)  # fmt: skip


def money(amount: float) -> Decimal:
    return Decimal(f"{amount:.2f}")


def copy_text(value: Any) -> str:
    """A value as COPY's text format writes it (no value here holds a tab or a backslash)."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):
        return "[" + ",".join(map(str, value)) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def demo_ministry(name: str) -> str:
    return f"{name} (demo)"


def department_spread(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` departments: body type, sector, ministry or state, name, slug."""
    kinds = rng.choices(BODY_TYPES, weights=[share for _, share, _ in BODY_TYPES], k=count)
    made = []
    for number, (body_type, _, words) in enumerate(kinds, start=1):
        state = f"Government of {rng.choice(STATES)} (demo)"
        if body_type == B.CENTRAL_MINISTRY:
            ministry, sector = rng.choice(MINISTRIES)
            parent = demo_ministry(ministry)
        elif body_type == B.STATE_DEPARTMENT:
            parent = state
            sector = rng.choices(*zip(*STATE_SECTORS, strict=True))[0]
        elif body_type == B.PUBLIC_SECTOR_BANK:
            parent, sector = demo_ministry("Ministry of Finance"), S.FINANCE
        elif body_type == B.PSU:
            ministry, sector = rng.choice(PSU_MINISTRIES)
            parent = demo_ministry(ministry)
        else:
            central = {B.HOSPITAL: 0.3, B.SCHOOL: 0.25, B.UNIVERSITY: 0.5}[body_type]
            sector = S.HEALTH if body_type == B.HOSPITAL else S.EDUCATION
            ministry = (
                "Ministry of Health and Family Welfare"
                if body_type == B.HOSPITAL
                else "Ministry of Education"
            )
            parent = demo_ministry(ministry) if rng.random() < central else state
        made.append(
            {
                "slug": f"{SLUG_PREFIX}{number:05d}",
                "name": f"{words} {number:05d} (demo)",
                "parent": parent,
                "body_type": body_type.value,
                "sector": sector.value,
            }
        )
    return made


class Synthesiser:
    """Award facts as COPY text lines, drawn from one seeded generator."""

    def __init__(self, departments: list[Department], today: dt.date, seed: int) -> None:
        self.rng = random.Random(seed)
        self.departments = departments
        sizes = [self.rng.lognormvariate(0, 1) for _ in departments]
        self.department_weights = list(accumulate(sizes))
        self.quarters = national.quarters_between(FIRST_QUARTER, today)
        last = max(len(self.quarters) - 1, 1)
        self.quarter_weights = list(accumulate((i + 1) ** 1.3 for i in range(len(self.quarters))))
        # Domestic share of awards: 12 % in the first quarter, 45 % in the latest.
        self.domestic = [0.12 + 0.33 * i / last for i in range(len(self.quarters))]
        self.today = today
        self.now = timezone.now()

    def quarters_of(self, count: int) -> list[int]:
        """The quarter of each of ``count`` awards, in order of time (as approvals arrive, so
        the table holds each quarter's awards together, as a real one would)."""
        return sorted(
            self.rng.choices(range(len(self.quarters)), cum_weights=self.quarter_weights, k=count)
        )

    def lines(self, quarters: list[int]) -> str:
        rng = self.rng
        departments = rng.choices(
            self.departments, cum_weights=self.department_weights, k=len(quarters)
        )
        out = io.StringIO()
        for department, index in zip(departments, quarters, strict=True):
            out.write("\t".join(map(copy_text, self.row(department, index).values())))
            out.write("\n")
        return out.getvalue()

    def facts(self, quarters: list[int]) -> list[AwardFact]:
        """Award facts (unsaved) for awards in these quarters: for a database without COPY."""
        departments = self.rng.choices(
            self.departments, cum_weights=self.department_weights, k=len(quarters)
        )
        return [
            AwardFact(**self.row(department, index))
            for department, index in zip(departments, quarters, strict=True)
        ]

    def row(self, department: Department, index: int) -> dict[str, Any]:
        """One award fact's values, by column."""
        rng = self.rng
        quarter = self.quarters[index]
        start, end = national.quarter_bounds(quarter)
        last_day = min(end - dt.timedelta(days=1), self.today)
        decided = start + dt.timedelta(days=rng.randrange((last_day - start).days + 1))
        defence = department.sector == S.DEFENCE_SECURITY
        domestic_share = 0.8 if defence else self.domestic[index]
        draw = rng.random()
        hosting = (
            "domestic_operator"
            if draw < domestic_share
            else "foreign_operator_in_country"
            if draw < domestic_share + (1 - domestic_share) * 0.55
            else "abroad"
        )
        term = rng.choices((1, 2, 3, 4, 5), weights=(15, 25, 35, 10, 15))[0]
        per_day = min(max(rng.lognormvariate(math.log(15_000), 1.3), 100), 50_000_000)
        growth = rng.uniform(0, 0.25)
        yearly = [int(per_day * 365 * (1 + growth) ** year) for year in range(term)]
        inferences = sum(yearly)
        mean_in = min(max(rng.lognormvariate(math.log(700), 0.6), 50), 20_000)
        mean_out = min(max(rng.lognormvariate(math.log(250), 0.6), 20), 8_000)
        price = PRICE_PER_MILLION[hosting] * rng.lognormvariate(0, 0.3)
        per_year = [r * (mean_in + 3 * mean_out) * price * GST / 1e6 for r in yearly]
        setup = rng.lognormvariate(math.log(500_000), 0.8)
        nominal = setup + sum(per_year)
        npv = setup + sum(cost / (1 + DISCOUNT_RATE) ** year for year, cost in enumerate(per_year))
        premium_paid = 0.0
        if hosting == "domestic_operator" and rng.random() < 0.35:
            paid_pct = rng.uniform(1, 12)
            premium_paid = nominal * paid_pct / (100 + paid_pct)
        shift_pct: Decimal | None = None
        shift_extra: Decimal | None = None
        if hosting != "domestic_operator" and rng.random() < 0.75:
            pct = round(rng.lognormvariate(math.log(9), 0.7), 2)
            shift_pct = money(pct)
            shift_extra = money(nominal * pct / 100 * rng.uniform(0.6, 1))
        use_case = USE_CASES[S(department.sector)] if rng.random() < 0.75 else "general"
        contract_start = decided + dt.timedelta(days=rng.randint(15, 120))
        values = (
            department.pk,
            department.sector,
            department.body_type,
            department.parent,
            use_case,
            defence and rng.random() < 0.9,
            decided,
            quarter,
            contract_start,
            national.add_years(contract_start, term),
            OFFER_NAME,
            hosting,
            inferences,
            int(inferences * mean_in),
            int(inferences * mean_out),
            yearly,
            money(nominal),
            money(npv),
            money(premium_paid),
            shift_pct,
            shift_extra,
            True,
            self.now,
        )
        return dict(zip(COLUMNS, values, strict=True))
