"""The viewer's PNG, PDF and HTML links: they follow the view, so the file is what is shown.

The filter state changes in the browser without the page being drawn again, and the theme
lives in the browser's storage, so a callback rewrites both links whenever either changes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from dash import Dash, Input, Output, no_update


def picture_href(ref: dict[str, Any] | None, search: str | None, theme: Any, fmt: str) -> str:
    """``/dashboard/<id>/export.<fmt>`` (or ``/dashboard/shared/<token>/...``) for this view."""
    ref = ref or {}
    where = f"shared/{ref['link']}" if ref.get("link") else str(ref.get("id"))
    query = {}
    state = parse_qs((search or "").lstrip("?")).get("state", [""])[0]
    if state:
        query["state"] = state
    query["theme"] = "dark" if theme == "dark" else "light"
    return f"/dashboard/{where}/export.{fmt}?{urlencode(query, quote_via=quote)}"


def register_picture_links(app: Dash) -> None:
    @app.callback(
        Output("export-png", "href"),
        Output("export-pdf", "href"),
        Output("export-html", "href"),
        Input("ref", "data"),
        Input("url", "search"),
        Input("theme", "data"),
    )
    def links(ref: Any, search: str | None, theme: Any) -> tuple[Any, Any, Any]:
        if not ref:
            return no_update, no_update, no_update
        # The standalone HTML file is offered for dashboards opened by id, not by share link.
        page = no_update if ref.get("link") else picture_href(ref, search, theme, "html")
        return (
            picture_href(ref, search, theme, "png"),
            picture_href(ref, search, theme, "pdf"),
            page,
        )
