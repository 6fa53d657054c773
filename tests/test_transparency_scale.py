"""The dashboard at national scale: the incremental refresh an approval makes writes exactly
the cells a full rebuild writes; ``seed_scale`` refuses SQLite and non-demo instances, and its
synthetic load sums to its facts; ``rebuild_transparency`` reports what it did."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test import override_settings

from procurement import national, summary
from procurement.management.synthetic import SLUG_PREFIX
from procurement.models import AwardFact, Department, ScenarioCell, TransparencyCell

pytestmark = pytest.mark.django_db

SECTORS = [s.value for s in Department.Sector]
BODY_TYPES = [b.value for b in Department.BodyType]
HOSTINGS = ["domestic_operator", "foreign_operator_in_country", "abroad"]
USE_CASES = ["health", "education", "general"]
MINISTRIES = ["Ministry of Education (demo)", "Ministry of Finance (demo)", ""]


def cells() -> tuple[dict, dict]:
    """Every transparency and scenario cell, by its series, quarter (and step): its values."""
    skip = {"id", "refreshed_at"}
    transparency = {
        (c["dimension"], c["key"], c["quarter"]): {k: v for k, v in c.items() if k not in skip}
        for c in TransparencyCell.objects.values()
    }
    scenario = {
        (c["dimension"], c["key"], c["quarter"], c["premium_pct"]): {
            k: v for k, v in c.items() if k != "id"
        }
        for c in ScenarioCell.objects.values()
    }
    return transparency, scenario


def random_fact(rng: random.Random, departments: list[Department]) -> AwardFact:
    department = rng.choice(departments)
    decided = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(1000))
    hosting = rng.choice(HOSTINGS)
    inferences = rng.randrange(1, 10**9)
    pct = None if hosting == "domestic_operator" else rng.choice([None, Decimal("0.50"), 7, 150])
    return AwardFact(
        department=department,
        sector=department.sector,
        body_type=department.body_type,
        ministry=department.parent,
        use_case=rng.choice(USE_CASES),
        restricted=rng.random() < 0.2,
        decided_on=decided,
        quarter=national.quarter_of(decided),
        contract_start=decided,
        contract_end=national.add_years(decided, 2),
        offer_name="A random award (test)",
        hosting=hosting,
        inferences=inferences,
        input_tokens=inferences * 3,
        output_tokens=inferences,
        yearly_inferences=[inferences // 2, inferences - inferences // 2],
        nominal_inr=Decimal(rng.randrange(10**12)) / 100,
        npv_inr=Decimal(rng.randrange(10**12)) / 100,
        premium_paid_inr=Decimal(rng.randrange(10**8)) / 100,
        shift_premium_pct=None if pct is None else Decimal(pct),
        shift_extra_inr=None if pct is None else Decimal(rng.randrange(10**9)) / 100,
        is_demo=rng.random() < 0.5,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_incremental_refresh_writes_the_cells_a_rebuild_writes(seed):
    """Facts arrive one by one (as approvals do) in random quarters; after each, only its
    quarter's cells are refreshed. The result equals a full rebuild's, cell for cell."""
    rng = random.Random(seed)
    departments = [
        Department.objects.create(
            slug=f"random-{n}",
            name=f"Random {n} (test)",
            sector=rng.choice(SECTORS),
            body_type=rng.choice(BODY_TYPES),
            parent=rng.choice(MINISTRIES),
            is_demo=True,
        )
        for n in range(6)
    ]
    for _ in range(60):
        fact = random_fact(rng, departments)
        fact.save()
        for dimension, key in summary.series_of(fact):
            summary.refresh_quarter(dimension, key, fact.quarter)
    incremental = cells()
    TransparencyCell.objects.all().delete()
    ScenarioCell.objects.all().delete()
    summary.rebuild()
    rebuilt = cells()
    assert incremental[0].keys() == rebuilt[0].keys()
    assert incremental == rebuilt
    whole = rebuilt[0][national.NATIONAL, "", ""]
    assert whole["awards"] == 60
    assert whole["departments"] == len({f.department_id for f in AwardFact.objects.all()})
    assert any(c["departments_to_date"] != c["departments_since"] for c in rebuilt[0].values())


def test_rebuild_transparency_says_what_it_did():
    out = StringIO()
    call_command("rebuild_transparency", stdout=out)
    assert "Rebuilt the transparency summary in" in out.getvalue()
    assert "series: 1" in out.getvalue()
    quiet = StringIO()
    call_command("rebuild_transparency", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""


def test_seed_scale_refuses_sqlite(monkeypatch):
    if connection.vendor != "sqlite":
        monkeypatch.setattr(connection, "vendor", "sqlite")
        monkeypatch.setattr(connection, "display_name", "SQLite")
    with override_settings(DEMO_INSTANCE=True), pytest.raises(CommandError) as refused:
        call_command("seed_scale", "--awards", "10", "--demo-instance", stdout=StringIO())
    assert "PostgreSQL only" in str(refused.value) and "SQLite" in str(refused.value)
    assert not AwardFact.objects.exists()


@pytest.mark.postgres
@pytest.mark.parametrize(("flag", "instance"), [(False, False), (True, False), (False, True)])
def test_seed_scale_refuses_unless_a_declared_demo_instance(flag, instance):
    args = ["--awards", "10"] + (["--demo-instance"] if flag else [])
    with override_settings(DEMO_INSTANCE=instance), pytest.raises(CommandError) as refused:
        call_command("seed_scale", *args, stdout=StringIO())
    assert "PROCUREMENT_DEMO_INSTANCE=1" in str(refused.value)
    assert not Department.objects.exists() and not AwardFact.objects.exists()


def seed(*args: str) -> str:
    out = StringIO()
    with override_settings(DEMO_INSTANCE=True):
        call_command("seed_scale", *args, "--demo-instance", stdout=out)
    return out.getvalue()


FACT_SUMS = {
    "awards": None,
    "domestic_inferences": ("inferences", "domestic_operator"),
    "foreign_in_india_inferences": ("inferences", "foreign_operator_in_country"),
    "abroad_inferences": ("inferences", "abroad"),
    "domestic_nominal_inr": ("nominal_inr", "domestic_operator"),
    "abroad_nominal_inr": ("nominal_inr", "abroad"),
    "npv_inr": ("npv_inr", None),
    "premium_paid_inr": ("premium_paid_inr", None),
}


def fact_sum(facts, name):
    if FACT_SUMS[name] is None:
        return facts.count()
    field, hosting = FACT_SUMS[name]
    chosen = facts.filter(hosting=hosting) if hosting else facts
    return chosen.aggregate(total=Sum(field))["total"] or 0


@pytest.mark.postgres
def test_seed_scale_builds_a_demo_load_whose_cells_sum_to_its_facts():
    out = seed("--awards", "2000", "--departments", "60", "--seed", "5")
    assert "2,000 demo award facts in all" in out
    facts = AwardFact.objects.all()
    assert facts.count() == 2000
    assert not facts.filter(decision__isnull=False).exists()
    assert not facts.filter(is_demo=False).exists()
    departments = Department.objects.filter(slug__startswith=SLUG_PREFIX)
    assert departments.count() == 60 and not departments.filter(is_demo=False).exists()
    assert all(parent.endswith("(demo)") for parent in departments.values_list("parent", flat=True))
    assert set(departments.values_list("body_type", flat=True)) >= {"hospital", "state_department"}
    assert len(set(facts.values_list("quarter", flat=True))) >= 8
    assert all(f.nominal_inr > 0 and f.inferences == sum(f.yearly_inferences) for f in facts[:200])
    restricted = facts.filter(restricted=True)
    assert not restricted.exclude(sector="defence_security").exists()

    whole = TransparencyCell.objects.get(dimension="national", key="", quarter="")
    for name in FACT_SUMS:
        assert getattr(whole, name) == fact_sum(facts, name), name
    quarters = TransparencyCell.objects.filter(dimension="national", key="").exclude(quarter="")
    assert sum(c.awards for c in quarters) == 2000
    for dimension in national.DIMENSIONS:
        below = TransparencyCell.objects.filter(dimension=dimension, quarter="")
        for name in FACT_SUMS:
            expected = fact_sum(facts.filter(restricted=False), name)
            assert sum(getattr(c, name) for c in below) == expected, (dimension, name)
    assert whole.is_demo

    seed("--awards", "500", "--departments", "60")
    assert AwardFact.objects.count() == 2500 and departments.count() == 60
    seed("--awards", "0", "--clear")
    assert not AwardFact.objects.exists() and not departments.exists()
    assert not TransparencyCell.objects.exists()
