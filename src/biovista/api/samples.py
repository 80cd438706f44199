"""``/api/v1/sample-types`` (admins define them) and ``/api/v1/projects/{name}/samples``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from biovista.api.deps import CurrentUser, SessionDep
from biovista.api.pagination import Cursor, Limit, page_of
from biovista.errors import InvalidInputError
from biovista.services.samples import records as samples
from biovista.services.samples import types as sample_types

router = APIRouter(tags=["samples"])


class AttributeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    required: bool = False
    allowed: list[str] | None = None
    pattern: str | None = Field(None, description="A regex each value must match in full")


class SampleTypeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    attributes: list[AttributeBody] = []


class SampleTypeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str | None = None
    attributes: list[AttributeBody] | None = None


class SampleTypePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    description: str
    attributes: list[dict[str, Any]]


class SampleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    type: str
    attributes: dict[str, str] = {}


class SampleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str | None = None
    attributes: dict[str, str] | None = Field(None, description="Replaces every attribute")


class SampleFilePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    path: str
    size: int
    sha256: str


class SamplePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    type: str
    attributes: dict[str, Any]
    files: list[SampleFilePublic]
    created_at: datetime


class SheetResultPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    created: list[str]
    updated: list[str]


def _attributes(body: list[AttributeBody] | None) -> list[Any] | None:
    return None if body is None else [a.model_dump(exclude_none=True) for a in body]


@router.get("/sample-types", response_model=list[SampleTypePublic])
def read_sample_types(principal: CurrentUser, session: SessionDep) -> list[SampleTypePublic]:
    """Every sample type with its attribute definitions (any signed-in user)."""
    return [SampleTypePublic.model_validate(t) for t in sample_types.list_sample_types(session)]


@router.post("/sample-types", response_model=SampleTypePublic, status_code=201)
def create_sample_type(
    body: SampleTypeCreate, principal: CurrentUser, session: SessionDep
) -> SampleTypePublic:
    """Define a sample type (admins); definitions are checked (names, regexes, values)."""
    made = sample_types.create_sample_type(
        session, principal, body.name, body.description, _attributes(body.attributes)
    )
    return SampleTypePublic.model_validate(made)


@router.get("/sample-types/{type_name}", response_model=SampleTypePublic)
def read_sample_type(type_name: str, principal: CurrentUser, session: SessionDep) -> Any:
    return SampleTypePublic.model_validate(sample_types.get_sample_type(session, type_name))


@router.patch("/sample-types/{type_name}", response_model=SampleTypePublic)
def update_sample_type(
    type_name: str, body: SampleTypeUpdate, principal: CurrentUser, session: SessionDep
) -> SampleTypePublic:
    """Change a type (admins); refused (409) when existing samples would no longer fit."""
    changed = sample_types.update_sample_type(
        session, principal, type_name, body.description, _attributes(body.attributes)
    )
    return SampleTypePublic.model_validate(changed)


@router.delete("/sample-types/{type_name}", status_code=204)
def delete_sample_type(type_name: str, principal: CurrentUser, session: SessionDep) -> Response:
    """Delete an unused type (admins); 409 while samples are of it."""
    sample_types.delete_sample_type(session, principal, type_name)
    return Response(status_code=204)


@router.get("/projects/{name}/samples", response_model=list[SamplePublic])
def read_samples(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[SamplePublic]:
    """The project's samples by name, with their files (viewers)."""
    found = samples.list_samples(session, principal, name)
    page = page_of(found, lambda s: [s.name], limit, cursor, request, response)
    return [SamplePublic.model_validate(samples.sample_view(s)) for s in page]


@router.post("/projects/{name}/samples", response_model=SamplePublic, status_code=201)
def create_sample(
    name: str, body: SampleCreate, principal: CurrentUser, session: SessionDep
) -> SamplePublic:
    """A new sample (editors); 422 names each attribute that does not fit the type."""
    made = samples.create_sample(session, principal, name, body.name, body.type, body.attributes)
    return SamplePublic.model_validate(samples.sample_view(made))


@router.post(
    "/projects/{name}/samples/sheet",
    response_model=SheetResultPublic,
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
    },
)
async def import_sheet(
    name: str, request: Request, principal: CurrentUser, session: SessionDep
) -> SheetResultPublic:
    """Create or update samples from a CSV sheet (``name,type,<attributes...>``), all or
    none; 422 lists each problem with its line and column."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"the sample sheet is not UTF-8 text ({exc})") from None
    result = await run_in_threadpool(samples.import_sheet, session, principal, name, text)
    return SheetResultPublic.model_validate(result)


@router.get("/projects/{name}/samples/{sample}", response_model=SamplePublic)
def read_sample(name: str, sample: str, principal: CurrentUser, session: SessionDep) -> Any:
    found = samples.get_sample(session, principal, name, sample)
    return SamplePublic.model_validate(samples.sample_view(found))


@router.patch("/projects/{name}/samples/{sample}", response_model=SamplePublic)
def update_sample(
    name: str, sample: str, body: SampleUpdate, principal: CurrentUser, session: SessionDep
) -> SamplePublic:
    """Change the type and/or replace the attributes (editors); checked as a new sample."""
    changed = samples.update_sample(session, principal, name, sample, body.type, body.attributes)
    return SamplePublic.model_validate(samples.sample_view(changed))


@router.delete("/projects/{name}/samples/{sample}", status_code=204)
def delete_sample(name: str, sample: str, principal: CurrentUser, session: SessionDep) -> Response:
    """Forget a sample (editors); its files stay in the uploads folder."""
    samples.delete_sample(session, principal, name, sample)
    return Response(status_code=204)
