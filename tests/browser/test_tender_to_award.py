"""From plan to award, end to end: PostgreSQL, Redis, a real Celery worker and Chromium.

An approved planning decision (QCBS) → its tender → three bids, sealed until the opening (no
page shows a bidder or a price before it) → the opening → each bid's technical result → the
marks of two committee members → the engine's evaluation → a match-L1 round in which the first
Class-I bidder declines and the second accepts → the award proposed and approved by another
person → the contract → OCDS releases for every step validating with 0 errors against the
shipped schema → the award, not the planning decision, in the transparency totals (written by
the worker).
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from procurement import evaluation, ocds, services, tendering
from procurement.models import (
    AwardFact,
    Decision,
    Department,
    PolicyPack,
    Tender,
    TransparencyCell,
)
from tests.browser.test_officer_flow import sign_in
from tests.conftest import workload_values
from tests.tenders import (
    CRITERIA,
    MATCHING_BIDS,
    approved_decision,
    bid_values,
    checklist,
    committee_person,
    eligible_terms,
    open_bids,
    tender_values,
)
from tests.test_document_worker import Worker, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

# L1 on price and first on QCBS marks: tests.tenders.MATCHING_BIDS (Class-II at 100, Class-I
# at 110 and 115, within the 20 % margin of its price).
# Each member's marks of each bid on the three criteria (40 / 35 / 25).
MARKS = {
    "carol": (("36", "32", "22"), ("32", "28", "20"), ("32", "28", "20")),
    "dave": (("34", "30", "22"), ("30", "28", "20"), ("31", "27", "21")),
}


@pytest.fixture(autouse=True)
def empty_queues():
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def reading_pack(base: PolicyPack) -> PolicyPack:
    """A published version of the central pack whose authority adopted a reading of Make in
    India under QCBS (L1 = the bid ranked first), with the three test criteria."""
    document = copy.deepcopy(base.document)
    document["evaluation"]["qcbs"]["criteria"] = CRITERIA
    mii = next(p for p in document["preferences"] if p["kind"] == "mii_match_l1")
    mii["under_qcbs"] = "ranked_first_as_l1"
    mii["under_qcbs_note"] = "adopted by the buying authority of this test (demo)"
    version = PolicyPack.objects.filter(slug=base.slug).order_by("-version").first().version + 1
    document["version"] = version
    return PolicyPack.objects.create(
        slug=base.slug,
        version=version,
        title=base.title,
        status=PolicyPack.Status.PUBLISHED,
        document=document,
        effective_from=base.effective_from,
        published_at=timezone.now(),
    )


def national_awards() -> tuple[int, Decimal]:
    """The national all-quarters cell's awards and nominal total (none yet: 0, 0)."""
    cell = TransparencyCell.objects.filter(dimension="national", key="", quarter="").first()
    if cell is None:
        return 0, Decimal(0)
    total = cell.domestic_nominal_inr + cell.foreign_in_india_nominal_inr + cell.abroad_nominal_inr
    return cell.awards, total


def test_from_plan_to_award(
    page: Page, live_server, alice, bob, departments, policy_pack, demo_catalogue
):
    department = departments[0]
    department.adopted_pack = reading_pack(policy_pack)
    department.save(update_fields=["adopted_pack"])
    carol = committee_person("carol", department)
    dave = committee_person("dave", department)
    worker = Worker()
    try:
        _walk(page, live_server, alice, bob, carol, dave, department)
    finally:
        output = worker.stop()
    assert "Traceback" not in output, output


def _walk(page, live_server, alice, bob, carol, dave, department: Department) -> None:
    # The planning decision, approved: the worker records its projected award.
    work = services.workload_create(
        user=alice,
        values=workload_values(evaluation_method="qcbs", title="Helpline tender, end to end"),
    )
    survey = services.comparison_run(user=alice, workload=work, decision_date=timezone.localdate())
    planning = approved_decision(alice, bob, survey)
    wait_for(lambda: AwardFact.objects.filter(decision=planning).exists(), 60, "planning fact")
    # The worker writes the cells after the fact: wait for them too.
    wait_for(lambda: national_awards()[0] == 1, 60, "the planning award in the national totals")

    # The tender, published on its page by the officer.
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/decisions/{planning.pk}/tender/")
    values = tender_values(reference="E2E/2026/1")
    local = timezone.localtime
    page.get_by_label("Tender number").fill(values.reference)
    page.get_by_label("Bids due by").fill(f"{local(values.bid_deadline):%Y-%m-%dT%H:%M}")
    page.get_by_label("Bids opened at").fill(f"{local(values.opening_at):%Y-%m-%dT%H:%M}")
    page.get_by_label("The buyer's test set").fill(values.benchmark_description)
    page.get_by_label("How answers are scored").fill(values.benchmark_rubric)
    page.get_by_label("Pass mark (0–100)").fill("70")
    page.get_by_label("Prices quoted as").select_option("per_request")
    page.get_by_label("Bid security").select_option("declaration")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("E2E/2026/1")
    tender = Tender.objects.get(reference="E2E/2026/1")
    evaluation.committee_appoint(user=alice, tender=tender, member=carol)
    evaluation.committee_appoint(user=alice, tender=tender, member=dave)

    # Three bids, recorded before the deadline: sealed.
    bids = [
        tendering.bid_record(
            user=alice,
            tender=tender,
            values=bid_values(
                survey,
                bidder_name=name,
                offer=eligible_terms(survey, Decimal(price)),
                local_content_pct=Decimal(lc),
            ),
        )
        for name, price, lc in MATCHING_BIDS
    ]
    page.reload()
    expect(page.get_by_test_id("sealed")).to_contain_text("3 received")
    sealed = page.content()
    for name, _, _ in MATCHING_BIDS:
        assert name not in sealed
    page.goto(f"{live_server.url}/api/v1/tenders/{tender.pk}/bids/")
    assert "Lowest Class-II Ltd" not in page.content()

    # The opening, at its time (three weeks on: the session would have ended, so the clock
    # moves for the service alone).
    open_bids(alice, tender)
    page.goto(f"{live_server.url}/tenders/{tender.pk}/")
    expect(page.get_by_text("Lowest Class-II Ltd").first).to_be_visible()
    for bid in bids:
        evaluation.technical_result_record(
            user=carol, bid=bid, benchmark_score=Decimal("88"), checklist=checklist(tender)
        )

    # Two members mark every bid, each on the marks page.
    for member in ("carol", "dave"):
        page.context.clear_cookies()
        sign_in(page, live_server, member)
        page.goto(f"{live_server.url}/tenders/{tender.pk}/marks/")
        for (name, _, _), row in zip(MATCHING_BIDS, MARKS[member], strict=True):
            for criterion, mark in zip(CRITERIA, row, strict=True):
                page.get_by_label(f"{name}, {criterion['name']}").fill(mark)
        page.get_by_role("button", name="Submit my mark sheet").click()
    expect(page.get_by_test_id("technical-scores")).to_contain_text("88.00")

    # The officer has the bids evaluated and runs the rounds on the bidders' replies.
    page.context.clear_cookies()
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/tenders/{tender.pk}/")
    page.get_by_role("button", name="Evaluate the qualified bids").click()
    stage = page.get_by_test_id("financial-stage")
    expect(stage).to_contain_text("read as the bid ranked first")
    today = timezone.localdate().isoformat()
    for bidder, reply in (("Class-I A Ltd", "Declines"), ("Class-I B Ltd", "Accepts to match L1")):
        page.get_by_role("button", name=f"Issue the invitation to {bidder}").click()
        form = page.get_by_test_id("reply-form")
        form.get_by_label(reply).check()
        form.get_by_label("Date of the reply").fill(today)
        form.get_by_role("button", name="Record the reply").click()
    rounds = page.get_by_test_id("match-rounds")
    expect(rounds).to_contain_text("Declined")
    expect(rounds).to_contain_text("Accepted")
    expect(stage).to_contain_text("awards the contract to Class-I B Ltd")
    page.get_by_role("button", name="Propose the award").click()
    expect(page.get_by_test_id("decision-status")).to_have_text("Awaiting approval")
    award = Decision.objects.get(comparison__tender=tender)

    # Another person approves it; the worker puts the award in the planning decision's place.
    page.context.clear_cookies()
    sign_in(page, live_server, "bob", lands="/inbox/")
    page.goto(f"{live_server.url}/decisions/{award.pk}/")
    page.get_by_role("button", name="Approve the award").click()
    expect(page.get_by_test_id("decision-status")).to_have_text("Approved")
    wait_for(lambda: AwardFact.objects.filter(decision=award).exists(), 60, "the award's fact")
    fact = AwardFact.objects.get(decision=award)
    assert not AwardFact.objects.filter(decision=planning).exists()
    wait_for(lambda: national_awards() == (1, fact.nominal_inr), 60, "the national totals")

    # The contract, recorded by the officer.
    page.context.clear_cookies()
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/tenders/{tender.pk}/")
    page.get_by_label("Contract number").fill("E2E/2026/1/C")
    page.get_by_label("Signed on").fill(today)
    page.get_by_role("button", name="Record the contract as signed").click()
    expect(page.get_by_test_id("financial-stage")).to_contain_text("Contract E2E/2026/1/C")

    # Open contracting data for every step, valid against the shipped schema.
    anonymous = Client()
    ocid = ocds.ocid(planning)
    response = anonymous.get(f"/api/v1/ocds/releases/{ocid}.json")
    assert response.status_code == 200
    package: dict[str, Any] = json.loads(response.content)
    assert ocds.validate(package) == []
    tags = [tag for release in package["releases"] for tag in release["tag"]]
    for step in ("planning", "tender", "tenderUpdate", "award", "contract"):
        assert step in tags, tags
    record = json.loads(anonymous.get(f"/api/v1/ocds/records/{ocid}.json").content)
    assert ocds.validate(record) == []
    compiled = record["records"][0]["compiledRelease"]
    assert compiled["awards"][0]["suppliers"][0]["name"] == "Class-I B Ltd"
