"""The cryptography of tip-offs: sealed boxes (PyNaCl / libsodium), receipts and key wrapping. No database here.

    - Report content and attachments are sealed (X25519 + XSalsa20-Poly1305 sealed boxes) to the handling office's
      public key; the reporter's identity is sealed separately to the office's identity-custodian public key.
    - Each private key (office, custodian) is stored only sealed to the public key of a person holding it; a
      person's own private key is stored wrapped (SecretBox) under a key derived with Argon2id from their password.
    - A receipt is 16+ random digits. The database keeps `lookup` = 16 bits of HMAC(server key, receipt) (an index
      that narrows the candidates, useless alone) and `verifier` = half of an Argon2id derivation with a per-report
      salt; the other half unwraps the reporter's private key, to which the office seals its replies.

See docs/tipoffs.md for the whole design and its limits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

from django.conf import settings
from nacl import pwhash
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

SALT_BYTES = pwhash.argon2id.SALTBYTES  # 16
_COSTS = {
    "min": (pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN),  # tests only
    "interactive": (pwhash.argon2id.OPSLIMIT_INTERACTIVE, pwhash.argon2id.MEMLIMIT_INTERACTIVE),  # 2 passes, 64 MiB
    "moderate": (pwhash.argon2id.OPSLIMIT_MODERATE, pwhash.argon2id.MEMLIMIT_MODERATE),  # 3 passes, 256 MiB
}


class Locked(Exception):
    """The key needed is not unlocked (no grant, or the handler has not entered the password in this session)."""


def cost_name() -> str:
    return getattr(settings, "TIPOFFS_KDF_COST", "interactive")


def cost(name: str | None = None) -> tuple[int, int]:
    return _COSTS[name or cost_name()]


def kdf(secret_text: str, salt: bytes, *, size: int = 32, cost_label: str | None = None) -> bytes:
    ops, mem = cost(cost_label)
    return pwhash.argon2id.kdf(size, secret_text.encode("utf-8"), salt, opslimit=ops, memlimit=mem)


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


# --- receipts ------------------------------------------------------------------------------------------------
def new_receipt(digits: int) -> str:
    first = str(secrets.randbelow(9) + 1)  # no leading zero: the code reads the same when typed as a number
    return first + "".join(str(secrets.randbelow(10)) for _ in range(digits - 1))


def normalize_receipt(text: str) -> str:
    return "".join(c for c in str(text or "") if c.isdigit())


def lookup_key(receipt: str) -> str:
    """16 bits of a keyed hash: an index into the candidates (≈ n/65536 reports share one), not a verifier."""
    key = getattr(settings, "TIPOFFS_LOOKUP_KEY", settings.SECRET_KEY).encode("utf-8")
    return hmac.new(key, b"tipoff-receipt|" + receipt.encode("ascii"), hashlib.sha256).hexdigest()[:4]


def receipt_material(receipt: str, salt: bytes, cost_label: str) -> tuple[str, bytes]:
    """(verifier stored in hex, key that unwraps the reporter's private key): one Argon2id derivation."""
    out = kdf("tipoff-receipt|" + receipt, salt, size=64, cost_label=cost_label)
    return out[:32].hex(), out[32:]


def verifier_matches(stored: str, computed: str) -> bool:
    return hmac.compare_digest(stored.encode("ascii"), computed.encode("ascii"))


# --- boxes -------------------------------------------------------------------------------------------------
def new_keypair() -> PrivateKey:
    return PrivateKey.generate()


def public_bytes(sk: PrivateKey) -> bytes:
    return bytes(sk.public_key)


def seal(public_key: bytes, data: bytes) -> bytes:
    return SealedBox(PublicKey(bytes(public_key))).encrypt(data)


def unseal(sk: PrivateKey, data: bytes) -> bytes:
    try:
        return SealedBox(sk).decrypt(bytes(data))
    except CryptoError as exc:
        raise Locked("sealed data does not open with this key") from exc


def seal_json(public_key: bytes, obj) -> bytes:
    return seal(public_key, json.dumps(obj, ensure_ascii=False).encode("utf-8"))


def unseal_json(sk: PrivateKey, data: bytes):
    return json.loads(unseal(sk, data).decode("utf-8"))


def wrap(key: bytes, data: bytes) -> bytes:
    return SecretBox(key).encrypt(data)


def unwrap(key: bytes, data: bytes) -> bytes:
    try:
        return SecretBox(key).decrypt(bytes(data))
    except CryptoError as exc:
        raise Locked("wrapped key does not open") from exc


def private_key(raw: bytes) -> PrivateKey:
    return PrivateKey(bytes(raw))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(bytes(data)).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))
