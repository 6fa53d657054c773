"""The approver's inbox in a real Chromium: an officer proposes, the approver signs in, finds the
award in the inbox with its count in the navigation, and approves it there."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from procurement import services
from procurement.models import Decision
from tests.browser.test_officer_flow import sign_in
from tests.conftest import workload_values

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_approver_finds_the_proposal_in_the_inbox_and_approves_it_there(
    page: Page, live_server, alice, bob, policy_pack, demo_catalogue
):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    bob.email = "bob@health.example.gov.in"
    bob.save(update_fields=["email"])
    workload = services.workload_create(user=alice, values=workload_values(title="Hindi helpline"))
    comparison = services.comparison_run(user=alice, workload=workload)

    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/comparisons/{comparison.pk}/")
    page.get_by_role("button", name="Propose this award").click()
    expect(page.get_by_test_id("decision-status")).to_have_text("Awaiting approval")
    assert [m.to for m in mail.outbox] == [["bob@health.example.gov.in"]]
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "bob", lands="/inbox/")
    expect(page.get_by_test_id("inbox-count")).to_have_text("1")
    awaiting = page.get_by_test_id("awaiting")
    expect(awaiting.get_by_role("heading", name="Awaiting your approval (1)")).to_be_visible()
    item = awaiting.get_by_role("article").filter(has_text="Hindi helpline")
    expect(item).to_contain_text(f"award to {comparison.recommended_name}")
    expect(item).to_contain_text("Proposed by alice")
    item.get_by_label("Note").fill("Within the budget head's provision.")
    item.get_by_role("button", name="Approve the award").click()

    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Approved the award to {comparison.recommended_name} for “Hindi helpline”."
    )
    expect(page.get_by_text("Nothing awaits your approval.")).to_be_visible()
    expect(page.get_by_test_id("inbox-count")).to_have_count(0)
    decision = Decision.objects.get()
    assert decision.status == Decision.Status.APPROVED and decision.decided_by == bob
    assert decision.decision_note == "Within the budget head's provision."
    assert not problems, problems
