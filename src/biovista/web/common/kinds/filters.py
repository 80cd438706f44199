"""A filter control: select, multiselect, range slider, date range, switch or search box.

Its choices are computed with the card (they come from all rows), so the card is drawn
whole; a failure to read them is shown in the card."""

from __future__ import annotations

from typing import Any, get_args

import dash_mantine_components as dmc
from dash import html

from biovista.errors import BiovistaError
from biovista.models.dashboard import FilterComponent, FilterKind, FilterState
from biovista.query.dashboard import DashboardData
from biovista.web.common.components import error_box
from biovista.web.common.kinds.base import COLUMN, DrawKind, Form


def control(component: Any, data: DashboardData, state: FilterState) -> Any:
    try:
        return filter_control(component, data.options(component.id), state.values.get(component.id))
    except BiovistaError as exc:
        return error_box(exc)


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


def preview(data: DashboardData, component: Any) -> Any:
    shown = filter_control(component, data.options_for(component), None, True)
    return html.Div(shown, id="preview-filter")


def fields(_: str | None) -> tuple[str, ...]:
    return ("column",)


DRAW = DrawKind(
    "filter",
    control,
    preview=preview,
    form=Form("kind", get_args(FilterKind), fields, (COLUMN,)),
)
