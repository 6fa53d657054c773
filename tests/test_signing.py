"""Signed snapshots in the product (issue 10, defect 9): every stored snapshot is signed with the
product's key, the key is published at a stable URL and in the PDF, the verification page and
the command line refuse an edited snapshot, and a missing key stops a deployment."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement import engine, services, signing
from procurement.models import Comparison, ComparisonResults
from tests.test_documents import pdf_text, requested

pytestmark = pytest.mark.django_db

STRANGER = engine.SigningKey(bytes(range(100, 132)))


def product_key() -> engine.PublicKey:
    return engine.SigningKey.from_text(settings.SNAPSHOT_SIGNING_KEY).public_key


def rehashed(snapshot: dict, **changes: object) -> dict:
    """``snapshot`` with top-level ``changes`` and the fingerprint of its new content: what
    anyone can make without the product's key."""
    edited = {**copy.deepcopy(snapshot), **changes}
    edited["fingerprint"] = engine.fingerprint(edited)
    return edited


def unsigned_copy(comparison: Comparison) -> Comparison:
    """A comparison row as those stored before signing began: the same snapshot, no signature
    (rows are insert-only, so an old row is made, not an existing one edited)."""
    snapshot = comparison.snapshot_document()
    del snapshot["signature"]
    old = Comparison.objects.create(
        department=comparison.department,
        workload=comparison.workload,
        policy_pack=comparison.policy_pack,
        decision_date=comparison.decision_date,
        snapshot=engine.canonical_json(snapshot).decode("utf-8"),
        fingerprint=comparison.fingerprint,
        engine_version=comparison.engine_version,
        offer_count=comparison.offer_count,
        eligible_count=comparison.eligible_count,
        recommended_offer_id=comparison.recommended_offer_id,
        recommended_name=comparison.recommended_name,
        recommended_total_inr=comparison.recommended_total_inr,
        mechanism=comparison.mechanism,
        uses_demo_data=comparison.uses_demo_data,
        created_by=comparison.created_by,
    )
    ComparisonResults.objects.create(
        comparison=old, json_zlib=ComparisonResults.pack(engine.canonical_json(snapshot["results"]))
    )
    return old


def verify_page(client, document: dict) -> str:
    upload = SimpleUploadedFile("snapshot.json", json.dumps(document).encode(), "application/json")
    response = client.post(reverse("document_verify"), {"snapshot": upload})
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_a_stored_snapshot_is_signed_with_the_products_key(comparison):
    snapshot = comparison.snapshot_document()
    key = product_key()
    assert snapshot["signature"] == {
        "algorithm": "Ed25519",
        "key_id": key.key_id,
        "public_key": key.text,
        "value": snapshot["signature"]["value"],
    }
    check = engine.verify_snapshot(snapshot, public_key=key)
    assert check.ok and check.signature.by_expected_key
    assert snapshot["fingerprint"] == comparison.fingerprint


def test_the_public_key_is_served_at_a_stable_url_to_anyone(client):
    response = client.get("/verify/key/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    published = response.json()
    key = product_key()
    assert published["algorithm"] == "Ed25519"
    assert (published["key_id"], published["public_key"]) == (key.key_id, key.text)
    assert published["fingerprint_sha256"] == key.fingerprint
    assert load_pem_public_key(published["public_key_pem"].encode()).public_bytes_raw() == key.raw
    assert "sovereign-inference-procurement snapshot fingerprint " in published["signs"]


def test_the_key_url_says_when_no_key_is_configured(client, settings):
    settings.SNAPSHOT_SIGNING_KEY = ""
    response = client.get(reverse("snapshot_signing_key"))
    assert response.status_code == 503
    assert response.json() == {"detail": "This product has no snapshot signing key configured."}


def test_the_verification_page_names_this_products_key(client, comparison):
    html = verify_page(client, comparison.snapshot_document())
    key = product_key()
    assert f"signed by this product's published key {key.key_id}" in html
    assert comparison.fingerprint in html
    assert key.fingerprint in html  # the key itself is listed on the page


def test_a_mutated_rehashed_snapshot_is_refused_by_the_page_and_the_command_line(
    client, comparison, tmp_path
):
    tampered = rehashed(comparison.snapshot_document(), engine_version="9.9.9")
    html = verify_page(client, tampered)
    assert "This file is not the snapshot as it was stored" in html
    assert "signature does not match" in html

    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(tampered), encoding="utf-8")
    replayed = subprocess.run(
        [sys.executable, "-m", "procurement.engine", "replay", str(path)]
        + ["--public-key", product_key().text],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert replayed.returncode == 1, replayed.stderr
    assert "replay: REFUSED: signature does not match" in replayed.stderr


def test_a_snapshot_signed_by_another_key_is_not_this_products(client, comparison):
    forged = engine.sign_snapshot(
        rehashed(comparison.snapshot_document(), engine_version="9.9.9"), STRANGER
    )
    html = verify_page(client, forged)
    assert f"signed by key {STRANGER.public_key.key_id}, which is not this product's" in html
    assert "this product did not sign it" in html


def test_an_old_unsigned_snapshot_is_reported_unsigned(client, comparison):
    old = unsigned_copy(comparison)
    html = verify_page(client, old.snapshot_document())
    assert "but it is unsigned" in html
    report = engine.replay(old.snapshot_document())
    assert report.ok and report.signature.status == engine.SignatureStatus.UNSIGNED


def test_a_file_that_is_not_a_snapshot_is_named_so(client):
    upload = SimpleUploadedFile("notes.json", b"{not json", "application/json")
    html = client.post(reverse("document_verify"), {"snapshot": upload}).content.decode()
    assert "This file is not a comparison snapshot" in html and "not readable JSON" in html
    partial = verify_page(client, {"fingerprint": "x"})
    assert "This file is not a comparison snapshot" in partial
    assert "is a required property" in partial
    empty = client.post(reverse("document_verify")).content.decode()
    assert "Choose a snapshot file" in empty


def test_the_pdf_prints_the_signing_key_and_its_fingerprint(
    alice, comparison, django_capture_on_commit_callbacks
):
    document = requested(alice, comparison, django_capture_on_commit_callbacks)
    text = "\n".join(pdf_text(document))
    joined = "".join(text.split())  # long hex strings wrap across lines
    key = product_key()
    assert key.fingerprint in joined and key.text in joined
    assert f"Signed with this product's key {key.key_id}" in " ".join(text.split())


def test_the_pdf_of_an_old_unsigned_comparison_says_so(
    alice, comparison, django_capture_on_commit_callbacks
):
    document = requested(alice, unsigned_copy(comparison), django_capture_on_commit_callbacks)
    flat = " ".join(" ".join(pdf_text(document)).split())
    assert "None: this record was stored before the product signed its records." in flat
    assert product_key().fingerprint in "".join(flat.split())


def test_without_a_key_no_comparison_is_stored(alice, workload, policy_pack, settings):
    settings.SNAPSHOT_SIGNING_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="SNAPSHOT_SIGNING_KEY is not set"):
        services.comparison_run(user=alice, workload=workload)
    assert not Comparison.objects.exists()


@pytest.mark.parametrize(
    ("debug", "key", "expected"),
    [
        (False, "", ("procurement.E001", "SNAPSHOT_SIGNING_KEY is not set")),
        (True, "", ("procurement.W001", "SNAPSHOT_SIGNING_KEY is not set")),
        (False, "AAAA", ("procurement.E002", "must be 32 bytes written in base64 (got 3 bytes)")),
        (False, "dGVzdHMtb25seSBzbmFwc2hvdCBzaWduaW5nIGtleSE=", None),
    ],
)
def test_the_system_check_names_a_missing_or_malformed_key(settings, debug, key, expected):
    settings.DEBUG, settings.SNAPSHOT_SIGNING_KEY = debug, key
    found = [(m.id, m.msg) for m in signing.check_signing_key()]
    if expected is None:
        assert found == []
    else:
        [(check_id, message)] = found
        assert check_id == expected[0] and expected[1] in message


def test_a_missing_key_in_production_fails_the_deploy_checklist(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "procure.example.gov.in",
            "DJANGO_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "(procurement.E001) SNAPSHOT_SIGNING_KEY is not set" in result.stderr
    assert "Generate one with" in result.stderr
