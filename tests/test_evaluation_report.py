"""A tender's bid evaluation committee report: requested by an officer of the tender's
department once its bids are evaluated, rendered by the file note's worker from the stored
records (the latest evaluation's results and inputs, the technical results, the mark sheets, the
invitations and replies, the award), an archival PDF whose figures are the presenter's — the
same strings the tender's page shows."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from procurement import awarding, evaluation, selectors, services, tendering
from procurement.documents import jobs
from procurement.documents.evaluation_report import evaluation_report_view
from procurement.engine.codec import to_jsonable
from procurement.engine.numbers import format_inr
from procurement.models import AuditEvent, JustificationDocument, Tender
from tests.conftest import workload_values
from tests.tenders import (
    CRITERIA,
    approved_decision,
    bid_values,
    checklist,
    clock_at,
    committee_person,
    marks_of,
    open_bids,
    pack_with_criteria,
    tender_values,
)

pytestmark = pytest.mark.django_db

SECTIONS = (
    "1. The tender",
    "2. The committee",
    "3. Technical evaluation",
    "4. Financial evaluation",
    "5. Preferences",
    "6. The award and its reasons",
    "7. Verification",
)

# L1 a Class-II bidder at 100; Class-I (a) at 110 and (b) at 115, both within the 20 % margin
# of the Make in India order: (a) is invited first and declines, (b) next and accepts.
BIDS = (
    ("Lowest Class-II Ltd", "100", "30"),
    ("Class-I A Ltd", "110", "60"),
    ("Class-I B Ltd", "115", "70"),
)


def eligible_terms(comparison: Any, price: Decimal) -> dict[str, Any]:
    """The terms of a surveyed serverless offer that passed every rule, at ``price`` rupees per
    million tokens."""
    eligible = {o.offer_id for o in selectors.comparison_results(comparison).offers if o.eligible}
    offer = next(
        o
        for o in selectors.comparison_inputs(comparison).offers
        if o.offer_id in eligible and o.pricing_mode == "serverless"
    )
    terms = to_jsonable(offer, normalise=True)
    assert isinstance(terms, dict)
    terms["price"] = {
        **terms["price"],
        "currency": "INR",
        "input_per_mtok": str(price),
        "output_per_mtok": str(price),
        "cached_input_per_mtok": None,
    }
    return terms


def _tender(alice: Any, bob: Any, method: str) -> Tender:
    work = services.workload_create(user=alice, values=workload_values(evaluation_method=method))
    comparison = services.comparison_run(
        user=alice, workload=work, decision_date=timezone.localdate()
    )
    return tendering.tender_create(
        user=alice, decision=approved_decision(alice, bob, comparison), values=tender_values()
    )


def _bids(alice: Any, tender: Tender, rows: tuple[tuple[str, str, str], ...]) -> list[Any]:
    comparison = tender.planning_decision.comparison
    return [
        tendering.bid_record(
            user=alice,
            tender=tender,
            values=bid_values(
                comparison,
                bidder_name=name,
                offer=eligible_terms(comparison, Decimal(price)),
                local_content_pct=Decimal(lc),
            ),
        )
        for name, price, lc in rows
    ]


@pytest.fixture
def l1(alice, bob, departments, demo_catalogue):
    """An L1 tender of department A: three bids opened, each qualified technically by carol."""
    tender = _tender(alice, bob, "l1")
    bids = _bids(alice, tender, BIDS)
    carol = committee_person("carol", departments[0])
    evaluation.committee_appoint(user=alice, tender=tender, member=carol)
    open_bids(alice, tender)
    for bid in bids:
        evaluation.technical_result_record(
            user=carol, bid=bid, benchmark_score=Decimal("90"), checklist=checklist(tender)
        )
    return SimpleNamespace(tender=tender, bids=bids, carol=carol)


@pytest.fixture
def awarded(alice, bob, l1):
    """The L1 tender through its rounds — Class-I A invited six days ago, declining by a reply
    dated four days ago; Class-I B invited today and accepting today — and its award approved."""
    tender = l1.tender
    awarding.evaluation_run(user=alice, tender=tender)
    today = timezone.localdate()
    with clock_at(timezone.now() - dt.timedelta(days=6)):
        first = awarding.invitation_issue(user=alice, tender=tender)
    awarding.invitation_reply(
        user=alice, invitation=first, accepts=False, replied_on=today - dt.timedelta(days=4)
    )
    second = awarding.invitation_issue(user=alice, tender=tender)
    awarding.invitation_reply(user=alice, invitation=second, accepts=True, replied_on=today)
    decision = awarding.award_propose(user=alice, tender=tender)
    services.decision_approve(user=bob, decision=decision)
    return l1


def rendered(user, tender, django_capture_on_commit_callbacks) -> JustificationDocument:
    """Request the report and run the job as the worker would, in this process."""
    with django_capture_on_commit_callbacks(execute=False):
        document = tendering.evaluation_report_request(user=user, tender=tender)
    jobs.document_render(str(document.pk))
    document.refresh_from_db()
    assert document.status == JustificationDocument.Status.READY, document.error
    return document


def text_of(document: JustificationDocument) -> str:
    pages = PdfReader(BytesIO(bytes(document.pdf))).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def test_the_report_states_each_bid_the_rounds_and_the_award(
    alice, bob, awarded, django_capture_on_commit_callbacks
):
    tender = Tender.objects.get(pk=awarded.tender.pk)
    document = rendered(alice, tender, django_capture_on_commit_callbacks)
    assert document.final and document.kind == "evaluation_report"
    text = text_of(document)
    dense = "".join(text.split())
    for heading in SECTIONS:
        assert heading in text, heading
    latest = selectors.latest_evaluation(tender)
    assert latest is not None and document.comparison == latest
    results = selectors.comparison_results(latest)

    # Every bid by its bidder's name, never an id; its evaluated cost as format_inr prints it;
    # its technical score (the benchmark, under L1) against the pass mark.
    for bid in awarded.bids:
        assert bid.bidder_name in text
        offer = results.offer(awarding.offer_id_of(bid))
        assert offer.evaluated_cost_inr is not None and offer.tco is not None
        assert format_inr(offer.evaluated_cost_inr) in text, bid.bidder_name
        assert format_inr(offer.tco.nominal_total_inr) in text, bid.bidder_name
    assert "90.00" in text and "pass mark of 70.00" in text
    assert "bid-" not in text and "bidder-" not in text
    assert "Bid-securing declaration signed" in text

    # The rounds: each invitation's date and each reply with its own date.
    today = timezone.localdate()
    for day in (today - dt.timedelta(days=6), today - dt.timedelta(days=4), today):
        assert f"{day:%d.%m.%Y}" in text, day
    assert "Declined" in text and "Accepted" in text
    mii = next(p for p in results.preferences if p.kind == "mii_match_l1")
    for r in mii.match_rounds:
        assert format_inr(r.evaluated_cost_inr) in text

    # The award: to Class-I B at L1's price, proposed by alice, approved by bob.
    assert "Class-I B Ltd" in text and "which Class-I B Ltd matched" in text
    assert "Approved" in text and "alice" in text and "bob" in text
    assert "carol" in text  # the committee, who recorded the technical results

    # What verifies it: the bids as opened, the evaluation's fingerprint and engine version.
    opening = selectors.opening_of(tender)
    assert opening is not None and opening.bids_sha256 in dense
    assert latest.fingerprint in dense and results.engine_version in text
    assert "DEMO DATA — not for" in text  # the demo catalogue's offers, as bid

    # The page's figures are the PDF's: every string the presenter gives is printed.
    view = evaluation_report_view(tender, evaluation=latest, as_of=document.requested_at)
    for line in view.financial:
        assert line.evaluated_cost in text and line.nominal_total in text, line.bidder
    for line in view.technical:
        assert line.benchmark_score in text, line.bidder
    assert [(r.round, r.reply) for r in view.rounds] == [(1, "Declined"), (2, "Accepted")]
    for r in view.rounds:
        assert r.replied_on in text and r.invited_on in text

    event = AuditEvent.objects.get(action="document.ready", object_id=str(document.pk))
    assert event.summary == (
        f"Issued the bid evaluation committee report of tender {tender.reference}"
    )


def test_the_report_reads_a_constant_number_of_queries(alice, awarded, django_assert_num_queries):
    """Ten, whatever the number of bids, rounds or members (the tender fetched as the pages
    fetch it): the page that shows the report later keeps it."""
    tender = selectors.get_tender_for_user(alice, awarded.tender.pk)
    with django_assert_num_queries(10):
        evaluation_report_view(tender)


def test_the_pdf_is_pdf_a_with_the_evaluation_attached_and_qpdf_finds_nothing_wrong(
    alice, l1, django_capture_on_commit_callbacks, tmp_path
):
    if not shutil.which("qpdf"):
        pytest.fail("needs qpdf (apt-get install -y qpdf)")
    latest = awarding.evaluation_run(user=alice, tender=l1.tender)
    document = rendered(alice, l1.tender, django_capture_on_commit_callbacks)
    assert not document.final
    reader = PdfReader(BytesIO(bytes(document.pdf)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    [(name, [content])] = reader.attachments.items()
    assert name.endswith("-snapshot.json") and content.decode() == latest.snapshot
    text = text_of(document)
    assert "DRAFT — prepared before the award's approval" in text
    assert "No award had been proposed." in text and "Not invited yet" in text
    path = tmp_path / "evaluation-report.pdf"
    path.write_bytes(bytes(document.pdf))
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


# QCBS: carol's and dave's marks of the two bids (totals 80.01 and 80; 70 and 70).
CAROL = (["33.33", "27.17", "19.51"], ["35", "25", "20"])
DAVE = (["30", "25", "15"], ["30", "20", "20"])


@pytest.fixture
def qcbs(alice, bob, departments, policy_pack, demo_catalogue):
    """A QCBS tender of department A (its pack with three criteria): two bids opened, qualified
    and marked by carol and dave, and evaluated."""
    a = departments[0]
    a.adopted_pack = pack_with_criteria(policy_pack)
    a.save(update_fields=["adopted_pack"])
    tender = _tender(alice, bob, "qcbs")
    bids = _bids(
        alice, tender, (("Quality First Ltd", "100", "60"), ("Second Best Ltd", "90", "60"))
    )
    carol, dave = committee_person("carol", a), committee_person("dave", a)
    for member in (carol, dave):
        evaluation.committee_appoint(user=alice, tender=tender, member=member)
    open_bids(alice, tender)
    for bid in bids:
        evaluation.technical_result_record(
            user=carol, bid=bid, benchmark_score=Decimal("82.5"), checklist=checklist(tender)
        )
    evaluation.marks_submit(user=carol, tender=tender, marks=marks_of(bids, *CAROL))
    evaluation.marks_submit(user=dave, tender=tender, marks=marks_of(bids, *DAVE))
    awarding.evaluation_run(user=alice, tender=tender)
    return SimpleNamespace(tender=tender, bids=bids)


def test_under_qcbs_the_report_gives_each_members_marks_and_the_scores(
    alice, qcbs, django_capture_on_commit_callbacks
):
    tender = qcbs.tender
    text = text_of(rendered(alice, tender, django_capture_on_commit_callbacks))
    for criterion in CRITERIA:
        assert criterion["name"] in text
    assert "Maximum marks" in text and "Total 100" in text
    # Each member's total and the average the evaluation used (75.005 rounds half up).
    assert "80.01" in text and "80.00" in text and "70.00" in text
    assert "75.01" in text and "75.00" in text
    assert "Technical score weighted" in text
    results = selectors.comparison_results(selectors.latest_evaluation(tender))
    assert results.evaluation_method == "qcbs"
    for bid in qcbs.bids:
        offer = results.offer(awarding.offer_id_of(bid))
        assert offer.evaluated_cost_inr is not None
        assert format_inr(offer.evaluated_cost_inr) in text
        for score in (offer.technical_score, offer.financial_score, offer.combined_score):
            assert score is not None and f"{score:.2f}" in text
    view = evaluation_report_view(tender)
    assert view.marking is not None and view.marking.members == ("carol", "dave")
    assert [(m.bidder, m.totals, m.score) for m in view.marking.lines] == [
        ("Quality First Ltd", ("80.01", "70.00"), "75.01"),
        ("Second Best Ltd", ("80.00", "70.00"), "75.00"),
    ]


def test_asking_again_returns_the_same_report_until_a_step_it_states_is_taken(alice, bob, l1):
    tender = l1.tender
    evaluated = awarding.evaluation_run(user=alice, tender=tender)
    first = tendering.evaluation_report_request(user=alice, tender=tender)
    assert tendering.evaluation_report_request(user=alice, tender=tender) == first
    assert first.comparison == evaluated and first.tender == tender and not first.final
    invitation = awarding.invitation_issue(user=alice, tender=tender)
    invited = tendering.evaluation_report_request(user=alice, tender=tender)
    assert invited != first and invited.comparison == evaluated
    # A reply makes a new evaluation: the report follows the latest.
    replied = awarding.invitation_reply(
        user=alice, invitation=invitation, accepts=True, replied_on=timezone.localdate()
    )
    report = tendering.evaluation_report_request(user=alice, tender=tender)
    assert report.comparison == replied and not report.final
    decision = awarding.award_propose(user=alice, tender=tender)
    proposed = tendering.evaluation_report_request(user=alice, tender=tender)
    assert proposed != report and not proposed.final
    services.decision_approve(user=bob, decision=decision)
    final = tendering.evaluation_report_request(user=alice, tender=tender)
    assert final.final and final.comparison == replied
    assert tendering.evaluation_report_request(user=alice, tender=tender) == final
    # The report requested before the approval states the award as it stood then.
    before = evaluation_report_view(tender, evaluation=replied, as_of=proposed.requested_at)
    assert before.decision is not None and before.decision.status == "Awaiting approval"
    after = evaluation_report_view(tender, evaluation=replied, as_of=final.requested_at)
    assert after.decision is not None and after.decision.status == "Approved"
    assert after.decision.decided_by == "bob" and after.decision.approved


def test_there_is_no_report_before_the_bids_are_evaluated(alice, l1):
    with pytest.raises(ValidationError, match="Evaluate the bids first") as caught:
        tendering.evaluation_report_request(user=alice, tender=l1.tender)
    assert caught.value.code == tendering.CONFLICT
    assert not JustificationDocument.objects.filter(kind="evaluation_report").exists()


def test_only_an_officer_of_the_tenders_department_requests_it(alice, bob, charlie, l1):
    awarding.evaluation_run(user=alice, tender=l1.tender)
    for who in (charlie, bob, l1.carol):  # another department's officer; the approver; a member
        with pytest.raises(PermissionDenied):
            tendering.evaluation_report_request(user=who, tender=l1.tender)
    assert not JustificationDocument.objects.filter(kind="evaluation_report").exists()


def test_the_checklist_follows_the_tenders_bid_security_and_integrity_pact(alice, bob, l1):
    """An EMD tender's checklist asks for the deposit, and the Integrity Pact adds an item."""
    again = services.comparison_run(
        user=alice,
        workload=l1.tender.planning_decision.comparison.workload,
        decision_date=timezone.localdate(),
    )
    emd = tendering.tender_create(
        user=alice,
        decision=approved_decision(alice, bob, again),
        values=tender_values(
            reference="DOH/IT/2026/18",
            bid_security="emd",
            emd_pct=Decimal("2"),
            integrity_pact=True,
        ),
    )
    items = dict(selectors.compliance_items(emd))
    assert items["bid_security"].startswith("Earnest money deposit of 2 % of the estimate")
    assert items["integrity_pact"] == "Integrity Pact signed"
    assert len(items) == len(selectors.compliance_items(l1.tender)) + 1


def test_the_pdfs_figures_are_the_pages(alice, bob, awarded, django_capture_on_commit_callbacks):
    """Every figure of the financial stage the tender's page shows — each bid's evaluated cost
    and nominal total, each round's reply and its date, the price paid — is in the PDF, as the
    page prints it (Indian grouping, the same dates)."""
    import html
    import re as regex

    from django.test import Client
    from django.urls import reverse

    tender = Tender.objects.get(pk=awarded.tender.pk)
    client = Client()
    client.force_login(bob)
    page = client.get(reverse("tender_detail", args=[tender.pk])).content.decode()
    section = page.split('id="financial"')[1].split("</section>")[0]
    cells = [
        " ".join(html.unescape(regex.sub(r"<[^>]+>", " ", cell)).split())
        for cell in regex.findall(r"<td[^>]*>(.*?)</td>", section, flags=regex.S)
    ]
    figures = [cell for cell in cells if "₹" in cell or regex.search(r"\d\d\.\d\d\.\d{4}", cell)]
    assert len(figures) >= 4, cells
    award = regex.search(r'data-testid="evaluation-award">(.*?)</p>', section, flags=regex.S)
    assert award is not None
    paid = regex.findall(r"₹[\d,]+\.\d\d", html.unescape(award.group(1)))
    text = text_of(rendered(alice, tender, django_capture_on_commit_callbacks))
    for figure in [*figures, *paid]:
        assert figure in text, figure
