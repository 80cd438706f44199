"""Render a dashboard: every component's result for a filter state, in one request."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from biovista.api.deps import CurrentUser, RuntimeDep, SettingsDep
from biovista.models.dashboard import FilterState
from biovista.query import codec as render_codec
from biovista.query.render import render
from biovista.services.dashboards.open import open_dashboard

router = APIRouter(tags=["dashboards"])


class RenderRequest(BaseModel):
    state: FilterState = Field(default_factory=FilterState)
    components: list[str] | None = Field(
        default=None, description="Only these component ids (all data components when absent)"
    )
    max_points: int | None = Field(
        default=None, ge=1, le=render_codec.FULL_POINTS, description="Point plots' limit"
    )


class ComponentAnswer(BaseModel):
    type: str
    result: Any = Field(default=None, description="Absent when the component failed")
    error: str | None = None
    cached: bool
    milliseconds: float


class RenderResponse(BaseModel):
    components: dict[str, ComponentAnswer]
    milliseconds: float


@router.post("/dashboards/{dashboard_id}/render", response_model=RenderResponse)
def render_dashboard(
    dashboard_id: uuid.UUID,
    request: RenderRequest,
    principal: CurrentUser,
    settings: SettingsDep,
    runtime: RuntimeDep,
) -> RenderResponse:
    """Each component's result under the filter state (or its error, with the others kept).

    Point plots are downsampled to ``max_points`` (the server's default otherwise): compare
    ``shown`` with ``total``."""
    opened = open_dashboard(settings, principal, dashboard_id)
    points = request.max_points or settings.max_points
    rendered = render(
        settings,
        runtime.reads,
        opened,
        request.state,
        only=request.components,
        max_points=points,
    )
    return RenderResponse(
        components={
            cid: ComponentAnswer(
                type=result.type,
                result=None if result.error else render_codec.as_json(result.value),
                error=result.error,
                cached=result.cached,
                milliseconds=round(result.seconds * 1000, 2),
            )
            for cid, result in rendered.results.items()
        },
        milliseconds=round(rendered.seconds * 1000, 2),
    )
