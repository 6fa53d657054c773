"""The public transparency page and its downloads: anyone may read them, and no output — the
page, every figure's JSON and CSV, the scenario at several quarters and premiums — carries a
cell built from fewer than three departments, nor a restricted award below the national
level."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from procurement import national, summary
from procurement.engine.numbers import format_count, format_inr, format_lakh_crore
from procurement.models import AwardFact, ShareTarget, UsageReport
from providers.models import Offering
from tests.test_api_support import client_with
from tests.test_plain_words import findings, visible

pytestmark = pytest.mark.django_db

EARLY = "2026-Q1"  # the quarter the justice department's award is moved to: one department
LAW = "Ministry of Law and Justice (demo)"
HEALTH = "Ministry of Health and Family Welfare (demo)"
DEFENCE = "Ministry of Defence (demo)"


@pytest.fixture
def dataset(award_factory):
    """Three citizen-services departments (published everywhere), two health departments (a
    sector, a ministry and a buyer type of two: suppressed), one justice department alone in its
    sector, ministry, buyer type and quarter (suppressed), and a restricted defence award."""
    decisions = {
        "alpha": award_factory("alpha", requests_per_day=50_000),
        "beta": award_factory("beta", requests_per_day=51_000),
        "gamma": award_factory("gamma", requests_per_day=52_000, body_type="psu"),
        "clinic": award_factory(
            "clinic",
            sector="health",
            body_type="hospital",
            ministry=HEALTH,
            requests_per_day=61_111,
        ),
        "ward": award_factory(
            "ward",
            sector="health",
            body_type="hospital",
            ministry=HEALTH,
            requests_per_day=62_222,
        ),
        "courts": award_factory(
            "courts",
            sector="justice",
            body_type="state_department",
            ministry=LAW,
            requests_per_day=77_777,
        ),
        "army": award_factory(
            "army",
            sector="defence_security",
            body_type="central_ministry",
            ministry=DEFENCE,
            requests_per_day=123_457,
        ),
    }
    summary.rebuild()
    AwardFact.objects.filter(decision=decisions["courts"]).update(
        quarter=EARLY, decided_on=dt.date(2026, 2, 10)
    )
    summary.rebuild()
    return decisions


def fact(decision) -> AwardFact:
    return AwardFact.objects.get(decision=decision)


def spellings(value) -> set[str]:
    """Every way an output may write a count or a rupee sum."""
    if isinstance(value, int):
        return {str(value), format_count(value)}
    return {f"{value:f}", format_inr(value), format_inr(value, 0), format_lakh_crore(value)}


def secrets(decisions) -> dict[str, set[str]]:
    """The figures that must never appear: the lone justice department's, the restricted
    award's, and the two health departments' (alone and together)."""
    hidden: dict[str, set[str]] = {}
    for name in ("courts", "army", "clinic", "ward"):
        f = fact(decisions[name])
        hidden[name] = spellings(f.inferences) | spellings(f.nominal_inr) | spellings(f.npv_inr)
    clinic, ward = fact(decisions["clinic"]), fact(decisions["ward"])
    hidden["health together"] = (
        spellings(clinic.inferences + ward.inferences)
        | spellings(clinic.nominal_inr + ward.nominal_inr)
        | spellings(clinic.npv_inr + ward.npv_inr)
    )
    return hidden


SCENARIOS = [(q, p) for q in (EARLY, "2026-Q2", "2026-Q4") for p in (0, 5, 25, 100)]


def outputs(client) -> dict[str, str]:
    """Every public output as text, by where it came from."""
    texts = {"page": client.get(reverse("transparency")).content.decode()}
    texts["index"] = client.get(reverse("api:transparency-index")).content.decode()
    for name in national.FIGURES:
        texts[f"{name} JSON"] = client.get(
            reverse("api:transparency-figure", args=[name])
        ).content.decode()
        texts[f"{name} CSV"] = client.get(
            reverse("api:transparency-figure-csv", args=[name])
        ).content.decode("utf-8-sig")
    for since, premium in SCENARIOS:
        query = f"?since={since}&premium={premium}"
        for route in ("api:transparency-scenario", "api:transparency-scenario-csv"):
            response = client.get(reverse(route) + query)
            assert response.status_code == 200, (route, query, response.content)
            texts[f"{route}{query}"] = response.content.decode("utf-8-sig")
        page = client.get(reverse("transparency") + query)
        texts[f"page{query}"] = page.content.decode()
        texts[f"page (htmx){query}"] = client.get(
            reverse("transparency") + query, HTTP_HX_REQUEST="true"
        ).content.decode()
    return texts


def test_anonymous_callers_read_the_page_and_every_endpoint(dataset):
    client = client_with()
    for where, text in outputs(client).items():
        assert text, where
    assert client.get(reverse("transparency")).status_code == 200
    index = client.get(reverse("api:transparency-index")).json()
    names = [entry["figure"] for entry in index["figures"]]
    assert names == [*national.FIGURES, "scenario"]
    for entry in index["figures"]:
        assert client.get(entry["json"]).status_code == 200, entry
        assert client.get(entry["csv"]).status_code == 200, entry


def test_no_output_carries_a_cell_of_fewer_than_three_departments(dataset):
    hidden = secrets(dataset)
    texts = outputs(client_with())
    found = [
        f"{who}'s {value!r} in {where}"
        for where, text in texts.items()
        for who, values in hidden.items()
        for value in values
        if value in text
    ]
    assert not found, "\n".join(found)
    # The national figures are published: the trend's last row is every award so far.
    whole = national.headline()
    assert whole.share_pct is not None and whole.departments == 7
    total = sum(fact(d).inferences for d in dataset.values())
    assert str(total) in texts["trend JSON"] and str(total) in texts["trend CSV"]
    assert format_count(total) in texts["page"]
    # The small cells are there, marked suppressed.
    sectors = json.loads(texts["by-sector JSON"])["rows"]
    by_key = {row["key"]: row for row in sectors}
    assert by_key["health"]["suppressed"] and by_key["health"]["awards"] is None
    assert by_key["justice"]["suppressed"]
    assert not by_key["citizen_services"]["suppressed"]
    assert by_key["citizen_services"]["departments"] == 3
    trend = json.loads(texts["trend JSON"])["rows"]
    assert trend[0]["quarter"] == EARLY and trend[0]["suppressed"]
    assert not trend[-1]["suppressed"]


def test_restricted_awards_never_appear_below_the_national_level(dataset):
    texts = outputs(client_with())
    for where, text in texts.items():
        assert "Defence and security" not in text, where
        assert DEFENCE not in text, where
    for name in ("by-sector", "by-use-case", "by-buyer-type", "by-ministry"):
        rows = json.loads(texts[f"{name} JSON"])["rows"]
        counted = sum(row["awards"] or 0 for row in rows)
        assert counted <= 6, name  # the restricted award is in none of them


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_csv_files_carry_their_provenance_then_plain_numbers(dataset):
    client = client_with()
    for name in national.FIGURES:
        response = client.get(reverse("api:transparency-figure-csv", args=[name]))
        figure = national.figure(name)
        lines = read_csv(response)
        assert lines[0] == [figure.title]
        as_of = figure.as_of.isoformat() if figure.as_of else "none yet"
        assert lines[1] == ["As of", as_of]
        assert lines[2] == ["Definition", figure.definition]
        assert lines[3] == ["Suppression", str(national.SUPPRESSION_RULE)]
        assert lines[4] == ["Demo data", "yes"]  # the factory's departments are demo
        start = 5 + len(figure.notes)
        assert lines[start] == []
        assert lines[start + 1] == [c.label for c in figure.columns]
        assert len(lines) == start + 2 + len(figure.rows)
        assert f'filename="transparency-{name}.csv"' in response["Content-Disposition"]
    sectors = read_csv(client.get(reverse("api:transparency-figure-csv", args=["by-sector"])))
    rows = {line[0]: line for line in sectors[7:]}
    assert set(rows["Health"][1:]) == {"suppressed"}
    published = rows["Citizen services"]
    assert published[2] == "3"
    committed = Decimal(published[8])  # a plain decimal: no grouping, no ₹
    expected = sum(fact(dataset[n]).nominal_inr for n in ("alpha", "beta", "gamma"))
    assert committed == expected and "," not in published[8]


def test_the_json_writes_money_as_exact_strings(dataset):
    body = client_with().get(reverse("api:transparency-figure", args=["by-sector"])).json()
    assert set(body) == {
        "figure",
        "title",
        "as_of",
        "definition",
        "suppression",
        "demo",
        "notes",
        "columns",
        "rows",
    }
    assert body["figure"] == "by-sector" and body["demo"] is True
    assert body["columns"][0] == {"key": "label", "label": "By sector"}
    row = next(r for r in body["rows"] if r["key"] == "citizen_services")
    expected = sum(fact(dataset[n]).nominal_inr for n in ("alpha", "beta", "gamma"))
    assert row["committed_inr"] == f"{expected:f}"
    assert isinstance(row["domestic_pct"], str) and isinstance(row["awards"], int)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?since=2026-Q5&premium=10", "since"),
        ("?since=26-Q1&premium=10", "since"),
        ("?since=0000-Q1&premium=10", "since"),
        ("?since=9999-Q4&premium=10", "since"),
        ("?since=&premium=10", "since"),
        ("?since=2026-Q1&since=2026-Q2", "since"),
        ("?since=2026-Q1&premium=101", "premium"),
        ("?since=2026-Q1&premium=-1", "premium"),
        ("?since=2026-Q1&premium=ten", "premium"),
        ("?since=2026-Q1&premium=0.0", "premium"),
        ("?since=2026-Q1&premium=1e1", "premium"),
        ("?since=2026-Q1&premium=%2010", "premium"),
        ("?since=2026-Q1&premium=", "premium"),
    ],
)
def test_bad_scenario_parameters_are_a_400_naming_them(db, query, field):
    client = client_with()
    for route in ("api:transparency-scenario", "api:transparency-scenario-csv"):
        response = client.get(reverse(route) + query)
        assert response.status_code == 400, (route, query)
        assert list(response.json()) == [field]


def test_the_page_says_what_a_bad_scenario_lacks(dataset):
    page = client_with().get(reverse("transparency") + "?since=2026-Q1&premium=150")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="scenario-errors"' in text
    assert 'data-testid="scenario-result"' not in text
    assert "Transition premium (%)" in text and "whole percent from 0 to 100" in text


def test_unknown_figures_are_404(db):
    client = client_with()
    assert client.get("/api/v1/transparency/everything/").status_code == 404
    assert client.get("/api/v1/transparency/everything.csv").status_code == 404


def test_the_page_states_the_rules_and_the_target(dataset, django_user_model):
    client = client_with()
    text = client.get(reverse("transparency")).content.decode()
    assert escape(str(national.SUPPRESSION_RULE)) in text
    assert escape(national.SCENARIO_DEFINITION) in text
    assert "No target set." in text
    assert "Demo data." in text  # the banner: the departments are demo
    for name in (
        "trend",
        "by-sector",
        "by-use-case",
        "by-buyer-type",
        "by-ministry",
        "spending",
        "usage",
    ):
        assert reverse("api:transparency-figure-csv", args=[name]) in text
        # Every buyer type has fewer than 3 departments, and no usage is reported: no chart.
        drawn = name not in ("by-buyer-type", "usage")
        assert (f'data-figure="{name}"' in text) is drawn, name
        assert f'data-testid="table-{name}"' in text
    assert text.count(">Suppressed</td>") >= 5
    authority = django_user_model.objects.create_user("authority")
    ShareTarget.objects.create(
        target_pct=Decimal("75"),
        by_date=dt.date(2028, 3, 31),
        source_note="Demo target",
        set_by=authority,
        is_demo=True,
    )
    text = client.get(reverse("transparency")).content.decode()
    assert "Target: 75 % by 31 March 2028" in text


def test_the_page_reads_a_constant_number_of_queries(award_factory):
    client = client_with()
    for slug in ("alpha", "beta", "gamma"):
        award_factory(slug)
    summary.rebuild()
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("transparency")).status_code == 200
    for slug in ("alpha", "beta", "gamma", "delta"):
        award_factory(slug, requests_per_day=60_000)
    summary.rebuild()
    with CaptureQueriesContext(connection) as more:
        assert client.get(reverse("transparency")).status_code == 200
    assert (len(few), len(more)) == (16, 16), [q["sql"] for q in more.captured_queries]


def report_usage(decisions, quarter: str = "2027-Q1") -> None:
    """Each award's department reports a quarter's use (the contracts start on 1 Jan 2027)."""
    for number, decision in enumerate(decisions, start=1):
        UsageReport.objects.create(
            decision=decision,
            department=decision.department,
            quarter=quarter,
            requests=4_000_000 + number,
            input_tokens=3_200_000_000,
            output_tokens=1_200_000_000,
            invoiced_inr=Decimal("250000.00"),
            source=UsageReport.Source.API,
            reported_by=decision.proposed_by,
        )
    summary.usage_refresh([quarter])


def test_projected_and_actual_are_drawn_once_three_departments_report(award_factory):
    decisions = [award_factory(slug) for slug in ("alpha", "beta", "gamma")]
    summary.rebuild()
    report_usage(decisions)
    text = client_with().get(reverse("transparency")).content.decode()
    assert 'data-figure="usage"' in text
    assert format_count(sum(4_000_000 + n for n in (1, 2, 3))) in text


def test_the_page_speaks_in_plain_words_and_indian_numbers(dataset):
    offer_ids = {
        slug
        for slug, model in Offering.objects.values_list("slug", "model_name")
        if "-" in slug and slug != model
    }
    problems = []
    for query in ("", "?since=2026-Q1&premium=25", "?premium=150"):
        text = visible(client_with().get(reverse("transparency") + query).content.decode())
        problems += findings(f"/transparency/{query}", text, offer_ids)
    assert not problems, "\n".join(problems)
