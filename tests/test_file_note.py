"""The justification PDF as a pre-tender file note: at most six pages before its annexes, no
winner named where the mode of procurement requires bidding, nominal year-wise amounts equal to
the comparison's, the officer's particulars or "to be filled", and draft and final versions."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from procurement import engine, services
from procurement.documents import jobs
from procurement.documents.content import REASONS
from procurement.engine import codes
from procurement.models import JustificationDocument
from providers.templatetags.formatting import inr
from tests.conftest import workload_values

pytestmark = pytest.mark.django_db

ANNEX = "Annex A — Market survey and estimate"


def render(document: JustificationDocument) -> JustificationDocument:
    jobs.document_render(str(document.pk))
    document.refresh_from_db()
    assert document.status == JustificationDocument.Status.READY, document.error
    if os.environ.get("FILE_NOTE_DUMP"):  # a copy to read by eye
        with open(os.environ["FILE_NOTE_DUMP"], "wb") as out:
            out.write(bytes(document.pdf))
    return document


def requested(user, comparison, capture, language: str = "en") -> JustificationDocument:
    """The note rendered; in English by default, as these tests read its English words (the
    bilingual note, each part in Hindi then in English, is tested at the end)."""
    with capture(execute=False):
        document = services.document_request(user=user, comparison=comparison, language=language)
    return render(document)


def pages_of(document) -> list[str]:
    reader = PdfReader(BytesIO(bytes(document.pdf)))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def note_and_annexes(document) -> tuple[str, str, int]:
    """The note's text, the annexes' text and the number of pages before the annexes."""
    pages = pages_of(document)
    first = next(i for i, text in enumerate(pages) if ANNEX in text)
    return " ".join(pages[:first]), " ".join(pages[first:]), first


def results_of(comparison) -> engine.ComparisonResult:
    return engine.load_results(comparison.snapshot_document()["results"])


@pytest.fixture
def note(alice, comparison, django_capture_on_commit_callbacks):
    return requested(alice, comparison, django_capture_on_commit_callbacks)


def test_the_demo_note_is_at_most_six_pages_before_its_annexes(note):
    body, annexes, pages = note_and_annexes(note)
    assert 1 <= pages <= 6, pages
    for heading in (
        "Note for approval",
        "Background and need",
        "Scope and specification",
        "Estimated cost",
        "Budget",
        "Mode of procurement",
        "Eligibility and qualification",
        "Evaluation",
        "Commercial terms",
        "Committees proposed",
        "Approvals sought",
    ):
        assert heading in body, heading
    assert "Services not meeting the requirement, by reason" in annexes


def test_where_bidding_is_required_the_note_names_no_winner(note, comparison):
    results = results_of(comparison)
    assert results.estimated_value.amount_inr > Decimal(1_000_000)  # above GeM's L1 purchase
    body, annexes, _ = note_and_annexes(note)
    assert "No provider is proposed" in body and "two-bid system" in body
    eligible = [o for o in results.offers if o.eligible]
    assert eligible
    for offer in results.offers:
        assert offer.name not in body, offer.name
        assert offer.provider_name not in body, offer.provider_name
    for word in ("Award to", "Recommend", "recommend", "winner", "Runner-up"):
        assert word not in body, word
    for offer in eligible:  # the market survey lists them, with their published prices
        assert offer.name in annexes, offer.name


def test_the_note_states_nominal_year_wise_amounts_equal_to_the_comparisons(note, comparison):
    results = results_of(comparison)
    basis = {o.offer_id: o for o in results.offers}[results.estimated_value.basis_offer_id]
    body, _, _ = note_and_annexes(note)
    for year in basis.tco.years:
        assert f"Year {year.year} (from " in body
        assert inr(year.total_inr) in body, year
        assert inr(year.tax_inr) in body, year
    assert inr(basis.tco.nominal_total_inr) in body
    assert inr(results.estimated_value.amount_inr) in body
    assert "Suggested estimate" in body
    npv = f"worth {inr(basis.tco.npv_inr)} today"
    assert npv in body and "For evaluation only, not for sanction" in body


def test_the_notes_year_wise_amounts_are_the_pages_and_the_workbooks(
    client, alice, note, comparison
):
    """The officer reads one set of figures: the note's estimate table, the comparison page and
    the downloaded workbook (its "TCO by year" sheet) agree for the offer the estimate rests on."""
    results = results_of(comparison)
    basis = {o.offer_id: o for o in results.offers}[results.estimated_value.basis_offer_id]
    body, _, _ = note_and_annexes(note)
    client.force_login(alice)
    page = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    response = client.get(reverse("comparison_export_xlsx", args=[comparison.pk]))
    rows = list(load_workbook(BytesIO(response.content))["TCO by year"].iter_rows(values_only=True))
    sheet = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    mine = {r["Contract year"]: r for r in sheet if r["Offer"] == basis.name}
    assert basis.tco is not None
    for year in basis.tco.years:
        total = Decimal(str(mine[year.year]["Total with tax, nominal (₹)"]))
        assert total == year.total_inr
        assert inr(total) in body and inr(total) in page, year.year
    total = Decimal(str(mine["Total"]["Total with tax, nominal (₹)"]))
    assert inr(total) in body and inr(total) in page


def test_missing_particulars_are_marked_to_be_filled(note):
    body, _, _ = note_and_annexes(note)
    assert "File No. [to be filled]" in body
    assert "Head of account: [to be filled]" in body
    assert "GeMAR&PTS) ID where the service is not on GeM: [to be filled]" in body


def test_the_officers_particulars_are_shown_when_entered(
    alice, workload, comparison, django_capture_on_commit_callbacks
):
    values = workload_values(
        file_number="F.No. 12/4/2026-eHealth",
        file_subject="Helpline for scheme enquiries",
        division="eHealth Division",
        budget_head="Demand No. 46, 3601.06.101",
        budget_provision_inr=Decimal("25000000"),
        estimate_basis="Published price lists and GeM past transactions",
        estimate_prepared_by="Under Secretary (eHealth)",
        estimate_prepared_on=dt.date(2026, 11, 20),
        gem_reference="GeM category: AI inference services",
        competent_authority="Secretary",
        aaes_status="Sought in this note",
        committees="Technical evaluation committee: Director (IT), two members",
        indenter="Deputy Secretary (eHealth)",
    )
    services.workload_update(user=alice, workload=workload, values=values)
    body, _, _ = note_and_annexes(requested(alice, comparison, django_capture_on_commit_callbacks))
    for shown in (
        "File No. F.No. 12/4/2026-eHealth",
        "Division eHealth Division",
        "Helpline for scheme enquiries — procurement of an AI inference service",
        "Head of account: Demand No. 46, 3601.06.101",
        "Provision in the current year: ₹2,50,00,000",
        "Basis: Published price lists and GeM past transactions",
        "Prepared by: Under Secretary (eHealth), on 20 November 2026",
        "GeM category: AI inference services",
        "Administrative approval and expenditure sanction: Sought in this note",
        "Competent financial authority: Secretary",
        "Technical evaluation committee: Director (IT), two members",
        "Indenter: Deputy Secretary (eHealth)",
    ):
        assert shown in body, shown
    assert "File No. [to be filled]" not in body


def test_approval_issues_the_final_note_and_the_draft_reads_superseded(
    client, alice, bob, comparison, note, django_capture_on_commit_callbacks
):
    assert not note.final
    assert all("DRAFT — not for signature" in page for page in pages_of(note))
    results = results_of(comparison)
    award = results.recommendation.award
    decision = services.decision_propose(user=alice, comparison=comparison, offer_id=award.offer_id)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.decision_approve(user=bob, decision=decision)
    final = JustificationDocument.objects.get(final=True)
    # After commit: the final note's rendering job, the email to the proposer, and the
    # transparency dashboard's refresh.
    assert final.status == JustificationDocument.Status.QUEUED and len(callbacks) == 3
    assert final.requested_by == bob
    client.force_login(alice)
    draft_page = client.get(reverse("document_detail", args=[note.pk])).content.decode()
    assert "superseded" not in draft_page  # not until the final version is issued

    render(final)
    text = pages_of(final)
    assert not any("DRAFT" in page for page in text)
    body = " ".join(text)
    assert "Final version, generated after the approval by bob on" in body
    draft_page = client.get(reverse("document_detail", args=[note.pk])).content.decode()
    assert "Draft — superseded by the approved version." in draft_page
    assert reverse("document_detail", args=[final.pk]) in draft_page
    final_page = client.get(reverse("document_detail", args=[final.pk])).content.decode()
    assert "superseded" not in final_page and "Final" in final_page
    # Asking again after the approval returns the final version; the draft is never rewritten.
    again = services.document_request(user=alice, comparison=comparison)
    assert again.pk == final.pk
    note_before = bytes(note.pdf)
    note.refresh_from_db()
    assert bytes(note.pdf) == note_before


def test_within_the_gem_purchase_limit_the_note_proposes_the_catalogue_l1(
    alice, departments, policy_pack, demo_catalogue, django_capture_on_commit_callbacks
):
    small = services.workload_create(
        user=alice, values=workload_values(title="Small helpline", requests_per_day=200)
    )
    comparison = services.comparison_run(
        user=alice, workload=small, decision_date=dt.date(2026, 11, 26)
    )
    results = results_of(comparison)
    assert results.estimated_value.amount_inr <= Decimal(1_000_000)
    awarded = {o.offer_id: o for o in results.offers}[results.recommendation.award.offer_id]
    body, _, _ = note_and_annexes(requested(alice, comparison, django_capture_on_commit_callbacks))
    assert f"proposed, {awarded.name}, at {inr(awarded.tco.nominal_total_inr)}" in body
    assert "No provider is proposed" not in body


def test_every_rule_an_offer_can_fail_has_a_reason_in_words():
    assert set(REASONS) == set(codes.OFFER_RULES)


def test_the_particulars_are_workload_fields_of_the_form_and_the_api(
    client, alice, departments, demo_catalogue
):
    import json

    from tests.conftest import workload_data
    from tests.test_api_support import client_with, make_key

    api = client_with(make_key(departments[0])[1])
    body = json.loads(json.dumps(workload_data(start_date="2027-01-01"), default=str))
    body.update(
        file_number="F.No. 12/4/2026-eHealth",
        budget_provision_inr="25000000.00",
        estimate_prepared_on="2026-11-20",
    )
    created = api.post(reverse("api:workload-list"), body, format="json")
    assert created.status_code == 201, created.json()
    saved = created.json()
    assert saved["file_number"] == "F.No. 12/4/2026-eHealth"
    assert saved["budget_provision_inr"] == "25000000.00"
    assert saved["estimate_prepared_on"] == "2026-11-20" and saved["committees"] == ""
    refused = api.post(
        reverse("api:workload-list"), {**body, "budget_provision_inr": "-1.00"}, format="json"
    )
    assert refused.status_code == 400
    assert "budget_provision_inr" in json.dumps(refused.json())

    client.force_login(alice)
    form = client.get(reverse("workload_create")).content.decode()
    assert "The file note (what only the department knows)" in form
    assert 'name="gem_reference"' in form and 'name="committees"' in form


def test_the_bilingual_note_has_each_part_in_hindi_then_in_english(
    alice, comparison, django_capture_on_commit_callbacks
):
    note = requested(alice, comparison, django_capture_on_commit_callbacks, language="hi-en")
    text = " ".join(pages_of(note))
    english = text.index("Note for approval")
    assert re.search(r"[\u0900-\u097F]", text[:english]), "the Hindi part comes first"
    for heading in ("Background and need", "Estimated cost", "Approvals sought", ANNEX):
        assert heading in text, heading
    # The amounts in words, in both languages, in their parts.
    assert "In words:" in text and "rupees" in text
