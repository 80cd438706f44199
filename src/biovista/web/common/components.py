"""Dash elements every component shares: its card, its error box, a server-side grid.

What each type draws inside its card is its kind's (:mod:`biovista.web.common.kinds`).

Every data component renders its own failure (a missing column, a failed query) inside
its card, so the rest of the dashboard keeps working."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import html

from biovista.errors import BiovistaError

ROW_HEIGHT = 40


def error_box(exc: Exception | str) -> Any:
    """A component's error as its reader sees it (a domain error's message is for users)."""
    known = isinstance(exc, BiovistaError | str)
    reason = str(exc) if known else f"unexpected error: {exc}"
    return dmc.Alert(
        reason, title="This component cannot be shown", color="red", className="bv-error"
    )


def card(component: Any, body: Any, editable: bool = False) -> Any:
    """A component's frame: its title, its tools (in the editor) and its body."""
    tools: list[Any] = []
    if editable:
        tools = [
            dmc.Button(
                label,
                id={"kind": action, "cid": component.id},
                variant="subtle",
                color="red" if action == "delete" else None,
                size="compact-xs",
                className="bv-tool",
            )
            for action, label in (("edit", "Edit"), ("duplicate", "Copy"), ("delete", "Delete"))
        ]
    header = dmc.Group(
        [
            dmc.Text(component.title or component.id, fw=600, size="sm", className="bv-handle"),
            dmc.Group(tools, gap=2),
        ],
        justify="space-between",
    )
    return dmc.Paper(
        [header, html.Div(body, className="bv-body")],
        withBorder=True,
        p="xs",
        radius="md",
        className="bv-card",
        id={"kind": "card", "cid": component.id},
        **{"data-type": component.type},
    )


def table_grid(cid: str, columns: list[str], version: int, page_size: int) -> Any:
    """A grid reading pages from the server; a new ``version`` starts it afresh."""
    return dag.AgGrid(
        id={"kind": "grid", "cid": cid, "v": version},
        columnDefs=[
            {"field": c, "headerName": c, "filter": True, "sortable": True} for c in columns
        ],
        rowModelType="infinite",
        dashGridOptions={"cacheBlockSize": page_size, "maxBlocksInCache": 20, "rowBuffer": 0},
        defaultColDef={"resizable": True, "minWidth": 90, "flex": 1},
        style={"height": "100%", "minHeight": "200px"},
        className="ag-theme-quartz",
    )
