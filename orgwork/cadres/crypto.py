"""Sealing personal matters at rest: PyNaCl SecretBox (XSalsa20-Poly1305) under a key kept outside the database.

The key: settings.PERSONAL_MATTERS_KEY, else the environment variable PERSONAL_MATTERS_KEY, else a random key
generated once into var/personal_matters_key (mode 600). Production sets it from the secret store and backs it
up apart from the database: without the key the reports cannot be read — that is the point.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets

from django.conf import settings
from nacl.secret import SecretBox


def _secret() -> str:
    value = getattr(settings, "PERSONAL_MATTERS_KEY", None) or os.environ.get("PERSONAL_MATTERS_KEY")
    if value:
        return value
    path = settings.VAR_DIR / "personal_matters_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _box() -> SecretBox:
    return SecretBox(hashlib.blake2b(_secret().encode(), digest_size=32, person=b"orgwork-pm-v1").digest())


def key_id() -> str:
    return hashlib.blake2b(_secret().encode(), digest_size=8, person=b"orgwork-pm-kid").hexdigest()


def seal(value) -> bytes:
    return bytes(_box().encrypt(json.dumps(value, ensure_ascii=False).encode("utf-8")))


def unseal(blob) -> object:
    return json.loads(_box().decrypt(bytes(blob)).decode("utf-8"))
