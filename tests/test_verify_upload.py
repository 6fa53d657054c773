"""/verify/ takes the PDF itself: the server computes its SHA-256 and looks it up as it looks up
a pasted one; a file that is not a PDF, too large, or missing is refused in words."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from procurement import views
from tests.test_documents import ready_document, requested  # noqa: F401  (fixtures)


def upload(client: Client, content: bytes, name: str = "justification.pdf"):
    return client.post(
        reverse("document_verify"),
        {"check": "document", "document": SimpleUploadedFile(name, content, "application/pdf")},
    )


def test_an_issued_pdf_uploaded_is_found_with_its_department(client, ready_document):  # noqa: F811
    pdf = bytes(ready_document.pdf)
    response = upload(client, pdf)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="verified"' in html and "eHealth Division" in html
    assert hashlib.sha256(pdf).hexdigest() == ready_document.sha256
    assert f'data-testid="file-sha256">{ready_document.sha256}<' in html


def test_a_pdf_differing_by_one_byte_is_not_issued(client, ready_document):  # noqa: F811
    pdf = bytearray(ready_document.pdf)
    pdf[-2] ^= 1
    html = upload(client, bytes(pdf)).content.decode()
    assert 'data-testid="not-issued"' in html and 'data-testid="verified"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"snapshot_version": 2}', "This file is not a PDF"),
        (b"", "Choose the PDF file of the document to verify."),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_in_words(client, content, words):
    response = upload(client, content, "snapshot.json")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="file-refused"' in html and words in html
    assert "not-issued" not in html and "verified" not in html


@pytest.mark.django_db
def test_no_file_at_all_is_refused(client):
    response = client.post(reverse("document_verify"), {"check": "document"})
    assert response.status_code == 400
    assert "Choose the PDF file of the document to verify." in response.content.decode()


@pytest.mark.django_db
def test_an_oversized_file_is_refused_before_it_is_hashed(client, monkeypatch):
    monkeypatch.setattr(views, "MAX_DOCUMENT_BYTES", 1024 * 1024)
    response = upload(client, b"%PDF-1.7\n" + b"0" * 1024 * 1024)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file is larger than 1 MB" in html and "did not issue this file" in html


@pytest.mark.django_db
def test_the_upload_needs_the_pages_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post(
        reverse("document_verify"),
        {"check": "document", "document": SimpleUploadedFile("a.pdf", b"%PDF-1.7")},
    )
    assert refused.status_code == 403
    page = strict.get(reverse("document_verify"))
    token = page.cookies["csrftoken"].value
    html = page.content.decode()
    assert 'name="document"' in html and 'enctype="multipart/form-data"' in html
    accepted = strict.post(
        reverse("document_verify"),
        {
            "check": "document",
            "document": SimpleUploadedFile("a.pdf", b"%PDF-1.7"),
            "csrfmiddlewaretoken": token,
        },
    )
    assert accepted.status_code == 200 and 'data-testid="not-issued"' in accepted.content.decode()
