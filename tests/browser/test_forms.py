"""The officer's forms in a real Chromium: the ₹ echo as the officer types, the error summary
taking the focus and leading to each field."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_officer_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rupee_amount_is_echoed_in_lakh_and_crore_as_it_is_typed(
    page: Page, live_server, alice, policy_pack, demo_catalogue
):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/workloads/new/")
    amount = page.get_by_label("Estimated contract value (₹), if known")
    echo = page.locator("#id_estimated_value_inr_echo")
    for typed, reading in [
        ("1,50,00,000", "= ₹1.5 crore"),
        ("₹ 2,50,000", "= ₹2.5 lakh"),
        ("150,00,000", "= ₹1.5 crore"),
        ("99,999.995", "= ₹1 lakh"),
        ("75 lakh", "= ₹75 lakh"),
        ("not an amount", ""),
    ]:
        amount.fill(typed)
        expect(echo).to_have_text(reading)
    assert not problems, problems


def test_the_error_summary_takes_the_focus_and_leads_to_each_field(
    page: Page, live_server, alice, policy_pack, demo_catalogue
):
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/workloads/new/")
    page.get_by_label("Contract term (years)").fill("50")
    page.get_by_role("button", name="Save workload").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Contract term (years): The product plans")
    expect(link).to_have_attribute("href", "#id_term_years")
    link.click()
    term = page.get_by_label("Contract term (years)")
    expect(term).to_be_focused()
    expect(term).to_have_attribute("aria-invalid", "true")
    expect(term).to_have_accessible_description(
        "Contract term (years): The product plans contracts of 1 to 10 years. Between 1 and 10. "
        "e.g. 3"
    )
