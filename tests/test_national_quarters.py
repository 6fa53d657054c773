"""Quarters and the projection of a contract year onto them (pure functions of national.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from procurement import national


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (dt.date(2026, 1, 1), "2026-Q1"),
        (dt.date(2026, 3, 31), "2026-Q1"),
        (dt.date(2026, 4, 1), "2026-Q2"),
        (dt.date(2026, 9, 30), "2026-Q3"),
        (dt.date(2026, 12, 31), "2026-Q4"),
    ],
)
def test_quarter_of_a_day(day, quarter):
    assert national.quarter_of(day) == quarter
    start, end = national.quarter_bounds(quarter)
    assert start <= day < end


@pytest.mark.parametrize(
    "text",
    [
        "2026-Q0",
        "2026-Q5",
        "26-Q1",
        "2026Q1",
        "2026-q1",
        "",
        "x-Q1",
        "0000-Q1",
        "1999-Q4",
        "2100-Q1",
        "٢٠٢٦-Q1",
    ],
)
def test_what_is_not_a_quarter(text):
    assert national.parse_quarter(text) is None
    with pytest.raises(ValueError):
        national.quarter_bounds(text)


def test_quarters_labels_and_neighbours():
    assert national.quarter_bounds("2026-Q4") == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
    assert national.previous_quarter("2026-Q1") == "2025-Q4"
    assert national.quarter_label("2026-Q3") == "Jul–Sep 2026"
    assert national.quarters_between(dt.date(2025, 12, 31), dt.date(2026, 4, 1)) == [
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
    ]
    assert national.quarters_between(dt.date(2027, 1, 1), dt.date(2026, 1, 1)) == []
    assert national.add_years(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)


def test_a_contract_years_projection_is_spread_over_its_days():
    # A contract from 1 January 2026: 365,000 requests in its first year, 730,000 in its second.
    yearly = [365_000, 730_000]
    start = dt.date(2026, 1, 1)
    assert national.projected_in_quarter(start, yearly, "2026-Q1") == 90 * 1_000
    assert national.projected_in_quarter(start, yearly, "2027-Q3") == 92 * 2_000
    assert national.projected_in_quarter(start, yearly, "2028-Q1") == 0
    # A contract from 1 March: its first quarter holds 31 days of year one.
    assert national.projected_in_quarter(dt.date(2026, 3, 1), yearly, "2026-Q1") == 31 * 1_000
    assert sum(
        national.projected_in_quarter(start, yearly, q)
        for q in national.quarters_between(start, dt.date(2027, 12, 31))
    ) == sum(yearly)
