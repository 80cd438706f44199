"""The editor's component form: type -> collection -> kind -> columns, with a live preview.

One form adds a component and edits an existing one. Which fields it shows follows from
the component type and kind (a heatmap asks for z, a percentile card for the percentile),
so the form never offers a setting the component would ignore. Each kind declares its
form (:attr:`biovista.web.common.kinds.DrawKind.form`)."""

from __future__ import annotations

from functools import cache
from typing import Any

import dash_mantine_components as dmc
from dash import dcc, html
from pydantic import TypeAdapter

from biovista.models.dashboard import Component, component_models
from biovista.web.common.kinds import Field, draw_of, form_fields
from biovista.web.common.kinds import types as kind_types


def fields_for(kind_of: str | None, kind: str | None) -> tuple[str, ...]:
    """The settings a component of this type and kind uses, in the order the form shows them."""
    if kind_of not in kind_types():
        return ()
    return draw_of(kind_of).form.fields(kind)


def kind_choices(kind_of: str | None) -> tuple[str | None, list[str]]:
    """The model attribute holding a type's kind, and its choices (none for tables, text...)."""
    if kind_of not in kind_types():
        return None, []
    asked = draw_of(kind_of).form
    return asked.attribute, list(asked.choices)


def field_inputs(names: tuple[str, ...], columns: list[str], values: dict[str, Any]) -> Any:
    """The inputs of the given settings, keeping the values already chosen."""
    known = form_fields()
    return dmc.SimpleGrid([_input(known[n], columns, values.get(n)) for n in names], cols=3)


def _input(field: Field, columns: list[str], value: Any) -> Any:
    ident = {"kind": "field", "name": field.name}
    if field.widget == "column":
        data = sorted(set(columns) | ({value} if isinstance(value, str) else set()))
        return dmc.Select(
            id=ident, label=field.label, data=data, value=value, clearable=True, searchable=True
        )
    if field.widget == "columns":
        chosen = value if isinstance(value, list) else []
        return dmc.MultiSelect(
            id=ident,
            label=field.label,
            data=sorted(set(columns) | set(chosen)),
            value=chosen,
            clearable=True,
            searchable=True,
        )
    if field.widget == "bool":
        flag = {"kind": "flag", "name": field.name}
        return dmc.Switch(id=flag, label=field.label, checked=bool(value), mt="lg")
    if field.widget == "number":
        return dmc.NumberInput(id=ident, label=field.label, value=value, debounce=400)
    if field.widget == "textarea":
        return dmc.Textarea(
            id=ident, label=field.label, value=value or "", autosize=True, minRows=3, debounce=400
        )
    return dmc.TextInput(id=ident, label=field.label, value=value or "", debounce=400)


def collected(
    field_ids: list[dict[str, Any]],
    values: list[Any],
    flag_ids: list[dict[str, Any]],
    checks: list[Any],
) -> dict[str, Any]:
    """The form's current values by setting name (switches report ``checked``, not ``value``)."""
    found = {ident["name"]: value for ident, value in zip(field_ids, values, strict=True)}
    found |= {ident["name"]: bool(on) for ident, on in zip(flag_ids, checks, strict=True)}
    return found


def document(
    kind_of: str,
    component_id: str,
    collection: str | None,
    kind: str | None,
    title: str | None,
    values: dict[str, Any],
) -> dict[str, Any]:
    """The component as the dashboard file writes it, from the form's values."""
    result: dict[str, Any] = {"type": kind_of, "id": component_id, "title": (title or "").strip()}
    if "collection" in component_models()[kind_of].model_fields:
        result["collection"] = collection
    attribute, _ = kind_choices(kind_of)
    if attribute and kind:
        result[attribute] = kind
    for name in fields_for(kind_of, kind):
        value = values.get(name)
        if value not in (None, "", []):
            result[name] = value
    return result


def build(document_: dict[str, Any]) -> Any:
    return _adapter(tuple(component_models())).validate_python(document_)


@cache
def _adapter(_: tuple[str, ...]) -> TypeAdapter[Any]:
    """The component union as registered (a kind registered later makes a new one)."""
    return TypeAdapter(Component)


def values_of(component: Any) -> dict[str, Any]:
    """A saved component's settings, to fill the form for editing it."""
    dumped = component.model_dump(mode="json")
    attribute, _ = kind_choices(component.type)
    return {
        "type": component.type,
        "collection": dumped.get("collection"),
        "kind": dumped.get(attribute) if attribute else None,
        "title": component.title,
        "fields": {k: v for k, v in dumped.items() if k in form_fields()},
    }


def form_modal(collections: list[str], tab_names: list[str]) -> Any:
    """The modal holding the form; it opens empty to add, filled to edit."""
    return dmc.Modal(
        dmc.Stack(
            [
                dcc.Store(id="form-target"),
                dcc.Store(id="form-prefill"),
                dmc.SegmentedControl(
                    id="form-type", data=list(kind_types()), value="figure", fullWidth=True
                ),
                dmc.Group(
                    [
                        dmc.Select(
                            id="form-collection",
                            label="Collection",
                            data=collections,
                            value=collections[0] if collections else None,
                            allowDeselect=False,
                            w=200,
                        ),
                        dmc.Select(
                            id="form-kind", label="Kind", data=[], allowDeselect=False, w=160
                        ),
                        dmc.TextInput(id="form-title", label="Title", w=220),
                        dmc.Select(
                            id="form-tab",
                            label="Tab",
                            data=[{"value": str(n), "label": t} for n, t in enumerate(tab_names)],
                            allowDeselect=False,
                            w=160,
                        ),
                    ],
                    align="end",
                ),
                html.Div(id="form-fields"),
                dmc.Text("Preview", fw=600, size="sm"),
                html.Div(id="form-preview", className="bv-preview"),
                html.Div(id="form-error"),
                dmc.Group(
                    [
                        dmc.Button("Cancel", id="form-cancel", variant="default"),
                        dmc.Button("Add to dashboard", id="form-save"),
                    ],
                    justify="flex-end",
                ),
            ]
        ),
        id="form-modal",
        title="Add a component",
        size="xl",
    )
