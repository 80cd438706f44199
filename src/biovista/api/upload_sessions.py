"""``/api/v1/projects/{name}/upload-sessions``: resumable uploads in chunks.

Open a session, ``PUT`` raw chunks at ``?offset=N`` (the byte of the file they start at),
and after a cut connection ``GET`` the session to learn how many bytes the server has
(``received``, also in the ``Upload-Offset`` header) and send from there. A chunk that
starts past ``received`` answers 409 with ``received`` in the problem document.

API clients send a bearer token; the samples page's script (``chunked_upload.js``) calls
the same routes as the signed-in browser, with the web's cookies (see
:data:`biovista.api.deps.CurrentUserOrBrowser` for the same-origin rule it must follow).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from biovista.api.deps import CurrentUserOrBrowser, RuntimeDep, SessionDep, SettingsDep
from biovista.api.problems import problem
from biovista.db.models import UploadSession
from biovista.errors import InvalidInputError
from biovista.services.samples import resumable as chunked_uploads

router = APIRouter(tags=["uploads"])

RAW_CHUNK = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class UploadSessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="Where the file goes in the project's uploads folder")
    size: int = Field(ge=0, description="The file's size in bytes")
    sha256: str | None = Field(None, description="Checked when the last byte arrives")
    sample: str | None = Field(None, description="The finished file becomes this sample's")


class UploadSessionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    path: str
    size: int
    sha256: str | None
    received: int
    status: str
    """open, complete or failed."""
    expires_at: datetime
    error: str | None


def _public(opened: UploadSession, response: Response | None = None) -> UploadSessionPublic:
    if response is not None:
        response.headers["Upload-Offset"] = str(opened.received)
    return UploadSessionPublic.model_validate(opened)


@router.post(
    "/projects/{name}/upload-sessions", response_model=UploadSessionPublic, status_code=201
)
def open_session(
    name: str,
    body: UploadSessionCreate,
    principal: CurrentUserOrBrowser,
    session: SessionDep,
    settings: SettingsDep,
) -> UploadSessionPublic:
    """Start a resumable upload (editors)."""
    opened = chunked_uploads.open_session(
        session, settings, principal, name, body.path, body.size, body.sha256, body.sample
    )
    return _public(opened)


@router.get("/projects/{name}/upload-sessions", response_model=list[UploadSessionPublic])
def find_sessions(
    name: str,
    principal: CurrentUserOrBrowser,
    session: SessionDep,
    settings: SettingsDep,
    path: str | None = None,
    size: Annotated[int | None, Query(ge=0)] = None,
    sha256: str | None = None,
) -> list[UploadSessionPublic]:
    """Open sessions, newest first, optionally only those of one file: what to resume."""
    found = chunked_uploads.find_sessions(session, settings, principal, name, path, size, sha256)
    return [_public(s) for s in found]


@router.get("/projects/{name}/upload-sessions/{session_id}", response_model=UploadSessionPublic)
def read_session(
    name: str,
    session_id: uuid.UUID,
    response: Response,
    principal: CurrentUserOrBrowser,
    session: SessionDep,
    settings: SettingsDep,
) -> UploadSessionPublic:
    """The session, with ``received``: the offset to send the next chunk from."""
    opened = chunked_uploads.get_session(session, settings, principal, name, session_id)
    return _public(opened, response)


@router.put(
    "/projects/{name}/upload-sessions/{session_id}",
    response_model=UploadSessionPublic,
    openapi_extra=RAW_CHUNK,
)
async def put_chunk(
    name: str,
    session_id: uuid.UUID,
    offset: Annotated[int, Query(ge=0, description="The byte of the file the body starts at")],
    request: Request,
    response: Response,
    principal: CurrentUserOrBrowser,
    session: SessionDep,
    settings: SettingsDep,
    runtime: RuntimeDep,
) -> UploadSessionPublic | Response:
    """Write the body at ``offset`` (editors). Bytes the server has are skipped; the chunk
    that completes the file is checked (size, SHA-256) and moved into the uploads folder."""
    length = request.headers.get("content-length", "")
    if length.isdigit():
        opened = await run_in_threadpool(
            chunked_uploads.get_session, session, settings, principal, name, session_id
        )
        if offset + int(length) > opened.size:
            raise InvalidInputError(
                f"bytes {offset} to {offset + int(length)} run past the end of the file "
                f"({opened.size} bytes)"
            )
    try:
        opened = await chunked_uploads.put_chunk_async(
            session,
            settings,
            principal,
            name,
            session_id,
            offset,
            request.stream(),
            runtime.hashes,
        )
    except chunked_uploads.OffsetMismatchError as exc:
        answer: JSONResponse = problem(409, "OffsetMismatch", str(exc), received=exc.received)
        answer.headers["Upload-Offset"] = str(exc.received)
        return answer
    except ClientDisconnect:  # what arrived is kept; the client asks for the offset later
        return Response(status_code=400)
    return _public(opened, response)


@router.delete("/projects/{name}/upload-sessions/{session_id}", status_code=204)
def cancel_session(
    name: str,
    session_id: uuid.UUID,
    principal: CurrentUserOrBrowser,
    session: SessionDep,
    settings: SettingsDep,
    runtime: RuntimeDep,
) -> Response:
    """Give up an open upload (editors); what the server received is deleted."""
    chunked_uploads.cancel_session(session, settings, principal, name, session_id, runtime.hashes)
    return Response(status_code=204)
