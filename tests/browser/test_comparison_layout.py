"""The comparison page's layout in a real Chromium, at a phone's, a tablet's and a laptop's width:
no sideways scrolling, no blank space below the footer, the recommendation on the first screen,
a sortable matrix, and printing that shows whole tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_officer_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = [(390, 844), (768, 1024), (1366, 768)]


def open_comparison(page: Page, live_server, comparison, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/comparisons/{comparison.pk}/", wait_until="networkidle")
    expect(page.locator("#chart-cost-quality .main-svg").first).to_be_attached()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_the_page_fits_its_width_and_its_content_and_opens_on_the_recommendation(
    page: Page, live_server, alice, comparison, width, height
):
    open_comparison(page, live_server, comparison, width, height)
    sizes = page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            documentHeight: document.documentElement.scrollHeight,
            contentHeight: document.querySelector("footer").getBoundingClientRect().bottom
                + window.scrollY,
        })"""
    )
    assert sizes["scrollWidth"] == width, sizes
    assert sizes["documentHeight"] <= sizes["contentHeight"] * 1.1, sizes
    # The first screen shows the recommendation: its sentence ends above the fold.
    recommended = page.get_by_test_id("recommended")
    expect(recommended).to_contain_text("Award to Sarvam AI")
    box = recommended.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, box
    # Every row of the eligibility matrix is on the page, none hidden in an inner scroll box.
    rows = page.locator("[data-testid=matrix] tbody tr")
    assert rows.count() == len(comparison.snapshot_document()["results"]["offers"])
    last = rows.last.bounding_box()
    assert last is not None and last["height"] > 0


def test_the_matrix_sorts_by_a_column(page: Page, live_server, alice, comparison):
    open_comparison(page, live_server, comparison, 1366, 768)
    matrix = page.get_by_test_id("matrix")
    first_name = matrix.locator("tbody tr th").first
    expect(first_name).to_contain_text("Sarvam-105B on Demo Sovereign Cloud")  # rank 1 first
    cost = matrix.get_by_role("button", name="Evaluated cost")
    cost.click()
    expect(matrix.locator("thead th").nth(1)).to_have_attribute("aria-sort", "ascending")
    costs = matrix.locator("tbody tr td.num").evaluate_all(
        "cells => cells.map(c => parseFloat(c.dataset.sort)).filter(v => !isNaN(v))"
    )
    assert costs == sorted(costs) and len(costs) > 2
    cost.click()
    expect(matrix.locator("thead th").nth(1)).to_have_attribute("aria-sort", "descending")


@pytest.mark.parametrize(("width", "height"), [(768, 1024), (1366, 768)])
def test_printing_shows_whole_tables(page: Page, live_server, alice, comparison, width, height):
    open_comparison(page, live_server, comparison, width, height)
    page.emulate_media(media="print")
    clipped = page.evaluate(
        """() => {
            const problems = [];
            for (const table of document.querySelectorAll("main table")) {
                for (let e = table.parentElement; e && e !== document.body; e = e.parentElement) {
                    const style = getComputedStyle(e);
                    if (style.overflowX !== "visible" || style.overflowY !== "visible"
                        || style.maxHeight !== "none") {
                        problems.push(`${e.tagName}.${e.className} clips a table`);
                    }
                }
                for (const row of table.rows) {
                    if (row.getBoundingClientRect().height === 0) {
                        problems.push(`a row of ${table.className} is hidden`);
                    }
                }
            }
            for (const hidden of document.querySelectorAll("nav, .btn")) {
                if (getComputedStyle(hidden).display !== "none") {
                    problems.push(`${hidden.tagName}.${hidden.className} is printed`);
                }
            }
            return problems;
        }"""
    )
    assert clipped == []
    assert page.locator(".tco-table tbody tr").count() >= 2
