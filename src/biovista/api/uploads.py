"""``/api/v1/projects/{name}/uploads``: put files in the project's upload folder."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict

from biovista.api.deps import CurrentUser, SessionDep, SettingsDep
from biovista.api.pagination import Cursor, Limit, page_of
from biovista.services.samples import uploads

router = APIRouter(tags=["uploads"])

RAW_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class UploadPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    path: str
    size: int
    sha256: str


@router.put(
    "/projects/{name}/uploads/{path:path}",
    response_model=UploadPublic,
    status_code=201,
    openapi_extra=RAW_BODY,
)
async def upload(
    name: str,
    path: str,
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> UploadPublic:
    """Store the request body as the file ``path`` (editors); then start an ingestion."""
    stored = await uploads.store_upload(session, settings, principal, name, path, request.stream())
    return UploadPublic.model_validate(stored)


@router.get("/projects/{name}/uploads", response_model=list[UploadPublic])
def read_uploads(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[UploadPublic]:
    """Files uploaded to the project and not yet deleted, by path."""
    found = uploads.list_uploads(session, settings, principal, name)
    page = page_of(found, lambda u: [u.path], limit, cursor, request, response)
    return [UploadPublic.model_validate(u) for u in page]


@router.delete("/projects/{name}/uploads/{path:path}", status_code=204)
def delete_upload(
    name: str, path: str, principal: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    uploads.delete_upload(session, settings, principal, name, path)
    return Response(status_code=204)
