"""The public transparency page in a real Chromium, signed out: every chart drawn by plotly.js
(its SVG on the page), the policy scenario swapped in place, and a figure's CSV downloaded."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from procurement import national, summary
from tests.test_transparency_public import report_usage

pytestmark = pytest.mark.django_db(transaction=True)

CHARTS = ("trend", "by-sector", "by-use-case", "by-buyer-type", "by-ministry", "spending", "usage")


@pytest.fixture
def published(award_factory):
    """Three departments' awards, and their use reported for a quarter: every chart has data."""
    decisions = [
        award_factory("alpha", requests_per_day=50_000),
        award_factory("beta", requests_per_day=51_000),
        award_factory("gamma", requests_per_day=52_000),
    ]
    summary.rebuild()
    report_usage(decisions)
    return decisions


def test_a_visitor_sees_every_chart_and_downloads_the_csv(page: Page, live_server, published):
    page.goto(f"{live_server.url}/transparency/", wait_until="networkidle")
    expect(page.get_by_role("heading", level=1)).to_contain_text("domestic infrastructure")
    for name in CHARTS:
        expect(page.locator(f"#chart-{name} .main-svg").first).to_be_attached()
        expect(page.get_by_test_id(f"table-{name}")).to_be_visible()
    expect(page.get_by_test_id("headline-share")).to_contain_text("%")

    with page.expect_download() as info:
        page.get_by_test_id("download-by-sector-csv").click()
    download = info.value
    assert download.suggested_filename == "transparency-by-sector.csv"
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["By sector"]
    assert lines[1][0] == "As of" and lines[3] == ["Suppression", national.SUPPRESSION_RULE]
    assert lines[6][0] == "By sector" and lines[7][0] == "Citizen services"
    assert lines[7][2] == "3"  # three departments: published


def test_the_scenario_is_swapped_in_place(page: Page, live_server, published):
    page.goto(f"{live_server.url}/transparency/", wait_until="networkidle")
    page.get_by_label("Transition premium (%)").fill("100")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server.url}/transparency/?since=2026-Q4&premium=100")
    expect(page.get_by_test_id("scenario-result")).to_contain_text("premium of 100 %")
    # htmx replaced the section alone: the charts drawn at load are still there.
    expect(page.locator("#chart-trend .main-svg").first).to_be_attached()
    page.get_by_label("Transition premium (%)").fill("101")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("scenario-errors")).to_contain_text("0 to 100")
