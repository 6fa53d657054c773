"""The product's snapshot signing key, and checking a snapshot file against it.

The key comes from ``settings.SNAPSHOT_SIGNING_KEY`` (base64 of a 32-byte Ed25519 private key;
config/settings.py says how to make one). It signs every snapshot the product stores
(``services.comparison_run``); its public key is published at ``/verify/key/`` and printed in
every justification PDF. A snapshot is never stored unsigned: without a usable key,
:func:`signing_key` raises, and the system check below reports the problem before a deployment
goes live (an error with DEBUG off, a warning with it on).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from procurement import engine, labels

GENERATE = (
    "python -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())'"
)
MISSING = (
    "SNAPSHOT_SIGNING_KEY is not set: the product signs every comparison snapshot it stores, "
    "so it cannot store a comparison without it."
)
HINT = (
    f"Generate one with: {GENERATE}, keep it secret and keep it (every process of the "
    "product needs the same key); for local development `make run` writes one to "
    "var/local.env."
)
# A snapshot of a 200-offer catalogue is about 0.6 MB; the verification page takes up to this.
MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024


@cache
def _key_from_text(text: str) -> engine.SigningKey:
    return engine.SigningKey.from_text(text)


def signing_key() -> engine.SigningKey:
    """The product's signing key; ``ImproperlyConfigured`` saying what is wrong with it."""
    text = settings.SNAPSHOT_SIGNING_KEY
    if not text:
        raise ImproperlyConfigured(f"{MISSING} {HINT}")
    try:
        return _key_from_text(text)
    except ValueError as error:
        raise ImproperlyConfigured(f"SNAPSHOT_SIGNING_KEY: {error}. {HINT}") from None


def published_key() -> engine.PublicKey | None:
    """The product's public key, or None when no usable signing key is configured."""
    try:
        return signing_key().public_key
    except ImproperlyConfigured:
        return None


@dataclass(frozen=True)
class StoredSignature:
    """A stored snapshot's signature as the justification PDF prints it: the check against
    the snapshot's content and the product's key today, the signer's public key, and the
    product's published key."""

    check: engine.SignatureCheck
    signer: engine.PublicKey | None
    product_key: engine.PublicKey | None

    @property
    def by_this_product(self) -> bool:
        return self.check.by_expected_key


def stored_signature(snapshot: Mapping[str, Any]) -> StoredSignature:
    """Check a stored snapshot's signature (comparisons stored before signing have none)."""
    product_key = published_key()
    signature = snapshot.get("signature")
    check = engine.check_signature(signature, engine.fingerprint(snapshot), product_key)
    signer = (
        engine.PublicKey.from_text(signature["public_key"])
        if check.status == engine.SignatureStatus.SIGNED and isinstance(signature, Mapping)
        else None
    )
    return StoredSignature(check, signer, product_key)


def published_key_document() -> dict[str, str] | None:
    """What ``/verify/key/`` publishes: the public key in two spellings, its fingerprint and id,
    and what exactly it signs; None when no usable key is configured."""
    key = published_key()
    if key is None:
        return None
    return {
        "algorithm": "Ed25519",
        "key_id": key.key_id,
        "fingerprint_sha256": key.fingerprint,
        "public_key": key.text,
        "public_key_pem": key.pem,
        "signs": "the fingerprint of every comparison snapshot this product stores: the "
        f"signed message is the ASCII text {engine.SIGNED_PREFIX.decode('ascii')!r} followed "
        "by the fingerprint's 64 hex digits",
    }


def check_signing_key(**kwargs: Any) -> list[checks.CheckMessage]:
    """System check: a usable signing key is set (an error without one when DEBUG is off)."""
    text = settings.SNAPSHOT_SIGNING_KEY
    if not text:
        if settings.DEBUG:
            return [checks.Warning(MISSING, hint=HINT, id="procurement.W001")]
        return [checks.Error(MISSING, hint=HINT, id="procurement.E001")]
    try:
        _key_from_text(text)
    except ValueError as error:
        return [
            checks.Error(
                f"SNAPSHOT_SIGNING_KEY is not a usable key: {error}.",
                hint=HINT,
                id="procurement.E002",
            )
        ]
    return []


@dataclass(frozen=True)
class SnapshotVerdict:
    """What the verification page says about an uploaded snapshot file.

    ``unreadable`` lists why the file is not a snapshot (then ``check`` is None); otherwise
    ``check`` holds the fingerprint and signature checks, and ``outcome`` sums them up against
    this product's published key (``product_key``).
    """

    unreadable: tuple[str, ...]
    check: engine.SnapshotCheck | None
    product_key: engine.PublicKey | None

    @property
    def outcome(self) -> str:
        """``unreadable``, ``refused`` (fingerprint or signature does not match),
        ``this_product``, ``other_key`` (a matching signature by another key) or ``unsigned``."""
        if self.check is None:
            return "unreadable"
        if not self.check.ok:
            return "refused"
        signature = self.check.signature
        if signature.status == engine.SignatureStatus.UNSIGNED:
            return "unsigned"
        if self.product_key is not None and signature.key_id == self.product_key.key_id:
            return "this_product"
        return "other_key"


def snapshot_file_verify(content: bytes) -> SnapshotVerdict:
    """Check a snapshot file's fingerprint and signature (without recomputing its results)."""
    product_key = published_key()
    if len(content) > MAX_SNAPSHOT_BYTES:
        too_large = _(
            "The file is larger than %(mb)s MB; a snapshot of the whole catalogue is far smaller."
        ) % {"mb": MAX_SNAPSHOT_BYTES // (1024 * 1024)}
        return SnapshotVerdict((too_large,), None, product_key)
    with labels.engine_in_reader_language():
        try:
            document = engine.load_json(content, path="file")
        except engine.EngineValidationError as error:
            reason = "; ".join(message for _path, message in error.as_pairs())
            unreadable = _("The file is not readable JSON (%(reason)s).") % {"reason": reason}
            return SnapshotVerdict((unreadable,), None, product_key)
        if not isinstance(document, dict):
            return SnapshotVerdict((_("The file is JSON but not a snapshot."),), None, product_key)
        try:
            return SnapshotVerdict((), engine.verify_snapshot(document), product_key)
        except engine.EngineValidationError as error:
            problems = tuple(f"{path}: {message}" for path, message in error.as_pairs()[:5])
            return SnapshotVerdict(problems, None, product_key)
        except TypeError:
            # A number where the snapshot has none.
            problem = _("The file is not a snapshot this page can check.")
            return SnapshotVerdict((problem,), None, product_key)
