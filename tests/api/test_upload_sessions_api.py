"""``/api/v1/projects/{name}/upload-sessions`` over HTTP: chunks, the offset to resume
from, 409 on a gap, 422 on a checksum mismatch, editors only."""

from __future__ import annotations

import hashlib
import os

from fastapi.testclient import TestClient
from tests.api.uploads_world import small_world  # noqa: F401 (the "world" of these tests)

World = tuple[TestClient, dict[str, str]]


URL = "/api/v1/projects/penguins/upload-sessions"
DATA = os.urandom(100_000)
DIGEST = hashlib.sha256(DATA).hexdigest()


def auth(world: World, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world[1][who]}"}


def test_chunks_resume_and_finish(world: World) -> None:
    client = world[0]
    editor = auth(world, "editor")
    body = {"path": "api/reads.bin", "size": len(DATA), "sha256": DIGEST}
    opened = client.post(URL, json=body, headers=editor)
    assert opened.status_code == 201, opened.text
    session = opened.json()
    assert (session["received"], session["status"]) == (0, "open")
    chunk = f"{URL}/{session['id']}"
    first = client.put(chunk, params={"offset": 0}, content=DATA[:30_000], headers=editor)
    assert first.json()["received"] == 30_000
    assert first.headers["Upload-Offset"] == "30000"

    gap = client.put(chunk, params={"offset": 50_000}, content=DATA[50_000:], headers=editor)
    assert gap.status_code == 409
    assert gap.headers["content-type"] == "application/problem+json"
    assert gap.json()["received"] == 30_000
    assert gap.headers["Upload-Offset"] == "30000"

    found = client.get(
        URL, params={"path": "api/reads.bin", "size": len(DATA), "sha256": DIGEST}, headers=editor
    ).json()
    assert [(s["id"], s["received"]) for s in found] == [(session["id"], 30_000)]
    assert client.get(chunk, headers=editor).headers["Upload-Offset"] == "30000"

    again = client.put(
        chunk, params={"offset": 20_000}, content=DATA[20_000:60_000], headers=editor
    )
    assert again.json()["received"] == 60_000
    too_long = client.put(
        chunk, params={"offset": 60_000}, content=DATA[60_000:] + b"x", headers=editor
    )
    assert too_long.status_code == 422
    done = client.put(chunk, params={"offset": 60_000}, content=DATA[60_000:], headers=editor)
    assert done.json()["status"] == "complete", done.text
    assert done.json()["sha256"] == DIGEST
    fetched = client.get(
        "/api/v1/projects/penguins/uploads/api/reads.bin", headers=auth(world, "viewer")
    )
    assert fetched.content == DATA
    assert client.get(URL, params={"path": "api/reads.bin"}, headers=editor).json() == []


def test_a_checksum_mismatch_is_422_and_leaves_nothing(world: World) -> None:
    client = world[0]
    editor = auth(world, "editor")
    body = {"path": "api/bad.bin", "size": len(DATA), "sha256": "0" * 64}
    session = client.post(URL, json=body, headers=editor).json()
    failed = client.put(
        f"{URL}/{session['id']}", params={"offset": 0}, content=DATA, headers=editor
    )
    assert failed.status_code == 422
    assert "the bytes were discarded" in failed.json()["detail"]
    state = client.get(f"{URL}/{session['id']}", headers=editor).json()
    assert state["status"] == "failed"
    assert state["error"].startswith("checksum mismatch")
    missing = client.get("/api/v1/projects/penguins/uploads/api/bad.bin", headers=editor)
    assert missing.status_code == 404


def test_only_editors_upload(world: World) -> None:
    client = world[0]
    body = {"path": "api/x.bin", "size": 3}
    assert client.post(URL, json=body, headers=auth(world, "viewer")).status_code == 403
    assert client.post(URL, json=body, headers=auth(world, "stranger")).status_code == 404
    session = client.post(URL, json=body, headers=auth(world, "editor")).json()
    chunk = f"{URL}/{session['id']}"
    assert (
        client.put(
            chunk, params={"offset": 0}, content=b"abc", headers=auth(world, "viewer")
        ).status_code
        == 403
    )
    assert client.get(chunk, headers=auth(world, "stranger")).status_code == 404
    assert client.delete(chunk, headers=auth(world, "editor")).status_code == 204
    assert client.get(chunk, headers=auth(world, "editor")).json()["status"] == "failed"
    unsafe = client.post(URL, json={"path": "../x", "size": 1}, headers=auth(world, "editor"))
    assert unsafe.status_code == 422
