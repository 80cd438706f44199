"""What the pipeline pages share: one colour per status, times in UTC and durations, so the
workflow list, the executions list and the live page agree (who may act: ``auth.policy``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash_mantine_components as dmc

from biovista.errors import BiovistaError
from biovista.tasks import TaskRunner
from biovista.web.common.cookie_auth import WebContext

STATUS_COLOR = {
    "queued": "gray",
    "pending": "gray",
    "running": "blue",
    "ingesting": "cyan",
    "succeeded": "green",
    "cached": "teal",
    "failed": "red",
    "cancelled": "orange",
}


def status_badge(status: str, **props: Any) -> Any:
    """The status as a coloured badge; ``data-status`` holds the plain word for tests."""
    return dmc.Badge(
        status,
        color=STATUS_COLOR.get(status, "gray"),
        variant="light",
        **{"data-status": status},
        **props,
    )


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def when(moment: datetime | None) -> str:
    """A timestamp as people read it (UTC, to the second); empty when not yet."""
    found = aware(moment)
    return found.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if found else ""


def clock(moment: datetime | None) -> str:
    """The time of day (UTC), for rows under a heading that gives the date."""
    found = aware(moment)
    return found.astimezone(UTC).strftime("%H:%M:%S") if found else ""


def duration(start: datetime | None, end: datetime | None) -> str:
    """How long something took: ``42 s``, ``3 min 5 s``, ``2 h 4 min``; empty if unknown."""
    begun, ended = aware(start), aware(end)
    if begun is None or ended is None:
        return ""
    seconds = max(0, round((ended - begun).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def runner_of(context: WebContext) -> TaskRunner:
    """The API's task runner, which executions are queued on."""
    if context.tasks is None:
        raise BiovistaError("this server runs no background tasks; workflows cannot be launched")
    return context.tasks


def executions_link(project: str) -> Any:
    """The home page's way to a project's recent executions."""
    return dmc.Anchor(
        "executions",
        href=f"/projects/{project}/executions",
        size="sm",
        className="bv-executions-link",
    )
