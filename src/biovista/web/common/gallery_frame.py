"""The static frame of an image gallery: what a dashboard page draws for an ``image``
component before any callback has run (count, grid, "Show more" and the image viewer).

The frame lives here, below the apps, because :mod:`biovista.web.common.components` draws
it; the callbacks that fill it are in :mod:`biovista.web.viewer.gallery`, which uses
:func:`part_id` for the same ids.
"""

from __future__ import annotations

from typing import Any

import dash_mantine_components as dmc
from dash import dcc, html


def part_id(kind: str, cid: Any) -> dict[str, Any]:
    """The id of one part of gallery ``cid`` (``MATCH`` in a callback's pattern)."""
    return {"kind": f"gallery-{kind}", "cid": cid}


def gallery_frame(cid: str) -> Any:
    """The parts of a gallery that stay: count, grid, "Show more" and the image viewer."""
    return html.Div(
        [
            dmc.Text(id=part_id("count", cid), size="xs", c="dimmed", className="bv-gallery-count"),
            html.Div(id={"kind": "gallery", "cid": cid}, className="bv-gallery"),
            dmc.Button(
                "Show more",
                id=part_id("more", cid),
                n_clicks=0,
                size="compact-xs",
                variant="light",
                mt="xs",
                style={"display": "none"},
            ),
            dcc.Store(id=part_id("items", cid), data=[]),
            dcc.Store(id=part_id("at", cid), data=0),
            dmc.Modal(
                [
                    html.Img(
                        id=part_id("full", cid),
                        className="bv-gallery-full",
                        style={"maxWidth": "100%", "display": "block", "margin": "0 auto"},
                    ),
                    dmc.Text(id=part_id("problem", cid), c="red", size="sm"),
                    dmc.Group(
                        [
                            dmc.Button("← Previous", id=part_id("prev", cid), variant="default"),
                            dmc.Text(id=part_id("position", cid), size="sm", c="dimmed"),
                            dmc.Button("Next →", id=part_id("next", cid), variant="default"),
                        ],
                        justify="space-between",
                        mt="sm",
                    ),
                ],
                id=part_id("modal", cid),
                size="xl",
                centered=True,
                opened=False,
            ),
        ]
    )
