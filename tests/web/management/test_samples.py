"""The samples page in a real browser: editors see an upload form whose script sends a file
in chunks (resuming an open session of the same file); viewers only read."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.models import UploadSession
from biovista.db.session import session_scope
from biovista.services.accounts import grants as access
from biovista.services.samples import records as samples
from biovista.services.samples import resumable as chunked_uploads
from biovista.services.samples import types as sample_types
from biovista.services.samples.hashes import RunningHashes
from tests.web.conftest import sign_in
from tests.web.management.test_app import fresh_user

MiB = 2**20


def make_sample(settings: Settings) -> str:
    name = f"W{uuid.uuid4().hex[:6]}"
    with session_scope(settings.resolved_database_url) as session:
        if "web-reads" not in {t.name for t in sample_types.list_sample_types(session)}:
            sample_types.create_sample_type(
                session, LOCAL_ADMIN, "web-reads", attributes=[{"name": "lane"}]
            )
        samples.create_sample(session, LOCAL_ADMIN, "penguins", name, "web-reads", {"lane": "1"})
    return name


def test_an_editor_uploads_in_chunks_and_resumes(
    server: tuple[str, Settings], browser: Any, tmp_path: Path
) -> None:
    base, settings = server
    name = make_sample(settings)
    data = os.urandom(20 * MiB)  # three chunks
    local = tmp_path / f"{name}.bin"
    local.write_bytes(data)
    target = f"web/{name}.bin"
    with session_scope(settings.resolved_database_url) as session:  # an earlier, cut attempt
        opened = chunked_uploads.open_session(
            session, settings, LOCAL_ADMIN, "penguins", target, len(data)
        )
        chunked_uploads.put_chunk(
            session,
            settings,
            LOCAL_ADMIN,
            "penguins",
            opened.id,
            0,
            [data[: 8 * MiB]],
            RunningHashes(),  # another process's: the server reads the file again at the end
        )
        earlier = opened.id

    page = browser.new_page()
    try:
        sign_in(page, base, "owner@example.org")
        page.goto(f"{base}/projects/penguins/samples")
        expect(page.locator(f".bv-sample[data-sample='{name}']")).to_contain_text("lane=1")
        page.locator("#chunked-file").set_input_files(str(local))
        page.fill("#chunked-folder", "web")
        page.click("#chunked-start")
        expect(page.locator("#chunked-status")).to_contain_text(f"uploaded {target}")
    finally:
        page.close()
    assert (settings.data_dir / "uploads" / "penguins" / target).read_bytes() == data
    with session_scope(settings.resolved_database_url) as session:
        assert session.get_one(UploadSession, earlier).status == "complete"


def test_viewers_read_without_an_upload_form(server: tuple[str, Settings], browser: Any) -> None:
    base, settings = server
    name = make_sample(settings)
    reader = fresh_user(settings)
    with session_scope(settings.resolved_database_url) as session:
        access.grant_role(session, LOCAL_ADMIN, "penguins", "viewer", reader)
    page = browser.new_page()
    try:
        sign_in(page, base, reader)
        page.goto(f"{base}/projects/penguins/samples")
        expect(page.locator(f".bv-sample[data-sample='{name}']")).to_be_visible()
        assert page.locator("#chunked-start").count() == 0
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    finally:
        page.close()
    sessions = f"{base}/api/v1/projects/penguins/upload-sessions"
    body = {"path": "web/x.bin", "size": 1}
    ours = {"X-Biovista-Web": "1", "Origin": base}
    assert httpx.post(sessions, json=body, headers=ours).status_code == 401  # no cookie
    jar = httpx.Cookies(cookies)
    forged = httpx.post(sessions, json=body, cookies=jar, headers={"Origin": "https://x.example"})
    assert forged.status_code == 403  # a form of another site: no script header, other origin
    refused = httpx.post(sessions, json=body, cookies=jar, headers=ours)
    assert refused.status_code == 403  # signed in, but a viewer
    assert "edit" in refused.json()["detail"]
