"""Signing keys for access tokens: Ed25519 (EdDSA), kept in the data directory, rotatable.

The newest key signs; older keys are kept (up to ``KEEP``) so tokens signed before a
rotation stay valid until they expire. Public keys are published as a JWKS so that any
other service can verify a biovista token without calling back.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from biovista.errors import BiovistaError

KEEP = 3


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def jwk(self) -> dict[str, str]:
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "alg": "EdDSA",
            "use": "sig",
            "kid": self.kid,
            "x": _b64(raw),
        }


class KeyRing:
    """The keys in ``folder`` (``<data dir>/keys``), created on first use."""

    def __init__(self, folder: Path, pinned_pem: str | None = None) -> None:
        self.folder = folder
        self._parsed: dict[str, SigningKey] = {}
        self._pinned = (
            _parse(pinned_pem.encode(), "BIOVISTA_JWT_PRIVATE_KEY") if pinned_pem else None
        )

    def keys(self) -> list[SigningKey]:
        """Newest first (a key from settings first of all). The folder is listed on every
        call, so a rotation made by another process (``biovista keys rotate``) is used at
        once; each file is parsed only once."""
        pinned = [self._pinned] if self._pinned else []
        if not self.folder.is_dir():
            return pinned
        files = sorted(self.folder.glob("*.pem"), key=lambda p: p.name, reverse=True)[:KEEP]
        for path in files:
            if path.name not in self._parsed:
                self._parsed[path.name] = _load(path)
        return pinned + [self._parsed[path.name] for path in files]

    def active(self) -> SigningKey:
        keys = self.keys()
        return keys[0] if keys else self.rotate()

    def find(self, kid: str) -> SigningKey | None:
        return next((key for key in self.keys() if key.kid == kid), None)

    def rotate(self) -> SigningKey:
        """Make a new signing key; the oldest beyond ``KEEP`` is deleted."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        kid = _kid(private.public_key())
        stamp = len(list(self.folder.glob("*.pem")))
        path = self.folder / f"{stamp:06d}-{kid}.pem"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        for old in sorted(self.folder.glob("*.pem"), reverse=True)[KEEP:]:
            old.unlink()
        return SigningKey(kid, private)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in self.keys()]}


def _load(path: Path) -> SigningKey:
    return _parse(path.read_bytes(), str(path))


def _parse(pem: bytes, where: str) -> SigningKey:
    try:
        private = serialization.load_pem_private_key(pem, password=None)
    except ValueError:
        raise BiovistaError(f"{where} is not a PEM private key") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise BiovistaError(f"{where} is not an Ed25519 key (EdDSA tokens need one)")
    return SigningKey(_kid(private.public_key()), private)


def _kid(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(hashlib.sha256(raw).digest())[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
