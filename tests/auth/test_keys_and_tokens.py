"""Signing keys, JWKS and access tokens: another service can verify with the JWKS alone."""

from __future__ import annotations

import stat
import uuid
from datetime import timedelta
from pathlib import Path

import jwt
import pytest

from biovista.auth.keys import KEEP, KeyRing
from biovista.auth.passwords import hash_password, verify_password
from biovista.auth.ratelimit import SlidingWindow
from biovista.auth.tokens import AuthenticationError, issue_access_token, verify_access_token


def test_password_hashes_are_argon2_and_verify() -> None:
    hashed = hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$")
    assert verify_password("correct horse battery staple", hashed)
    assert not verify_password("correct horse battery stapler", hashed)


def test_key_is_created_private_and_published(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    key = ring.active()
    (pem,) = (tmp_path / "keys").glob("*.pem")
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    (published,) = ring.jwks()["keys"]
    assert published == key.jwk()
    assert set(published) == {"kty", "crv", "alg", "use", "kid", "x"}
    assert "d" not in published  # never the private part


def test_a_third_party_verifies_with_the_jwks(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    user = uuid.uuid4()
    token, _ = issue_access_token(ring, user, "user", "read")
    jwks = jwt.PyJWKSet.from_dict(ring.jwks())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks.keys if k.key_id == kid)
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"], audience="biovista")
    assert claims["sub"] == str(user)
    assert claims["exp"] - claims["iat"] == 15 * 60


def test_rotation_keeps_old_tokens_valid_until_the_key_ages_out(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    old_token, _ = issue_access_token(ring, uuid.uuid4(), "user")
    ring.rotate()
    new_token, _ = issue_access_token(ring, uuid.uuid4(), "user")
    assert (
        jwt.get_unverified_header(old_token)["kid"] != jwt.get_unverified_header(new_token)["kid"]
    )
    assert verify_access_token(ring, old_token).role == "user"
    for _ in range(KEEP):
        ring.rotate()
    assert len(ring.jwks()["keys"]) == KEEP
    with pytest.raises(AuthenticationError, match="unknown key"):
        verify_access_token(ring, old_token)


def test_expired_and_tampered_tokens_are_refused(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    expired, _ = issue_access_token(ring, uuid.uuid4(), "user", ttl=timedelta(seconds=-1))
    with pytest.raises(AuthenticationError, match="expired"):
        verify_access_token(ring, expired)
    good, _ = issue_access_token(ring, uuid.uuid4(), "user")
    head, body, signature = good.split(".")
    tampered = f"{head}.{body[:-2]}AA.{signature}"
    with pytest.raises(AuthenticationError):
        verify_access_token(ring, tampered)
    with pytest.raises(AuthenticationError, match="malformed"):
        verify_access_token(ring, "not-a-token")


def test_sliding_window_blocks_then_allows() -> None:
    window = SlidingWindow(limit=2, seconds=0.2)
    window.record("a")
    assert window.retry_after("a") == 0
    window.record("a")
    assert 0 < window.retry_after("a") <= 0.2
    assert window.retry_after("b") == 0
    import time

    time.sleep(0.25)
    assert window.retry_after("a") == 0


def test_a_key_from_settings_is_shared_by_processes(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    first = KeyRing(tmp_path / "one", pem)
    second = KeyRing(tmp_path / "two", pem)
    token, _ = issue_access_token(first, uuid.uuid4(), "user")
    assert verify_access_token(second, token).role == "user"
    assert not (tmp_path / "one").exists()  # nothing written when the key comes from settings


def test_a_wrong_key_in_settings_is_explained(tmp_path: Path) -> None:
    from biovista.errors import BiovistaError

    with pytest.raises(BiovistaError, match="not a PEM private key"):
        KeyRing(tmp_path, "not a key")
