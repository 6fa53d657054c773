"""The officer's and the approver's day, in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from procurement import services
from procurement.models import Decision, Workload
from tests.conftest import PASSWORD, workload_values

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, live_server, username: str, lands: str = "/workloads/") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(lands) + "$"))


def test_an_officer_describes_a_workload_compares_and_proposes(
    page: Page, live_server, alice, policy_pack, demo_catalogue
):
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, live_server, "alice")

    page.get_by_role("link", name="New workload").click()
    page.get_by_label("Name of the workload").fill("Hindi and English citizen helpline")
    page.get_by_label("What is it for?").select_option("citizen_services")
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Hindi", exact=True).check()
    page.get_by_label("Requests per day in year 1").fill("50000")
    page.get_by_label("Average input per request (tokens)").fill("800")
    page.get_by_label("Average answer per request (tokens)").fill("300")
    page.get_by_label("Busiest hour compared with the average").fill("3")
    page.get_by_label("Slowest acceptable answer, 95th percentile (ms)").fill("3000")
    page.get_by_label("Personal data", exact=True).check()
    page.get_by_label("Contract term (years)").fill("3")
    page.get_by_label("Contract start").fill("2027-01-01")
    page.get_by_role("button", name="Save workload").click()

    expect(page.get_by_role("heading", name="Hindi and English citizen helpline")).to_be_visible()
    page.get_by_role("button", name="Run comparison").click()

    expect(page.get_by_test_id("recommended")).to_contain_text("Award to Sarvam AI")
    expect(page.get_by_test_id("tco")).to_contain_text("₹")
    # Plotly drew the charts: their SVG layers exist, with bars in the cost-by-year chart.
    expect(page.locator("#chart-tco .main-svg").first).to_be_attached()
    expect(page.locator("#chart-tco .bars path").first).to_be_attached()
    expect(page.locator("#chart-cost-quality .main-svg").first).to_be_attached()

    page.get_by_role("button", name="Propose this award").click()
    expect(page.get_by_test_id("decision-status")).to_have_text("Awaiting approval")
    decision = Decision.objects.get()
    assert decision.proposed_by == alice and decision.follows_recommendation
    assert Workload.objects.get().title == "Hindi and English citizen helpline"
    assert not problems, problems


def test_an_approver_approves_the_proposed_award(
    page: Page, live_server, alice, bob, policy_pack, demo_catalogue
):
    workload = services.workload_create(user=alice, values=workload_values())
    comparison = services.comparison_run(user=alice, workload=workload)
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )

    sign_in(page, live_server, "bob", lands="/inbox/")  # an award awaits him
    page.get_by_role("link", name="History").click()
    page.get_by_role("link", name="Decisions").click()
    page.get_by_role("link", name=re.compile(r"\d+ \w+ 2026")).first.click()
    expect(page.get_by_test_id("decision-status")).to_have_text("Awaiting approval")
    page.get_by_label("Note").fill("Checked against the PoC report.")
    page.get_by_role("button", name="Approve the award").click()

    expect(page.get_by_test_id("decision-status")).to_have_text("Approved")
    expect(page.get_by_role("status")).to_contain_text("Approved the award to")
    # and the decision's history records it
    expect(page.get_by_role("listitem").filter(has_text="Approved the award to")).to_be_visible()
    decision.refresh_from_db()
    assert decision.status == Decision.Status.APPROVED and decision.decided_by == bob
