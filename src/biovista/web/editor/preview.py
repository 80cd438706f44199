"""The live preview of a component being added or edited, computed from the real data."""

from __future__ import annotations

from typing import Any

import dash_mantine_components as dmc
from dash import dcc, html
from pydantic import ValidationError

from biovista.errors import BiovistaError
from biovista.models.dashboard import (
    FigureComponent,
    FilterComponent,
    FilterState,
    MetricComponent,
    MultiQCComponent,
    TextComponent,
)
from biovista.query.dashboard import DashboardData, OpenedDashboard
from biovista.query.kinds.multiqc import multiqc_figure
from biovista.web.common import components, figures
from biovista.web.editor import form
from biovista.web.editor.spec import problem_text

PREVIEW_ROWS = 8


def preview(context: Any, opened: OpenedDashboard, document: dict[str, Any]) -> Any:
    """What the component will show, or what is still missing, in words."""
    try:
        component = form.build(document)
        return _rendered(DashboardData(context.settings, opened), opened, component)
    except (BiovistaError, ValidationError) as exc:
        return dmc.Alert(problem_text(exc), color="yellow", title="Not ready", id="preview-problem")


def _rendered(data: DashboardData, opened: OpenedDashboard, component: Any) -> Any:
    state = FilterState()
    if isinstance(component, TextComponent):
        if not component.markdown.strip():
            return dmc.Text("Write some markdown to see it here.", c="dimmed", id="preview-text")
        return dcc.Markdown(component.markdown, id="preview-text")
    if isinstance(component, MultiQCComponent) and component.view == "plot":
        component = multiqc_figure(component, opened.columns.get(component.collection, []))
    if isinstance(component, FigureComponent):
        result = data.figure_for(component, state)
        graph = dcc.Graph(
            figure=figures.build_figure(component, result),
            id="preview-graph",
            style={"height": "320px"},
        )
        return html.Div([dmc.Text(figures.reduced_label(result), size="xs"), graph])
    if isinstance(component, MetricComponent):
        value = data.metric_for(component, state)
        return html.Div(components.metric_card(value, value, component.unit), id="preview-metric")
    if isinstance(component, FilterComponent):
        control = components.filter_control(component, data.options_for(component), None, True)
        return html.Div(control, id="preview-filter")
    columns = list(getattr(component, "columns", []) or [])
    for name in ("column", "label"):
        value = getattr(component, name, None)
        if value and value not in columns:
            columns.append(value)
    rows = data.sample_rows(component.collection, columns, PREVIEW_ROWS)
    return _rows_table(rows.columns, rows.rows())


def _rows_table(names: list[str], rows: list[tuple[Any, ...]]) -> Any:
    head = dmc.TableThead(dmc.TableTr([dmc.TableTh(n) for n in names]))
    body = dmc.TableTbody([dmc.TableTr([dmc.TableTd(str(v)) for v in row]) for row in rows])
    return dmc.Table([head, body], id="preview-rows", striped=True, fz="xs")
