"""The snapshot service's own answers: what is missing, and the browser's credential."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from biovista.auth.keys import KeyRing
from biovista.auth.policy import Principal
from biovista.auth.tokens import verify_access_token
from biovista.config import Settings
from biovista.services.dashboards.screenshots import (
    Browsers,
    SnapshotUnavailableError,
    ViewRequest,
    browser_credential,
    snapshot,
)

VIEW = ViewRequest(url="http://127.0.0.1:9/dashboard/x", fmt="png")


def settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(data_dir=tmp_path, **changes)


def test_no_chromium_anywhere_says_how_to_configure_one(tmp_path: Path) -> None:
    with pytest.raises(SnapshotUnavailableError) as raised:
        snapshot(settings(tmp_path, chromium_path=None), Browsers(), VIEW)
    assert str(raised.value) == (
        "PNG and PDF exports need Chromium on the server and none was found: install "
        "Chromium (e.g. the Debian package chromium) or set BIOVISTA_CHROMIUM_PATH to a "
        "Chromium or Chrome executable, then restart the server"
    )


def test_a_configured_path_that_is_no_program_is_named_as_the_setting(tmp_path: Path) -> None:
    text_file = tmp_path / "chromium"
    text_file.write_text("not a program")
    for path in (str(tmp_path / "missing"), str(text_file), str(tmp_path)):
        with pytest.raises(SnapshotUnavailableError) as raised:
            snapshot(settings(tmp_path, chromium_path=path), Browsers(), VIEW)
        assert "the configured BIOVISTA_CHROMIUM_PATH is not an executable file" in str(
            raised.value
        )


def test_a_chromium_that_does_not_start_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    broken = tmp_path / "broken-chromium"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    with pytest.raises(SnapshotUnavailableError) as raised:
        snapshot(
            settings(tmp_path, chromium_path=str(broken), snapshot_timeout=60), Browsers(), VIEW
        )
    assert str(raised.value).startswith("Chromium is configured but does not start")


def test_the_browser_gets_the_callers_own_rights_for_a_short_while(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    reader = Principal(uuid.uuid4(), "user", "read")
    token = browser_credential(settings(tmp_path, snapshot_timeout=30), ring, reader)
    assert token is not None
    claims = verify_access_token(ring, token)
    assert (claims.user_id, claims.role, claims.scope) == (reader.user_id, "user", "read")
    assert claims.expires_at - datetime.now(UTC) <= timedelta(seconds=90)


def test_anonymous_and_single_user_views_need_no_credential(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    someone = Principal(uuid.uuid4(), "admin", "admin")
    assert browser_credential(settings(tmp_path), ring, None) is None
    assert browser_credential(settings(tmp_path, single_user=True), ring, someone) is None
