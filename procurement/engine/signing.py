"""Ed25519 signatures on snapshot fingerprints: who vouches for a snapshot, not only what it says.

A fingerprint alone proves nothing about who made a snapshot: anyone who edits one and hashes it
again gets a consistent file. The product therefore signs each fingerprint with its own Ed25519
key (RFC 8032). The signed message is the ASCII text :data:`SIGNED_PREFIX` followed by the 64 hex
digits of the fingerprint; the prefix keeps a snapshot signature from ever being mistaken for a
signature on anything else the same key might sign.

Keys travel as base64 (standard alphabet, with padding) of their raw bytes: 32 for a private key
(the RFC 8032 seed) or a public key, 64 for a signature. A key is named by its id, the first 16
hex digits of the SHA-256 of the raw public key; its fingerprint is the whole SHA-256.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALGORITHM: Literal["Ed25519"] = "Ed25519"
SIGNED_PREFIX = b"sovereign-inference-procurement snapshot fingerprint "
# What an audit checkpoint signs: this prefix, then the checkpoint's canonical JSON statement.
# A different prefix from snapshots', so neither signature can pass for the other.
CHECKPOINT_PREFIX = b"sovereign-inference-procurement audit checkpoint "
KEY_BYTES = 32
SIGNATURE_BYTES = 64
KEY_ID_HEX_DIGITS = 16


@dataclass(frozen=True, slots=True)
class SnapshotSignature:
    """Who signed the snapshot's fingerprint, and the signature: Ed25519 over the ASCII text
    "sovereign-inference-procurement snapshot fingerprint " followed by the fingerprint's 64 hex
    digits. public_key: the signer's raw 32-byte public key in base64; key_id: the first 16 hex
    digits of its SHA-256; value: the 64-byte signature in base64. Absent from unsigned
    snapshots."""

    algorithm: Literal["Ed25519"]
    key_id: str
    public_key: str
    value: str


def _decode(text: str, size: int, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not base64 text") from None
    if len(raw) != size:
        raise ValueError(f"{what} must be {size} bytes written in base64 (got {len(raw)} bytes)")
    return raw


def _encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def signed_message(fingerprint: str) -> bytes:
    """The exact bytes a snapshot signature signs."""
    return SIGNED_PREFIX + fingerprint.encode("ascii")


@dataclass(frozen=True, slots=True)
class PublicKey:
    """An Ed25519 public key (its 32 raw bytes)."""

    raw: bytes

    @classmethod
    def from_text(cls, text: str) -> PublicKey:
        """The key written as base64 of its 32 raw bytes; ``ValueError`` naming the problem."""
        return cls(_decode(text, KEY_BYTES, "the public key"))

    @property
    def text(self) -> str:
        """Base64 of the raw key, as published and as carried in a snapshot's signature."""
        return _encode(self.raw)

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of the raw key."""
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def key_id(self) -> str:
        """The short name of the key: the first 16 hex digits of its fingerprint."""
        return self.fingerprint[:KEY_ID_HEX_DIGITS]

    @property
    def pem(self) -> str:
        """The key as a PEM "PUBLIC KEY" block (SubjectPublicKeyInfo), for other tools."""
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")


class SigningKey:
    """An Ed25519 private key that signs snapshot fingerprints."""

    __slots__ = ("_private", "public_key")

    def __init__(self, seed: bytes) -> None:
        if len(seed) != KEY_BYTES:
            raise ValueError(f"a signing key is {KEY_BYTES} bytes (got {len(seed)})")
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        self.public_key = PublicKey(
            self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        )

    @classmethod
    def from_text(cls, text: str) -> SigningKey:
        """The key written as base64 of its 32 raw bytes; ``ValueError`` naming the problem."""
        return cls(_decode(text, KEY_BYTES, "the signing key"))

    def __repr__(self) -> str:
        return f"SigningKey(key_id={self.public_key.key_id!r})"

    def sign(self, fingerprint: str) -> SnapshotSignature:
        """The signature of a snapshot with this fingerprint."""
        return SnapshotSignature(
            algorithm=ALGORITHM,
            key_id=self.public_key.key_id,
            public_key=self.public_key.text,
            value=_encode(self._private.sign(signed_message(fingerprint))),
        )

    def sign_checkpoint(self, statement: str) -> str:
        """The signature (base64) of an audit checkpoint's statement text."""
        return _encode(self._private.sign(CHECKPOINT_PREFIX + statement.encode("utf-8")))


def checkpoint_signature_matches(public_key: PublicKey, statement: str, value: str) -> bool:
    """Whether ``value`` (base64) is ``public_key``'s signature of a checkpoint's statement
    text. Never raises: a malformed signature does not match."""
    try:
        raw = _decode(value, SIGNATURE_BYTES, "the signature value")
        Ed25519PublicKey.from_public_bytes(public_key.raw).verify(
            raw, CHECKPOINT_PREFIX + statement.encode("utf-8")
        )
    except (InvalidSignature, ValueError):
        return False
    return True


class SignatureStatus(StrEnum):
    UNSIGNED = "unsigned"
    SIGNED = "signed"
    DOES_NOT_MATCH = "signature does not match"


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """What the signature of a snapshot says.

    ``key_id`` names the key the signature was checked with (computed from the public key it
    carries, not taken from its ``key_id`` field); ``expected_key_id`` the key the caller
    required, if any. ``acceptable`` is false when the signature does not match, or when a key
    was required and the snapshot is not signed by it.
    """

    status: SignatureStatus
    key_id: str | None = None
    expected_key_id: str | None = None
    detail: str = ""

    @property
    def by_expected_key(self) -> bool:
        return (
            self.status == SignatureStatus.SIGNED
            and self.expected_key_id is not None
            and self.key_id == self.expected_key_id
        )

    @property
    def acceptable(self) -> bool:
        if self.status == SignatureStatus.DOES_NOT_MATCH:
            return False
        return self.expected_key_id is None or self.by_expected_key

    def sentence(self) -> str:
        """One sentence: who signed, or why the signature is refused."""
        if self.status == SignatureStatus.DOES_NOT_MATCH:
            return f"signature does not match: {self.detail}"
        if self.status == SignatureStatus.UNSIGNED:
            if self.expected_key_id is not None:
                return (
                    f"unsigned: the snapshot carries no signature, and one by key "
                    f"{self.expected_key_id} is required"
                )
            return "unsigned: the snapshot carries no signature"
        if self.expected_key_id is None:
            return f"signed by key {self.key_id}"
        if self.by_expected_key:
            return f"signed by key {self.key_id}, the expected key"
        return f"signed by key {self.key_id}, not by the expected key {self.expected_key_id}"


def check_signature(
    signature: object, fingerprint: str, expected: PublicKey | None = None
) -> SignatureCheck:
    """Check a snapshot's ``signature`` member (``None`` when it has none) against the
    fingerprint of its content. Never raises: a malformed signature does not match."""
    expected_id = expected.key_id if expected else None
    if signature is None:
        return SignatureCheck(SignatureStatus.UNSIGNED, expected_key_id=expected_id)

    def refused(detail: str, key_id: str | None = None) -> SignatureCheck:
        return SignatureCheck(SignatureStatus.DOES_NOT_MATCH, key_id, expected_id, detail)

    if not isinstance(signature, Mapping):
        return refused("the signature is not an object")
    fields = {name: signature.get(name) for name in ("algorithm", "key_id", "public_key", "value")}
    if not all(isinstance(value, str) for value in fields.values()):
        return refused("the signature needs algorithm, key_id, public_key and value, as text")
    if fields["algorithm"] != ALGORITHM:
        return refused(f"the algorithm is {fields['algorithm']!r}, not {ALGORITHM}")
    try:
        public_key = PublicKey.from_text(str(fields["public_key"]))
        value = _decode(str(fields["value"]), SIGNATURE_BYTES, "the signature value")
    except ValueError as error:
        return refused(str(error))
    if fields["key_id"] != public_key.key_id:
        return refused(
            f"it names key {fields['key_id']} but carries the public key of key "
            f"{public_key.key_id}",
            public_key.key_id,
        )
    try:
        Ed25519PublicKey.from_public_bytes(public_key.raw).verify(
            value, signed_message(fingerprint)
        )
    except (InvalidSignature, ValueError):
        return refused(
            f"key {public_key.key_id} did not sign fingerprint {fingerprint}: the snapshot was "
            "changed after it was signed",
            public_key.key_id,
        )
    return SignatureCheck(SignatureStatus.SIGNED, public_key.key_id, expected_id)
