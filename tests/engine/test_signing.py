"""Signed snapshots (issue 10, defect 9): a fingerprint alone does not show who made a snapshot,
so the product signs it (Ed25519, RFC 8032) and replay says who signed, or that nobody did."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from procurement.engine import (
    PublicKey,
    SignatureStatus,
    SigningKey,
    build_snapshot,
    fingerprint,
    replay,
    sign_snapshot,
    snapshot_schema,
    verify_snapshot,
)
from procurement.engine.signing import check_signature, signed_message
from tests.engine.builders import DECISION, INDIA, USD, foreign_offer, offer, workload

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = SigningKey(bytes(range(32)))
STRANGER = SigningKey(bytes(range(100, 132)))
UNSIGNED = build_snapshot(workload(), [offer(), foreign_offer()], INDIA, [USD], DECISION)
SIGNED = sign_snapshot(UNSIGNED, PRODUCT)


def rehashed(snapshot: dict[str, Any], edit: Any) -> dict[str, Any]:
    """A copy of ``snapshot`` edited by ``edit`` and given the fingerprint of its new content,
    as anyone without the product's key could do."""
    changed = copy.deepcopy(snapshot)
    edit(changed)
    changed["fingerprint"] = fingerprint(changed)
    return changed


def test_rfc_8032_test_1_key_pair() -> None:
    """RFC 8032 §7.1, TEST 1: the public key of a 32-byte seed, so keys written by other tools
    (and read by them) are the same keys."""
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    assert SigningKey(seed).public_key.raw.hex() == public


def test_key_id_is_the_start_of_the_sha256_of_the_raw_public_key() -> None:
    import hashlib

    key = PRODUCT.public_key
    assert key.fingerprint == hashlib.sha256(key.raw).hexdigest()
    assert key.key_id == key.fingerprint[:16]
    assert PublicKey.from_text(key.text) == key
    assert key.pem.startswith("-----BEGIN PUBLIC KEY-----")


def test_the_signature_signs_the_fingerprint_and_leaves_it_unchanged() -> None:
    signature = SIGNED["signature"]
    assert isinstance(signature, dict)
    assert signature["algorithm"] == "Ed25519"
    assert signature["key_id"] == PRODUCT.public_key.key_id
    assert signature["public_key"] == PRODUCT.public_key.text
    assert SIGNED["fingerprint"] == UNSIGNED["fingerprint"] == fingerprint(SIGNED)
    assert signed_message(str(SIGNED["fingerprint"])).endswith(str(SIGNED["fingerprint"]).encode())
    jsonschema.Draft202012Validator(snapshot_schema()).validate(SIGNED)


def test_a_signed_snapshot_replays_and_names_its_signer() -> None:
    report = replay(json.loads(json.dumps(SIGNED)), public_key=PRODUCT.public_key)
    assert report.ok, report.problems()
    assert report.signature.status == SignatureStatus.SIGNED
    assert report.signature.sentence() == (
        f"signed by key {PRODUCT.public_key.key_id}, the expected key"
    )


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda s: s.update(engine_version="9.9.9"), id="engine-version"),
        pytest.param(
            lambda s: s["inputs"]["fx_rates"][0].update(rate_to_inr="91.0870"),
            id="decimal-spelling",
        ),
    ],
)
def test_a_mutated_rehashed_snapshot_is_refused(edit: Any) -> None:
    """The edits of the review: each changes no result, so fingerprint and results agree; only
    the signature shows that the product did not make this file."""
    tampered = rehashed(SIGNED, edit)
    report = replay(tampered)
    assert report.fingerprint_matches and report.results_match
    assert not report.ok
    assert report.signature.status == SignatureStatus.DOES_NOT_MATCH
    assert report.problems() == [report.signature.sentence()]
    assert report.problems()[0].startswith("signature does not match: key ")
    assert not verify_snapshot(tampered).ok


def test_a_snapshot_resigned_by_another_key_names_that_key() -> None:
    forged = sign_snapshot(rehashed(SIGNED, lambda s: s.update(engine_version="9.9.9")), STRANGER)
    alone = replay(forged)
    assert alone.ok and alone.signature.key_id == STRANGER.public_key.key_id
    required = verify_snapshot(forged, public_key=PRODUCT.public_key)
    assert not required.ok
    assert required.problems() == [
        f"signed by key {STRANGER.public_key.key_id}, not by the expected key "
        f"{PRODUCT.public_key.key_id}"
    ]


def test_an_unsigned_snapshot_still_replays_reported_unsigned() -> None:
    report = replay(json.loads(json.dumps(UNSIGNED)))
    assert report.ok, report.problems()
    assert report.signature.status == SignatureStatus.UNSIGNED
    assert report.signature.sentence().startswith("unsigned")
    required = verify_snapshot(UNSIGNED, public_key=PRODUCT.public_key)
    assert not required.ok and required.problems()[0].startswith("unsigned")


@pytest.mark.parametrize(
    ("signature", "detail"),
    [
        ({"value": "not base64!"}, "the signature value is not base64 text"),
        ({"value": "AAAA"}, "the signature value must be 64 bytes"),
        ({"public_key": "AAAA"}, "the public key must be 32 bytes"),
        ({"key_id": "0000000000000000"}, "it names key 0000000000000000 but carries"),
        ({"algorithm": "RSA"}, "the algorithm is 'RSA', not Ed25519"),
    ],
)
def test_a_malformed_signature_does_not_match(signature: dict[str, str], detail: str) -> None:
    check = check_signature(
        {**SIGNED["signature"], **signature},
        str(SIGNED["fingerprint"]),
    )
    assert check.status == SignatureStatus.DOES_NOT_MATCH
    assert check.sentence().startswith("signature does not match: " + detail)


def test_signing_refuses_a_snapshot_whose_fingerprint_is_wrong() -> None:
    broken = copy.deepcopy(UNSIGNED)
    broken["engine_version"] = "9.9.9"
    with pytest.raises(ValueError, match="does not match its content"):
        sign_snapshot(broken, PRODUCT)


def test_a_null_signature_is_not_a_snapshot() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(snapshot_schema()).validate({**UNSIGNED, "signature": None})


def _replay_cli(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    return subprocess.run(
        [sys.executable, "-m", "procurement.engine", "replay", str(path), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_line_exit_codes_for_signatures(tmp_path: Path) -> None:
    files = {
        "signed": SIGNED,
        "unsigned": UNSIGNED,
        "tampered": rehashed(SIGNED, lambda s: s.update(engine_version="9.9.9")),
    }
    for name, document in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")
    key = PRODUCT.public_key

    signed = _replay_cli(tmp_path / "signed.json", "--public-key", key.text)
    assert signed.returncode == 0, signed.stderr
    assert f"signed by key {key.key_id}, the expected key" in signed.stderr

    unsigned = _replay_cli(tmp_path / "unsigned.json")
    assert unsigned.returncode == 0, unsigned.stderr
    assert "replay: OK" in unsigned.stderr and "unsigned" in unsigned.stderr
    assert _replay_cli(tmp_path / "unsigned.json", "--public-key", key.text).returncode == 1

    tampered = _replay_cli(tmp_path / "tampered.json")
    assert tampered.returncode == 1
    assert "replay: REFUSED: signature does not match" in tampered.stderr

    bad_key = _replay_cli(tmp_path / "signed.json", "--public-key", "not-a-key")
    assert bad_key.returncode == 2
    assert "--public-key: the public key is not base64" in bad_key.stderr
