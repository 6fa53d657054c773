"""The community in a real Chromium: an evaluator submits an evaluation with its evidence file,
a catalogue steward accepts it, and a comparison run afterwards finds the offer above the quality
bar because of it — and below it again once the evaluator's accreditation has expired, saying
so."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from procurement import services
from procurement.models import EvaluationSubmission, Review
from providers.models import Offering, QualityEvaluation
from tests.community import OFFER, PDF, item_results, make_community
from tests.conftest import PASSWORD, workload_values

pytestmark = pytest.mark.django_db(transaction=True)

TERM_DAYS = 30


def sign_in(page: Page, live_server, username: str, to: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={to}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(to) + "$"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def quality_cell(page: Page, offer_name: str):
    """The matrix cell of the offer's row under the "Certified quality" column."""
    headers = page.get_by_test_id("matrix").locator("thead th").all_inner_texts()
    column = [h.strip() for h in headers].index("Certified quality")
    row = page.get_by_test_id("matrix").locator("tbody tr", has_text=offer_name)
    return row.locator("th, td").nth(column)


def test_an_accepted_evaluation_lets_the_offer_pass_until_the_accreditation_expires(
    page: Page, live_server, alice, policy_pack, demo_catalogue
):
    lab = make_community()
    lab.accredit(use_cases=["citizen_services"], languages=["hi"], days=TERM_DAYS)
    offering = Offering.objects.select_related("provider").get(slug=OFFER)
    offer_name = f"{offering.provider.name} — {offering.name}"
    workload = services.workload_create(
        user=alice, values=workload_values(title="Hindi helpline", languages=["hi"])
    )

    # The evaluator submits, with the evidence file and the per-item results.
    sign_in(page, live_server, lab.member.username, "/community/evaluations/new/")
    page.get_by_label("Offer evaluated").select_option(OFFER)
    page.get_by_label("Model version").fill("deepseek-v4-flash-2026-10")
    page.get_by_label("Use case").select_option("citizen_services")
    page.locator("#id_language").select_option("hi")
    page.get_by_label("Benchmark").select_option(str(lab.benchmark.pk))
    page.get_by_label("Scoring method").select_option("exact_match")
    page.get_by_label("Prompts and settings").fill("Zero-shot; temperature 0.")
    page.get_by_label("Score (0–100)").fill("82.00")
    page.get_by_label("Run date").fill((timezone.localdate() - dt.timedelta(days=3)).isoformat())
    page.get_by_label("Evidence file").set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Per-item results (JSON Lines)").set_input_files(
        files=[{"name": "items.jsonl", "mimeType": "text/plain", "buffer": item_results(82)}]
    )
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Awaiting review").first).to_be_visible()
    expect(page.get_by_test_id("score")).to_contain_text("95 % interval")
    submission = EvaluationSubmission.objects.get()
    sign_out(page)

    # A catalogue steward accepts it from the review list.
    sign_in(page, live_server, lab.stewards[0].username, "/community/review/")
    page.get_by_test_id("awaiting-evaluations").get_by_role("link").first.click()
    page.get_by_role("button", name="Accept into the catalogue").click()
    expect(page.get_by_text("Accepted").first).to_be_visible()
    assert Review.objects.get(evaluation=submission).outcome == "accepted"
    assert QualityEvaluation.objects.filter(offering=offering, evaluator=lab.evaluator).exists()
    sign_out(page)

    # The officer compares: the offer passes the quality bar on the accepted score.
    sign_in(page, live_server, "alice", f"/workloads/{workload.pk}/")
    page.get_by_role("button", name="Run comparison").click()
    cell = quality_cell(page, offer_name)
    expect(cell).to_have_class(re.compile(r"\bs-pass\b"))

    # After the accreditation's term, the same offer fails the bar, and the page says why.
    expiry = timezone.localdate() + dt.timedelta(days=TERM_DAYS)
    later = services.comparison_run(
        user=alice, workload=workload, decision_date=expiry + dt.timedelta(days=1)
    )
    page.goto(f"{live_server.url}/comparisons/{later.pk}/")
    expect(quality_cell(page, offer_name)).to_have_class(re.compile(r"\bs-fail\b"))
    expect(page.get_by_test_id("exclusions")).to_contain_text(
        f"accreditation expired {expiry.day} {expiry.strftime('%b %Y')}"
    )
