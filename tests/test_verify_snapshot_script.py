"""scripts/verify_snapshot.py, the standalone verifier docs/api.md offers to anyone without the
product's source, agrees with the product's own check (``engine.verify_snapshot``, the /verify/
page) on a stored snapshot and on every kind of forgery."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from procurement import engine

pytestmark = pytest.mark.django_db

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "verify_snapshot.py"
OTHER_KEY = engine.SigningKey(b"\x07" * 32)


def product_key() -> engine.PublicKey:
    return engine.SigningKey.from_text(settings.SNAPSHOT_SIGNING_KEY).public_key


def run_script(tmp_path: Path, snapshot: dict, key: engine.PublicKey | None) -> int:
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
    command = [sys.executable, str(SCRIPT), str(path)]
    if key is not None:
        command += ["--public-key", key.text]
    # Without the repository on the path: the script needs only the standard library and
    # cryptography.
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode


def product_says_ok(snapshot: dict, key: engine.PublicKey | None) -> bool:
    return engine.verify_snapshot(snapshot, public_key=key).ok


def variants(snapshot: dict) -> dict[str, dict]:
    """The stored snapshot, and forgeries anyone can make without the product's key."""
    edited = {**snapshot, "engine_version": "9.9.9"}
    rehashed = {**edited, "fingerprint": engine.fingerprint(edited)}
    unsigned = {k: v for k, v in snapshot.items() if k != "signature"}
    resigned = engine.sign_snapshot(rehashed, OTHER_KEY)
    bad_value = {
        **snapshot,
        "signature": {**snapshot["signature"], "value": base64.b64encode(b"\0" * 64).decode()},
    }
    return {
        "stored": snapshot,
        "edited, old fingerprint": edited,
        "edited, fingerprint recomputed": rehashed,
        "signature removed": unsigned,
        "signed again by another key": resigned,
        "signature value replaced": bad_value,
    }


def test_the_standalone_verifier_agrees_with_the_product(tmp_path, comparison):
    snapshot = json.loads(comparison.snapshot)
    verdicts = {}
    for name, document in variants(snapshot).items():
        for key in (None, product_key()):
            ours = product_says_ok(document, key)
            theirs = run_script(tmp_path, document, key) == 0
            assert theirs == ours, (name, key is not None)
            verdicts[(name, key is not None)] = ours
    assert verdicts[("stored", True)] and verdicts[("stored", False)]
    assert verdicts[("signature removed", False)] and not verdicts[("signature removed", True)]
    assert verdicts[("signed again by another key", False)]
    assert not verdicts[("signed again by another key", True)]
    forged = (
        "edited, old fingerprint",
        "edited, fingerprint recomputed",
        "signature value replaced",
    )
    assert not any(verdicts[(name, key)] for name in forged for key in (False, True))
