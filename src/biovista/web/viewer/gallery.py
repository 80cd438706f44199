"""The image gallery component: thumbnails that follow the filters, and a viewer for each.

The card holds a static frame (:func:`biovista.web.common.kinds.image.shell`); one callback
fills it whenever the filter state changes or "Show more" is pressed (each press shows
``limit`` more), and another opens the full image in a modal, with previous and next over
the images shown. The images come from the routes of :mod:`biovista.web.viewer.images`,
which check access like the viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_mantine_components as dmc
from dash import ALL, MATCH, Dash, Input, Output, State, ctx, html, no_update

from biovista.errors import BiovistaError
from biovista.models.dashboard import FilterState
from biovista.query.dashboard import DashboardData, OpenedDashboard
from biovista.services.dashboards import gallery as images
from biovista.web.common import components
from biovista.web.common.cookie_auth import WebContext
from biovista.web.common.kinds.image import gallery_id as part_id
from biovista.web.viewer.images import image_url

# Stepping through the viewer runs in the browser: the image list is already there, and a
# round trip per press would let two quick presses both start from the same image.
SHOW = """
function(_thumbs, _prev, _next, items, at) {
    const dc = window.dash_clientside;
    const triggered = dc.callback_context.triggered;
    const unchanged = Array(6).fill(dc.no_update);
    if (!items || !items.length || !triggered.length || !triggered[0].value) {
        return unchanged;  // thumbnails drawn anew fire this too, unclicked
    }
    const propId = triggered[0].prop_id;
    const trigger = JSON.parse(propId.slice(0, propId.lastIndexOf(".")));
    const step = {"gallery-prev": -1, "gallery-next": 1}[trigger.kind];
    const count = items.length;
    const index = step ? (((at || 0) + step) % count + count) % count : trigger.n;
    const item = items[index];
    const position = (index + 1) + " of " + count;
    return [true, item.caption, item.src, item.problem || "", position, index];
}
"""


def register_gallery_callbacks(
    app: Dash, context: WebContext, opener: Callable[[WebContext, Any], OpenedDashboard]
) -> None:
    """``opener`` opens the dashboard as the app allows (the viewer's or the editor's)."""

    @app.callback(
        Output({"kind": "gallery", "cid": MATCH}, "children"),
        Output(part_id("count", MATCH), "children"),
        Output(part_id("more", MATCH), "style"),
        Output(part_id("items", MATCH), "data"),
        Output(part_id("more", MATCH), "n_clicks"),
        Input("state", "data"),
        Input(part_id("more", MATCH), "n_clicks"),
        State("ref", "data"),
    )
    def fill(state_data: Any, more: int | None, ref: Any) -> tuple[Any, ...]:
        if not ref:
            return (no_update,) * 5
        cid = ctx.outputs_list[0]["id"]["cid"]
        presses = 0 if ctx.triggered_id == "state" else int(more or 0)
        data = DashboardData(context.settings, opener(context, ref), context.runtime.reads)
        state = FilterState.model_validate(state_data or {})
        return (*_filled(context, data, ref, cid, state, presses), presses)

    app.clientside_callback(  # type: ignore[no-untyped-call]
        SHOW,
        Output(part_id("modal", MATCH), "opened"),
        Output(part_id("modal", MATCH), "title"),
        Output(part_id("full", MATCH), "src"),
        Output(part_id("problem", MATCH), "children"),
        Output(part_id("position", MATCH), "children"),
        Output(part_id("at", MATCH), "data"),
        Input({"kind": "gallery-thumb", "cid": MATCH, "n": ALL}, "n_clicks"),
        Input(part_id("prev", MATCH), "n_clicks"),
        Input(part_id("next", MATCH), "n_clicks"),
        State(part_id("items", MATCH), "data"),
        State(part_id("at", MATCH), "data"),
        prevent_initial_call=True,
    )


def _filled(
    context: WebContext,
    data: DashboardData,
    ref: dict[str, Any],
    cid: str,
    state: FilterState,
    presses: int,
) -> tuple[Any, Any, Any, Any]:
    """Thumbnails, the "n of N images" line, the button's style and the viewer's list."""
    spec = data.opened.spec.component(cid)
    limit = getattr(spec, "limit", 24) * (presses + 1)
    try:
        page = images.gallery_page(context.settings, data, cid, state, limit)
    except BiovistaError as exc:
        return components.error_box(exc), "", {"display": "none"}, []
    shown, total = len(page.items), page.total
    count = f"{shown} of {total} images" if total > shown else f"{total} images"
    if total == 0:
        count = "No images match the filters" if not state.is_empty() else "No images"
    items = [
        {
            "src": image_url(ref, cid, item.row, thumb=False),
            "caption": item.caption,
            "problem": item.problem,
        }
        for item in page.items
    ]
    thumbs = [_thumb(ref, cid, n, item) for n, item in enumerate(page.items)]
    more = {"display": "none"} if total <= shown else {}
    return thumbs, count, more, items


def _thumb(ref: dict[str, Any], cid: str, n: int, item: images.GalleryItem) -> Any:
    """One tile: the thumbnail and its caption, or why the image cannot be shown."""
    picture: Any = (
        html.Img(src=image_url(ref, cid, item.row, thumb=True), alt=item.caption)
        if item.problem is None
        else dmc.Alert(item.problem, color="red", className="bv-gallery-problem", maw=240)
    )
    return html.Button(
        [picture, html.Div(item.caption, className="bv-gallery-caption")],
        id={"kind": "gallery-thumb", "cid": cid, "n": n},
        n_clicks=0,
        title=item.caption,
        className="bv-gallery-item",
        style={
            "border": "none",
            "background": "none",
            "padding": 0,
            "cursor": "zoom-in",
            "textAlign": "center",
            "fontSize": "12px",
            "color": "inherit",
            "maxWidth": "240px",
        },
    )
