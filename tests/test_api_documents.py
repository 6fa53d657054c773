"""Justification documents through the API: request (202), status, download; and end to end
with a real Celery worker, from a new workload to a PDF whose fingerprint is the comparison's."""

from __future__ import annotations

import hashlib
import json
import time
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from procurement.documents import jobs
from procurement.models import Comparison, JustificationDocument
from procurement.roles import APPROVER, OFFICER
from tests.conftest import workload_data
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(departments):
    return client_with(make_key(departments[0], (OFFICER,), "HMIS")[1])


def request_document(client, comparison_id: int):
    return client.post(reverse("api:comparison-documents", args=[comparison_id]), {}, format="json")


def test_a_request_is_a_202_with_a_status_url_and_the_pdf_follows_when_ready(
    officer, comparison, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = request_document(officer, comparison.pk)
    assert response.status_code == 202 and len(enqueued) == 1
    body = response.json()
    assert body["status"] == "queued" and body["download_url"] is None
    assert response["Location"] == body["status_url"]
    assert body["fingerprint"] == comparison.fingerprint
    pdf_url = reverse("api:document-pdf", args=[body["id"]])
    not_ready = officer.get(pdf_url)
    assert not_ready.status_code == 409
    assert not_ready.json() == {"detail": "The document is not ready: it is queued."}

    jobs.document_render(body["id"])  # what the worker does

    status = officer.get(body["status_url"]).json()
    assert status["status"] == "ready" and status["download_url"].endswith(pdf_url)
    pdf = officer.get(pdf_url, HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == status["sha256"] == pdf["X-Content-SHA256"]


def test_only_officers_request_documents(departments, comparison):
    approver = client_with(make_key(departments[0], (APPROVER,), "Desk")[1])
    assert request_document(approver, comparison.pk).status_code == 403
    assert not JustificationDocument.objects.exists()


def test_a_request_with_a_body_is_refused(officer, comparison):
    response = officer.post(
        reverse("api:comparison-documents", args=[comparison.pk]), {"language": "hi"}, format="json"
    )
    assert response.status_code == 400 and "language" in response.json()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_end_to_end_from_a_new_workload_to_a_pdf_with_the_comparisons_fingerprint(
    departments, alice, policy_pack, demo_catalogue
):
    from tests.test_document_worker import Worker

    client = client_with(make_key(departments[0], (OFFICER,), "HMIS")[1])
    body = json.loads(json.dumps(workload_data(), default=str))
    workload = client.post(reverse("api:workload-list"), body, format="json")
    assert workload.status_code == 201, workload.content
    compared = client.post(
        reverse("api:comparison-list"),
        {"workload": workload.json()["id"], "decision_date": "2026-11-26"},
        format="json",
    )
    assert compared.status_code == 201, compared.content
    comparison = compared.json()
    assert comparison["results"]["recommendation"]["award"]["offer_id"]

    worker = Worker()
    try:
        queued = request_document(client, comparison["id"])
        assert queued.status_code == 202
        deadline, status = time.monotonic() + 120, queued.json()
        while status["status"] in ("queued", "rendering") and time.monotonic() < deadline:
            time.sleep(0.5)
            status = client.get(queued["Location"]).json()
    finally:
        worker.stop()
    assert status["status"] == "ready", status
    pdf = client.get(status["download_url"])
    reader = PdfReader(BytesIO(pdf.content))
    assert all(
        comparison["fingerprint"] in " ".join(p.extract_text().split()) for p in reader.pages
    )
    (snapshot,) = reader.attachments.values()
    assert json.loads(snapshot[0])["fingerprint"] == comparison["fingerprint"]
    assert Comparison.objects.get(pk=comparison["id"]).fingerprint == comparison["fingerprint"]
