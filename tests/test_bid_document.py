"""A tender's bid document: requested by an officer of the tender's department, rendered by the
file note's worker from the tender and its planning comparison's snapshot, an archival PDF that
states the notice, the benchmark, the price schedule and the forms bidders return."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from procurement import selectors, services, tendering
from procurement.documents import jobs
from procurement.engine.numbers import format_count
from procurement.models import AuditEvent, JustificationDocument
from tests.tenders import approved_decision, tender_values

pytestmark = pytest.mark.django_db

SECTIONS = (
    "1. Notice inviting tender",
    "2. Instructions to bidders",
    "3. Qualification criteria",
    "4. Scope of work and specification",
    "5. Technical evaluation: the buyer's benchmark",
    "6. Price schedule",
    "7. Conditions of contract",
    "8. Data protection and security",
    "9. Service levels",
    "10. Model lifecycle",
    "11. Exit and transition",
    "12. Forms",
)


@pytest.fixture
def decision(alice, bob, comparison):
    return approved_decision(alice, bob, comparison)


def rendered(user, tender, django_capture_on_commit_callbacks) -> JustificationDocument:
    """Request the bid document and run the job as the worker would, in this process."""
    with django_capture_on_commit_callbacks(execute=False):
        document = tendering.bid_document_request(user=user, tender=tender)
    jobs.document_render(str(document.pk))
    document.refresh_from_db()
    assert document.status == JustificationDocument.Status.READY, document.error
    return document


def text_of(document: JustificationDocument) -> str:
    pages = PdfReader(BytesIO(bytes(document.pdf))).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def test_the_bid_document_states_the_tender_section_by_section(
    alice, decision, django_capture_on_commit_callbacks
):
    values = tender_values(price_basis="per_request", pass_mark=Decimal("72.5"))
    tender = tendering.tender_create(user=alice, decision=decision, values=values)
    document = rendered(alice, tender, django_capture_on_commit_callbacks)
    text = text_of(document)
    for heading in SECTIONS:
        assert heading in text, heading
    deadline = timezone.localtime(values.bid_deadline)
    assert f"{deadline:%d.%m.%Y}, {deadline:%H:%M} hours (IST)" in text
    assert "scores at least 72.5 out of 100" in text
    assert "400 helpdesk questions in Hindi and English." in text
    assert "rupees per 1,000 requests of the reference workload" in text
    # The stated quantities are the requests the comparison's estimate counts, year by year.
    results = selectors.comparison_results(decision.comparison)
    years = next(offer.tco.years for offer in results.offers if offer.tco is not None)
    for year in years:
        assert f"Year {year.year} {format_count(year.requests)} " in text, year.year
    assert "A bid-securing declaration (the form in section 12) in place of earnest money" in text
    assert "Bid-securing declaration" in text
    assert (
        "Micro and small enterprises registered on Udyam, and startups recognised by DPIIT, "
        "are exempt from the bid security" in text
    )
    assert "exempt from the criteria of prior turnover and prior experience" in text
    assert "Manual for Procurement of Non-Consultancy Services 2025, para 5.1.7" in text
    assert "Local content certificate" in text and "Location(s) where the local value" in text
    assert "para 9(a): self-certification of local content" in text
    assert "whose evaluated price is within 20 % of L1" in text
    # Demo data is marked; no provider of the market survey is named (GFR Rule 144).
    assert "DEMO DATA — not for" in text
    survey = {o.name for o in selectors.comparison_inputs(decision.comparison).offers}
    assert not [name for name in survey if name in text]
    event = AuditEvent.objects.get(action="document.requested", object_id=str(document.pk))
    assert event.summary == f"Requested the bid document of tender {tender.reference}"


def test_emd_and_a_reference_tokeniser_are_stated_with_the_amount_in_lakh(
    alice, decision, django_capture_on_commit_callbacks
):
    values = tender_values(
        price_basis="reference_tokeniser",
        reference_tokeniser="the tiktoken o200k_base encoding",
        bid_security="emd",
        emd_pct=Decimal("2"),
        integrity_pact=True,
    )
    tender = tendering.tender_create(user=alice, decision=decision, values=values)
    text = text_of(rendered(alice, tender, django_capture_on_commit_callbacks))
    assert "counted by the reference tokeniser the tiktoken o200k_base encoding" in text
    assert "Earnest money deposit of 2 % of the estimated value" in text
    assert " lakh)" in text
    assert "Bid-securing declaration" not in text
    assert "The bidder signs the Integrity Pact" in text


def test_the_pdf_is_pdf_a_and_qpdf_finds_nothing_wrong(
    alice, decision, django_capture_on_commit_callbacks, tmp_path
):
    if not shutil.which("qpdf"):
        pytest.fail("needs qpdf (apt-get install -y qpdf)")
    tender = tendering.tender_create(user=alice, decision=decision, values=tender_values())
    document = rendered(alice, tender, django_capture_on_commit_callbacks)
    reader = PdfReader(BytesIO(bytes(document.pdf)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert not reader.attachments  # the market survey stays with the file note
    path = tmp_path / "bid-document.pdf"
    path.write_bytes(bytes(document.pdf))
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def test_asking_again_returns_the_same_document(alice, decision):
    tender = tendering.tender_create(user=alice, decision=decision, values=tender_values())
    first = tendering.bid_document_request(user=alice, tender=tender)
    assert tendering.bid_document_request(user=alice, tender=tender) == first
    assert first.kind == "bid_document" and first.final
    assert first.comparison == decision.comparison


def test_only_an_officer_of_the_tenders_department_requests_it(alice, bob, charlie, decision):
    tender = tendering.tender_create(user=alice, decision=decision, values=tender_values())
    for who in (charlie, bob):  # an officer of department B; an approver of A
        with pytest.raises(PermissionDenied):
            tendering.bid_document_request(user=who, tender=tender)
    assert not JustificationDocument.objects.filter(kind="bid_document").exists()


def test_the_file_note_of_the_same_comparison_is_unchanged_beside_it(
    client, alice, decision, django_capture_on_commit_callbacks
):
    tender = tendering.tender_create(user=alice, decision=decision, values=tender_values())
    bid_document = rendered(alice, tender, django_capture_on_commit_callbacks)
    # The approval queued the final file note; asking for it returns that one, not the bid document.
    note = services.document_request(user=alice, comparison=decision.comparison)
    assert note.kind == "file_note" and note.pk != bid_document.pk
    jobs.document_render(str(note.pk))
    note.refresh_from_db()
    text = text_of(note)
    assert "Note for approval" in text and "Annex A — Market survey and estimate" in text
    assert "Bid document" not in text
    client.force_login(alice)
    page = client.get(reverse("comparison_detail", args=[decision.comparison.pk])).content.decode()
    assert reverse("document_detail", args=[note.pk]) in page
    assert reverse("document_detail", args=[bid_document.pk]) not in page


def test_the_pages_call_it_a_bid_document_and_verify_it(
    client, alice, charlie, decision, django_capture_on_commit_callbacks
):
    tender = tendering.tender_create(user=alice, decision=decision, values=tender_values())
    document = rendered(alice, tender, django_capture_on_commit_callbacks)
    client.force_login(alice)
    page = client.get(reverse("document_detail", args=[document.pk])).content.decode()
    assert f"Bid document of tender {tender.reference}" in page
    assert "File note" not in page and "superseded" not in page
    download = client.get(reverse("document_download", args=[document.pk]))
    assert download.status_code == 200 and bytes(download.content) == bytes(document.pdf)
    assert 'filename="bid-document-' in download["Content-Disposition"]
    api = client.get(reverse("api:document-detail", args=[document.pk])).json()
    assert api["kind"] == "bid_document" and api["tender"] == tender.pk
    client.logout()
    verified = client.get(reverse("document_verify"), {"sha256": document.sha256})
    assert 'data-testid="verified"' in verified.content.decode()
    client.force_login(charlie)
    assert client.get(reverse("document_detail", args=[document.pk])).status_code == 404


def test_a_qcbs_bid_document_states_the_criteria_the_committee_marks(
    alice, bob, departments, policy_pack, demo_catalogue, django_capture_on_commit_callbacks
):
    """GFR 2017 Rule 173 and the consultancy manual para 4.2.2: the request states the criteria,
    their marks, the minimum qualifying score and the weights before the bids come in."""
    from tests.conftest import workload_values
    from tests.tenders import CRITERIA, pack_with_criteria

    department = departments[0]
    department.adopted_pack = pack_with_criteria(policy_pack)
    department.save(update_fields=["adopted_pack"])
    work = services.workload_create(user=alice, values=workload_values(evaluation_method="qcbs"))
    comparison = services.comparison_run(
        user=alice, workload=work, decision_date=timezone.localdate()
    )
    tender = tendering.tender_create(
        user=alice, decision=approved_decision(alice, bob, comparison), values=tender_values()
    )
    text = text_of(rendered(alice, tender, django_capture_on_commit_callbacks))
    assert "Quality and cost based selection" in text
    for criterion in CRITERIA:
        assert criterion["name"] in text
    assert "Most marks" in text
