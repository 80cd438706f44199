"""Resumable uploads: idempotent chunks, a refused gap with the offset to resume from,
checksums verified at the end (a mismatch leaves nothing), expiry, and sample files."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from biovista.auth.policy import LOCAL_ADMIN, ForbiddenError, Principal
from biovista.config import Settings
from biovista.db.migrate import upgrade
from biovista.db.models import Project, UploadSession
from biovista.db.session import session_scope
from biovista.errors import ConflictError, InvalidInputError, NotFoundError
from biovista.services.accounts import grants as access
from biovista.services.accounts.users import create_user
from biovista.services.samples import partials
from biovista.services.samples import records as samples
from biovista.services.samples import resumable as chunked_uploads
from biovista.services.samples import types as sample_types
from biovista.services.samples.hashes import RunningHashes
from biovista.services.samples.resumable import ChecksumMismatchError, OffsetMismatchError

PASSWORD = "a long enough password"
DATA = bytes(range(256)) * 40  # 10,240 bytes
DIGEST = hashlib.sha256(DATA).hexdigest()


@dataclass
class World:
    url: str
    settings: Settings
    editor: Principal
    viewer: Principal
    stranger: Principal
    hashes: RunningHashes = field(default_factory=RunningHashes)
    """This process's running checksums (its runtime's)."""

    def uploads(self) -> Path:
        return self.settings.data_dir / "uploads" / "liver"

    def partials(self) -> list[Path]:
        return list((self.settings.data_dir / "upload-sessions").glob("*"))


@pytest.fixture
def world(tmp_path: Path) -> World:
    url = f"sqlite:///{tmp_path / 'metadata.db'}"
    upgrade(url)
    with session_scope(url) as session:
        people = [
            Principal(create_user(session, f"{n}@example.org", PASSWORD).id, "user", "write")
            for n in ("editor", "viewer", "stranger")
        ]
        session.add(Project(name="liver", config={}))
        session.flush()
        for role in ("editor", "viewer"):
            access.grant_role(session, LOCAL_ADMIN, "liver", role, f"{role}@example.org")
        sample_types.create_sample_type(session, LOCAL_ADMIN, "tissue")
        samples.create_sample(session, people[0], "liver", "S1", "tissue")
    return World(url, Settings(data_dir=tmp_path / "data", database_url=url), *people)


def open_upload(world: World, sha256: str | None = DIGEST, **extra: str) -> uuid.UUID:
    with session_scope(world.url) as session:
        opened = chunked_uploads.open_session(
            session,
            world.settings,
            world.editor,
            "liver",
            "reads/a.bin",
            len(DATA),
            sha256,
            **extra,
        )
        return opened.id


def put(world: World, session_id: uuid.UUID, offset: int, data: bytes) -> UploadSession:
    with session_scope(world.url) as session:
        return chunked_uploads.put_chunk(
            session, world.settings, world.editor, "liver", session_id, offset, [data], world.hashes
        )


def received(world: World, session_id: uuid.UUID) -> int:
    with session_scope(world.url) as session:
        opened = chunked_uploads.get_session(
            session, world.settings, world.editor, "liver", session_id
        )
        return opened.received


def test_chunks_are_idempotent_and_overlaps_write_only_new_bytes(world: World) -> None:
    session_id = open_upload(world, sample="S1")
    assert put(world, session_id, 0, DATA[:4000]).received == 4000
    assert put(world, session_id, 0, DATA[:4000]).received == 4000  # sent twice: no change
    assert put(world, session_id, 1000, DATA[1000:2000]).received == 4000
    assert put(world, session_id, 3000, DATA[3000:7000]).received == 7000  # overlap
    assert received(world, session_id) == 7000
    done = put(world, session_id, 7000, DATA[7000:])
    assert (done.status, done.received, done.sha256) == ("complete", len(DATA), DIGEST)
    assert (world.uploads() / "reads/a.bin").read_bytes() == DATA
    assert world.partials() == []
    assert put(world, session_id, 7000, DATA[7000:]).status == "complete"  # a lost answer
    with session_scope(world.url) as session:
        sample = samples.get_sample(session, world.viewer, "liver", "S1")
        assert [(f.path, f.size, f.sha256) for f in sample.files] == [
            ("reads/a.bin", len(DATA), DIGEST)
        ]


def test_a_gap_is_refused_with_the_offset_to_resume_from(world: World) -> None:
    session_id = open_upload(world)
    put(world, session_id, 0, DATA[:100])
    with pytest.raises(OffsetMismatchError) as raised:
        put(world, session_id, 500, DATA[500:600])
    assert raised.value.received == 100
    assert "send from byte 100" in str(raised.value)
    with pytest.raises(InvalidInputError, match="runs past the end"):
        put(world, session_id, 100, DATA[100:] + b"extra")
    assert received(world, session_id) == 100


def test_the_checksum_is_recomputed_when_the_running_one_is_lost(world: World) -> None:
    session_id = open_upload(world)
    put(world, session_id, 0, DATA[:5000])
    world.hashes.forget(session_id)  # as if another process had received the first half
    assert put(world, session_id, 5000, DATA[5000:]).sha256 == DIGEST


def test_a_checksum_mismatch_leaves_nothing(world: World) -> None:
    session_id = open_upload(world, sha256="0" * 64)
    put(world, session_id, 0, DATA[:5000])
    with pytest.raises(ChecksumMismatchError) as raised:
        put(world, session_id, 5000, DATA[5000:])
    assert f"the SHA-256 of the bytes received is {DIGEST}" in str(raised.value)
    assert "upload the file again" in str(raised.value)
    assert not (world.uploads() / "reads/a.bin").exists()
    assert world.partials() == []
    with session_scope(world.url) as session:
        failed = session.get_one(UploadSession, session_id)
        assert failed.status == "failed"
        assert failed.error is not None and failed.error.startswith("checksum mismatch")
    with pytest.raises(ConflictError, match="is failed"):
        put(world, session_id, 0, DATA)


def test_without_a_checksum_the_servers_is_kept(world: World) -> None:
    session_id = open_upload(world, sha256=None)
    assert put(world, session_id, 0, DATA).sha256 == DIGEST


def test_open_sessions_are_found_and_expired_ones_cleaned(world: World) -> None:
    session_id = open_upload(world)
    put(world, session_id, 0, DATA[:10])
    other = open_upload(world, sha256=None)
    with session_scope(world.url) as session:
        found = chunked_uploads.find_sessions(
            session, world.settings, world.editor, "liver", "reads/a.bin", len(DATA), DIGEST
        )
        assert [(s.id, s.received) for s in found] == [(session_id, 10)]
        stale = session.get_one(UploadSession, session_id)
        stale.expires_at = stale.expires_at - timedelta(days=2)
    orphan = partials.partial_path(world.settings, uuid.uuid4())  # its project is gone
    orphan.write_bytes(b"x")
    os.utime(orphan, (0, 0))
    with session_scope(world.url) as session:
        assert partials.clean_expired(session, world.settings) == 2
    assert [p.stem for p in world.partials()] == [str(other)]
    with pytest.raises(ConflictError, match="is failed \\(expired\\)"):
        put(world, session_id, 10, DATA[10:20])


def test_editors_only_and_paths_checked(world: World) -> None:
    with session_scope(world.url) as session:
        for who, error in ((world.viewer, ForbiddenError), (world.stranger, NotFoundError)):
            with pytest.raises(error):
                chunked_uploads.open_session(session, world.settings, who, "liver", "a.bin", 1)
        with pytest.raises(InvalidInputError, match="upload path"):
            chunked_uploads.open_session(
                session, world.settings, world.editor, "liver", "../a.bin", 1
            )
        with pytest.raises(NotFoundError, match="no sample named 'S9'"):
            chunked_uploads.open_session(
                session, world.settings, world.editor, "liver", "a.bin", 1, sample="S9"
            )
        with pytest.raises(InvalidInputError, match="64 hexadecimal"):
            chunked_uploads.open_session(
                session, world.settings, world.editor, "liver", "a.bin", 1, "abc"
            )
        empty = chunked_uploads.open_session(
            session, world.settings, world.editor, "liver", "empty.txt", 0
        )
        assert empty.status == "complete"
    assert (world.uploads() / "empty.txt").read_bytes() == b""
