"""No number a person reads is grouped the Western way: the comparison page (its text, tables
and the charts' labels), the engine's explanations, the workload pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement import charts, services
from procurement.engine.numbers import format_count, format_indian, format_inr, format_lakh_crore
from tests.conftest import workload_values

pytestmark = pytest.mark.django_db

# 219,000,000 or 1,000,000 (three-digit groups twice or more), or 200,000 (three digits before
# the comma): never Indian, where only the last group has three digits.
WESTERN = re.compile(r"(?<![\d,.])(?:\d{3},\d{3}|\d{1,3}(?:,\d{3}){2,})(?![\d,])")


@pytest.mark.parametrize("text", ["219,000,000 inferences", "200,000 requests a day", "₹1,000,000"])
def test_the_scan_finds_western_grouping(text):
    assert WESTERN.search(text)


@pytest.mark.parametrize(
    "text", ["21,90,00,000 inferences", "2,00,000 requests", "₹9,99,99,99,99,999.99", "99,999"]
)
def test_the_scan_passes_indian_grouping(text):
    assert not WESTERN.search(text)


@pytest.fixture
def big_comparison(alice, policy_pack, demo_catalogue):
    """Two lakh requests a day: counts and amounts well above a lakh everywhere."""
    workload = services.workload_create(
        user=alice,
        values=workload_values(
            title="State helpline", requests_per_day=200_000, estimated_value_inr=None
        ),
    )
    return services.comparison_run(
        user=alice, workload=workload, decision_date=dt.date(2026, 11, 26)
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_the_comparison_page_and_its_explanations_group_numbers_the_indian_way(
    client, alice, big_comparison
):
    client.force_login(alice)
    pages = {
        "comparison": reverse("comparison_detail", args=[big_comparison.pk]),
        "workload": reverse("workload_detail", args=[big_comparison.workload.pk]),
        "workloads": reverse("workload_list"),
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert not WESTERN.findall(html), (name, WESTERN.findall(html))
    html = client.get(pages["comparison"]).content.decode()
    # 2,00,000 requests a day: 7,30,00,000 in the first year, shown the Indian way.
    assert "7,30,00,000" in html

    results = big_comparison.snapshot_document()["results"]
    sentences = _strings(results)
    assert any(re.search(r"\d,\d\d,\d{3}", s) for s in sentences), "no large count explained"
    western = [s for s in sentences if WESTERN.search(s)]
    assert not western, western


def test_chart_axes_read_in_lakh_and_crore_and_hovers_in_indian_grouping(alice, big_comparison):
    from procurement import selectors
    from procurement.presenters import comparison_view

    view = comparison_view(selectors.comparison_results(big_comparison))
    figures = charts.comparison_figures(view)
    text = json.dumps(figures, ensure_ascii=False)
    assert not WESTERN.search(text)
    assert ":," not in text  # no d3 format with Western thousands
    tco = figures["tco"]
    assert tco is not None
    axis = tco["layout"]["yaxis"]
    assert axis["tickmode"] == "array" and axis["ticktext"][0] == "₹0"
    assert all(re.fullmatch(r"₹[\d,.]+( lakh| crore| lakh crore)?", t) for t in axis["ticktext"])
    assert any(t.endswith(("lakh", "crore")) for t in axis["ticktext"])
    for bar in tco["data"]:
        assert bar["hovertemplate"].startswith("%{x}: %{customdata}")
        assert [format_inr(Decimal(y)) for y in bar["y"]] == bar["customdata"]


@pytest.mark.parametrize(
    ("values", "from_zero", "ticks", "lowest", "highest"),
    [
        (["14936451.49", "3000000"], True, ["₹0", "₹25 lakh", "₹50 lakh"], 0, 15_000_000),
        (["14936451.49", "23000000.5"], False, ["₹1.4 crore", "₹1.6 crore"], 14_000_000, None),
        (["50000"], True, ["₹0", "₹10,000", "₹20,000"], 0, 50_000),
        (["0"], True, ["₹0", "₹1"], 0, 1),
    ],
)
def test_rupee_axis_ticks_are_round_and_cover_the_values(values, from_zero, ticks, lowest, highest):
    amounts = [Decimal(v) for v in values]
    axis = charts.rupee_axis(amounts, from_zero=from_zero)
    assert axis["ticktext"][: len(ticks)] == ticks
    assert axis["range"][0] == lowest
    if highest is not None:
        assert axis["range"][1] == highest
    assert axis["range"][0] <= min(amounts) and axis["range"][1] >= max(amounts)
    assert 2 <= len(axis["tickvals"]) <= charts.MOST_TICKS + 2
    assert [format_lakh_crore(Decimal(v), None) for v in axis["tickvals"]] == axis["ticktext"]


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0, 0, "0"),
        (99_999, 0, "99,999"),
        (100_000, 0, "1,00,000"),
        (10**7, 0, "1,00,00,000"),
        (-1_234_567, 0, "-12,34,567"),
        (Decimal("-0.001"), 2, "0.00"),
        (Decimal("1E+30"), None, "10" + ",00" * 13 + ",000"),
        (
            Decimal("123456789012345678901234567890.125"),
            2,
            "1,23,45,67,89,01,23,45,67,89,01,23,45,67,890.13",
        ),
        (Decimal("1500.500"), None, "1,500.5"),
    ],
)
def test_format_indian_on_edge_cases(value, places, expected):
    assert format_indian(value, places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (99_999, "99,999"), (100_000, "1,00,000"), (10**7, "1,00,00,000"), (-5, "-5")],
)
def test_format_count_on_edge_cases(value, expected):
    assert format_count(value) == expected
