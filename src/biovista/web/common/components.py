"""Dash elements for each component type; the callbacks fill in their data.

Every data component renders its own failure (a missing column, a failed query) inside
its card, so the rest of the dashboard keeps working."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import dcc, html

from biovista.errors import BiovistaError
from biovista.models.dashboard import FilterComponent, FilterState
from biovista.query.dashboard import DashboardData

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


def body(component: Any, data: DashboardData, state: FilterState) -> Any:
    """The part of a card that does not change with the filter state, or its placeholder."""
    cid = component.id
    kind = component.type
    if kind == "text":
        return dcc.Markdown(component.markdown, className="bv-markdown")
    if kind == "figure" or (kind == "multiqc" and component.view == "plot"):
        return html.Div(
            [
                dmc.Group(
                    [
                        html.Span(id={"kind": "badge", "cid": cid}, className="bv-badge"),
                        dmc.Button(
                            "Show all points",
                            id={"kind": "full", "cid": cid},
                            size="compact-xs",
                            variant="light",
                            className="bv-full",
                        ),
                    ],
                    gap="xs",
                ),
                dcc.Graph(
                    id={"kind": "graph", "cid": cid},
                    config={"displaylogo": False},
                    style={"height": "calc(100% - 28px)"},
                ),
            ],
            style={"height": "100%"},
        )
    if kind == "metric":
        return html.Div(id={"kind": "metric", "cid": cid}, className="bv-metric")
    if kind == "filter":
        try:
            return filter_control(component, data.options(cid), state.values.get(cid))
        except BiovistaError as exc:
            return error_box(exc)
    if kind in ("table", "multiqc"):
        return html.Div(id={"kind": "table", "cid": cid}, style={"height": "100%"})
    if kind == "image":
        from biovista.web.viewer.gallery import shell  # gallery draws its tiles with this module

        return shell(cid)
    return html.Div()


def filter_control(
    spec: FilterComponent, options: dict[str, Any], value: Any, preview: bool = False
) -> Any:
    """The control of a filter; in a ``preview`` it is not wired to the dashboard's state."""
    ident: Any = {"kind": "preview-filter" if preview else "filter", "cid": spec.id}
    label = spec.title or spec.column
    if spec.kind in ("select", "multiselect"):
        choices = [{"value": str(v), "label": str(v)} for v in options.get("values", [])]
        if spec.kind == "select":
            return dmc.Select(
                id=ident, label=label, data=choices, value=value, clearable=True, searchable=True
            )
        return dmc.MultiSelect(
            id=ident, label=label, data=choices, value=value or [], clearable=True, searchable=True
        )
    if spec.kind == "range":
        low, high = options.get("min"), options.get("max")
        if low is None or high is None:
            return dmc.Text("no values", c="dimmed")
        chosen = value if isinstance(value, list) and len(value) == 2 else [low, high]
        step = (high - low) / 100 if isinstance(low, float) else 1
        return html.Div(
            [
                dmc.Text(label, size="sm"),
                dmc.RangeSlider(
                    id=ident,
                    min=low,
                    max=high,
                    step=step or 1,
                    value=chosen,
                    minRange=0,
                    mb="md",
                    label=None,
                ),
                dmc.Text(
                    f"{chosen[0]:g} - {chosen[1]:g}",
                    size="xs",
                    c="dimmed",
                    id={"kind": "range-label", "cid": spec.id},
                ),
            ]
        )
    if spec.kind == "date_range":
        return dmc.DatePickerInput(
            id=ident,
            label=label,
            type="range",
            value=value if isinstance(value, list) and len(value) == 2 else [None, None],
            minDate=options.get("min"),
            maxDate=options.get("max"),
            clearable=True,
        )
    if spec.kind == "switch":
        kind = "preview-filter" if preview else "filter-switch"
        return dmc.Switch(id={"kind": kind, "cid": spec.id}, label=label, checked=bool(value))
    return dmc.TextInput(
        id=ident, label=label, value=value or "", placeholder="contains…", debounce=400
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


def metric_card(value: Any, unfiltered: Any, unit: str) -> Any:
    shown = _number(value)
    parts = [
        dmc.Text(
            f"{shown}{(' ' + unit) if unit and value is not None else ''}",
            fz=28,
            fw=700,
            className="bv-metric-value",
        )
    ]
    if unfiltered != value:
        parts.append(
            dmc.Text(
                f"of {_number(unfiltered)} unfiltered",
                size="xs",
                c="dimmed",
                className="bv-metric-reference",
            )
        )
    return parts


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)
