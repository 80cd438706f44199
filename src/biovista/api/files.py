"""``/api/v1/projects/{name}/runs`` and ``.../files``: what was ingested, and its bytes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict

from biovista.api.deps import CurrentUser, SessionDep, SettingsDep
from biovista.api.headers import attachment
from biovista.api.pagination import Cursor, Limit, decode_cursor, finish_page, page_of
from biovista.services.projects import files

router = APIRouter(tags=["files"])


class RunPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    attributes: dict[str, Any]


class FilePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    collection: str
    path: str
    run: str | None
    size: int
    sha256: str
    rows: int
    ingested_at: datetime


@router.get("/projects/{name}/runs", response_model=list[RunPublic])
def read_runs(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[RunPublic]:
    """The project's runs, by name."""
    found = files.list_runs(session, principal, name)
    page = page_of(found, lambda r: [r.name, r.id], limit, cursor, request, response)
    return [RunPublic.model_validate(r) for r in page]


@router.get("/projects/{name}/files", response_model=list[FilePublic])
def read_files(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[FilePublic]:
    """Source files with their hash and row count, by collection then path."""
    key = decode_cursor(cursor)
    after = (str(key[0]), str(key[1])) if key and len(key) == 2 else None
    found = files.list_files(session, principal, name, limit + 1, after)
    page = finish_page(found, limit, lambda f: [f.collection, f.path], request, response)
    return [FilePublic.model_validate(f) for f in page]


@router.get(
    "/projects/{name}/collections/{collection}/files/{path:path}",
    response_class=Response,
    responses={
        200: {"description": "The file's bytes", "content": {"application/octet-stream": {}}},
        307: {"description": "A presigned link to the file in S3, valid for minutes"},
    },
)
def download(
    name: str,
    collection: str,
    path: str,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """One ingested file (viewers): streamed, or a short-lived S3 link."""
    access = files.open_file(session, settings, principal, name, collection, path)
    if access.url is not None:
        return RedirectResponse(access.url, status_code=307)
    assert access.local is not None
    return FileResponse(
        access.local,
        media_type="application/octet-stream",
        headers={"Content-Disposition": attachment(access.local.name)},
    )
