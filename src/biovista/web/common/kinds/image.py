"""An image gallery: its card is a static frame (:func:`shell`) that the viewer's gallery
callbacks (:mod:`biovista.web.viewer.gallery`) fill and step through."""

from __future__ import annotations

from typing import Any

import dash_mantine_components as dmc
from dash import dcc, html

from biovista.models.dashboard import FilterState
from biovista.query.dashboard import DashboardData
from biovista.web.common.kinds.base import COLUMN, DrawKind, Field, Form
from biovista.web.common.kinds.table import rows_preview

WIDGETS = (
    COLUMN,
    Field("label", "caption column", "column"),
    Field("limit", "images shown", "number"),
)


def gallery_id(kind: str, cid: Any) -> dict[str, Any]:
    return {"kind": f"gallery-{kind}", "cid": cid}


def shell(cid: str) -> Any:
    """The parts of a gallery that stay: count, grid, "Show more" and the image viewer."""
    return html.Div(
        [
            dmc.Text(
                id=gallery_id("count", cid), size="xs", c="dimmed", className="bv-gallery-count"
            ),
            html.Div(id={"kind": "gallery", "cid": cid}, className="bv-gallery"),
            dmc.Button(
                "Show more",
                id=gallery_id("more", cid),
                n_clicks=0,
                size="compact-xs",
                variant="light",
                mt="xs",
                style={"display": "none"},
            ),
            dcc.Store(id=gallery_id("items", cid), data=[]),
            dcc.Store(id=gallery_id("at", cid), data=0),
            dmc.Modal(
                [
                    html.Img(
                        id=gallery_id("full", cid),
                        className="bv-gallery-full",
                        style={"maxWidth": "100%", "display": "block", "margin": "0 auto"},
                    ),
                    dmc.Text(id=gallery_id("problem", cid), c="red", size="sm"),
                    dmc.Group(
                        [
                            dmc.Button("← Previous", id=gallery_id("prev", cid), variant="default"),
                            dmc.Text(id=gallery_id("position", cid), size="sm", c="dimmed"),
                            dmc.Button("Next →", id=gallery_id("next", cid), variant="default"),
                        ],
                        justify="space-between",
                        mt="sm",
                    ),
                ],
                id=gallery_id("modal", cid),
                size="xl",
                centered=True,
                opened=False,
            ),
        ]
    )


def body(component: Any, _: DashboardData, __: FilterState) -> Any:
    return shell(component.id)


def fields(_: str | None) -> tuple[str, ...]:
    return ("column", "label", "limit")


DRAW = DrawKind("image", body, preview=rows_preview, form=Form(None, (), fields, WIDGETS))
