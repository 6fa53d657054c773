"""Justification documents: what the PDF says, the rendering job, the pages and the public check.

These tests render in this process (the worker's code path, without the broker); the tests in
test_document_worker.py run a real Celery worker against Redis.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from procurement import services
from procurement.documents import jobs
from procurement.models import AuditEvent, JustificationDocument
from tests.conftest import broken_comparison

pytestmark = pytest.mark.django_db


def requested(user, comparison, django_capture_on_commit_callbacks) -> JustificationDocument:
    """Request a document and run the job as the worker would, in this process."""
    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request(user=user, comparison=comparison)
    jobs.document_render(str(document.pk))
    document.refresh_from_db()
    return document


@pytest.fixture
def ready_document(alice, comparison, django_capture_on_commit_callbacks):
    document = requested(alice, comparison, django_capture_on_commit_callbacks)
    assert document.status == JustificationDocument.Status.READY, document.error
    return document


def pdf_text(document) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(bytes(document.pdf))).pages]


def test_the_pdf_says_what_the_comparison_page_shows(client, alice, comparison, ready_document):
    client.force_login(alice)
    page = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    text = "\n".join(pdf_text(ready_document))
    flat = " ".join(text.split())
    award = comparison.snapshot_document()["results"]["recommendation"]["award"]
    assert award["cost_inr"] == "3504758.33"
    # The cost on the page's basis (present value) and a year's nominal total, as on the page.
    for shown in ("₹35,04,758.33", "₹10,95,700.80"):
        assert shown in page, shown
        assert shown in flat, shown
    assert (
        "Transition premium" in flat
        and "buying authority's own policy, not the Make in India order" in flat
    )
    for section in (
        "Note for approval",
        "Background and need",
        "Estimated cost",
        "Mode of procurement",
        "Evaluation",
        "Eligibility and qualification",
        "Approvals sought",
        "Annex A — Market survey and estimate",
    ):
        assert section in flat, section


def test_every_page_carries_the_fingerprint_page_number_and_demo_watermark(
    ready_document, comparison
):
    pages = pdf_text(ready_document)
    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        flat = " ".join(text.split())
        assert comparison.fingerprint in flat, number
        assert f"Page {number} / {len(pages)}" in flat, number
        assert "DEMO DATA — not for" in flat, number


def test_the_pdf_is_pdf_a_3b_with_the_snapshot_attached(ready_document, comparison):
    reader = PdfReader(BytesIO(bytes(ready_document.pdf)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    ((name, [content]),) = reader.attachments.items()
    assert name == f"comparison-{comparison.pk}-snapshot.json"
    assert content.decode() == comparison.snapshot
    assert hashlib.sha256(bytes(ready_document.pdf)).hexdigest() == ready_document.sha256


def test_qpdf_finds_nothing_wrong(ready_document, tmp_path):
    if not shutil.which("qpdf"):
        pytest.skip("needs qpdf (apt-get install -y qpdf; make test installs it as root)")
    path = tmp_path / "justification.pdf"
    path.write_bytes(bytes(ready_document.pdf))
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def test_a_second_delivery_changes_nothing(ready_document):
    again = jobs.document_render(str(ready_document.pk))
    assert again.outcome is jobs.Claim.SETTLED
    assert JustificationDocument.objects.get().sha256 == ready_document.sha256
    assert AuditEvent.objects.filter(action="document.ready").count() == 1


def test_a_rendering_error_fails_the_document_with_a_message_and_loses_nothing(
    alice, comparison, django_capture_on_commit_callbacks
):
    broken = broken_comparison(comparison, "0" * 64)
    failed = requested(alice, broken, django_capture_on_commit_callbacks)
    assert failed.status == JustificationDocument.Status.FAILED
    assert failed.error.startswith("The document could not be produced from this comparison")
    assert failed.pdf is None and failed.sha256 is None
    good = requested(alice, comparison, django_capture_on_commit_callbacks)
    assert good.status == JustificationDocument.Status.READY
    comparison.refresh_from_db()
    assert comparison.fingerprint != "0" * 64  # the good comparison untouched


def test_a_job_whose_worker_keeps_dying_stops_after_a_bounded_number_of_attempts(
    alice, comparison, django_capture_on_commit_callbacks, settings
):
    import datetime as dt

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request(user=alice, comparison=comparison)
    later = timezone.now()
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        claim = jobs.document_claim(str(document.pk), now=later)
        assert claim.outcome is jobs.Claim.CLAIMED, attempt  # the previous claim died
        later += jobs.lease() + dt.timedelta(seconds=1)
    assert jobs.document_claim(str(document.pk), now=later).outcome is jobs.Claim.SETTLED
    document.refresh_from_db()
    assert document.status == JustificationDocument.Status.FAILED
    assert f"stopped after {jobs.MAX_ATTEMPTS} attempts" in document.error


def test_a_live_claim_is_not_taken_over(alice, comparison, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request(user=alice, comparison=comparison)
    assert jobs.document_claim(str(document.pk)).outcome is jobs.Claim.CLAIMED
    busy = jobs.document_claim(str(document.pk))
    assert busy.outcome is jobs.Claim.BUSY and 0 < busy.retry_after <= jobs.lease().seconds


def test_the_request_enqueues_only_after_commit(
    alice, comparison, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.document_request(user=alice, comparison=comparison)
        assert JustificationDocument.objects.filter(pk=document.pk, status="queued").exists()
    assert len(callbacks) == 1


def test_pages_generate_show_status_and_download(
    client, alice, comparison, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("document_create", args=[comparison.pk]))
    document = JustificationDocument.objects.get()
    assert response["Location"] == reverse("document_detail", args=[document.pk])
    status = client.get(reverse("document_status", args=[document.pk])).content.decode()
    assert 'data-status="queued"' in status and 'hx-trigger="every 2s"' in status
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404

    jobs.document_render(str(document.pk))
    status = client.get(reverse("document_status", args=[document.pk])).content.decode()
    assert 'data-status="ready"' in status and "hx-trigger" not in status
    download = client.get(reverse("document_download", args=[document.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="justification-citizen-helpline-[0-9a-f]{12}\.pdf"',
        download["Content-Disposition"],
    )
    assert (
        hashlib.sha256(download.content).hexdigest() == JustificationDocument.objects.get().sha256
    )
    assert (
        "Generate justification"
        in client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    )


def test_only_the_owning_department_sees_or_downloads(client, charlie, ready_document):
    client.force_login(charlie)
    for name in ("document_detail", "document_status", "document_download"):
        assert client.get(reverse(name, args=[ready_document.pk])).status_code == 404, name
    client.logout()
    for name in ("document_detail", "document_status", "document_download"):
        response = client.get(reverse(name, args=[ready_document.pk]))
        assert response["Location"].startswith(reverse("login")), name


def test_the_public_verification_page_says_only_whether_when_and_for_whom(client, ready_document):
    html = client.get(
        reverse("document_verify") + f"?sha256={ready_document.sha256}"
    ).content.decode()
    assert "This product issued a document with this SHA-256" in html
    assert "eHealth Division" in html
    assert ready_document.comparison.fingerprint not in html and "Citizen helpline" not in html
    unknown = client.get(reverse("document_verify") + "?sha256=" + "a" * 64).content.decode()
    assert "has not issued a document with this SHA-256" in unknown
    bad = client.get(reverse("document_verify") + "?sha256=not-a-hash").content.decode()
    assert "A SHA-256 is 64 characters" in bad


def test_without_the_chart_browser_the_document_is_still_issued_and_says_why(
    alice, comparison, django_capture_on_commit_callbacks, monkeypatch
):
    from procurement.documents import charts

    def browser_missing(figures, **kwargs):
        raise FileNotFoundError("/usr/bin/chromium")

    monkeypatch.setattr(charts, "export_svgs", browser_missing)
    document = requested(alice, comparison, django_capture_on_commit_callbacks)
    assert document.status == JustificationDocument.Status.READY
    flat = " ".join(" ".join(pdf_text(document)).split())
    assert "The chart could not be drawn (FileNotFoundError: /usr/bin/chromium)" in flat
