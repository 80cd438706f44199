"""Markdown text: drawn whole with the card; nothing to compute."""

from __future__ import annotations

import html as markup
from typing import Any

import dash_mantine_components as dmc
from dash import dcc

from biovista.models.dashboard import FilterState
from biovista.query.dashboard import DashboardData
from biovista.web.common.kinds.base import DrawKind, Field, Form, HtmlExport


def markdown(component: Any, _: DashboardData, __: FilterState) -> Any:
    return dcc.Markdown(component.markdown, className="bv-markdown")


def preview(_: DashboardData, component: Any) -> Any:
    if not component.markdown.strip():
        return dmc.Text("Write some markdown to see it here.", c="dimmed", id="preview-text")
    return dcc.Markdown(component.markdown, id="preview-text")


def export(_: HtmlExport, __: DashboardData, component: Any, ___: FilterState) -> str:
    return f"<pre>{markup.escape(component.markdown)}</pre>"


def fields(_: str | None) -> tuple[str, ...]:
    return ("markdown",)


DRAW = DrawKind(
    "text",
    markdown,
    preview=preview,
    export=export,
    form=Form(None, (), fields, (Field("markdown", "markdown", "textarea"),)),
)
