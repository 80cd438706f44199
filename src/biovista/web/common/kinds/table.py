"""A table: a server-side grid the data callback fills, with its filtered rows as CSV."""

from __future__ import annotations

import html as markup
from typing import Any

import dash_mantine_components as dmc
from dash import html

from biovista.models.dashboard import FilterState
from biovista.query.dashboard import DashboardData
from biovista.web.common.kinds.base import DrawKind, Field, Form, HtmlExport

HTML_ROWS = 200
"""The most rows a table shows in the standalone HTML export."""
PREVIEW_ROWS = 8
"""The rows the editor's preview shows."""
WIDGETS = (
    Field("columns", "columns (all when empty)", "columns"),
    Field("page_size", "rows per page", "number"),
)


def grid(component: Any, _: DashboardData, __: FilterState) -> Any:
    return html.Div(id={"kind": "table", "cid": component.id}, style={"height": "100%"})


def export(_: HtmlExport, data: DashboardData, component: Any, state: FilterState) -> str:
    """The first rows, as a plain HTML table (any kind that shows rows uses it)."""
    rows, total = data.rows(component.id, state, 0, HTML_ROWS)
    return html_table(rows.to_dicts(), total)


def html_table(rows: list[dict[str, object]], total: int) -> str:
    if not rows:
        return "<p>no rows</p>"
    head = "".join(f"<th>{markup.escape(str(c))}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{markup.escape(str(v))}</td>" for v in row.values()) + "</tr>"
        for row in rows
    )
    note = f"<p>{len(rows):,} of {total:,} rows</p>" if total > len(rows) else ""
    return f"<table><tr>{head}</tr>{body}</table>{note}"


def rows_preview(data: DashboardData, component: Any) -> Any:
    """The first rows of what a component shows: its columns, image and caption columns."""
    columns = list(getattr(component, "columns", []) or [])
    for name in ("column", "label"):
        value = getattr(component, name, None)
        if value and value not in columns:
            columns.append(value)
    rows = data.sample_rows(component.collection, columns, PREVIEW_ROWS)
    head = dmc.TableThead(dmc.TableTr([dmc.TableTh(n) for n in rows.columns]))
    body = dmc.TableTbody([dmc.TableTr([dmc.TableTd(str(v)) for v in row]) for row in rows.rows()])
    return dmc.Table([head, body], id="preview-rows", striped=True, fz="xs")


def fields(_: str | None) -> tuple[str, ...]:
    return ("columns", "page_size")


DRAW = DrawKind(
    "table",
    grid,
    slots=("table",),
    csv=True,
    preview=rows_preview,
    export=export,
    form=Form(None, (), fields, WIDGETS),
)
