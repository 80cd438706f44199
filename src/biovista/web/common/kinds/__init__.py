"""The component kinds the web draws: one registry, one module per kind.

A new kind adds a module here with a :class:`DrawKind` (its card, outputs, preview, HTML
export and editor form), registered with :func:`register` under the ``type`` of its
compute half in :mod:`biovista.query.kinds`.
"""

from __future__ import annotations

from typing import Any

from biovista.errors import InvalidInputError
from biovista.web.common.kinds import figure, filters, image, metric, multiqc, table, text
from biovista.web.common.kinds.base import DrawKind, Field, Form, HtmlExport, Slot

_KINDS: dict[str, DrawKind] = {}


def register(kind: DrawKind) -> DrawKind:
    _KINDS[kind.type] = kind
    return kind


def unregister(type_name: str) -> None:
    _KINDS.pop(type_name, None)


def draw_of(component: Any) -> DrawKind:
    """The registered drawing of a component (or of a type name)."""
    name = component if isinstance(component, str) else component.type
    found = _KINDS.get(name)
    if found is None:
        raise InvalidInputError(f"no component type {name!r} to draw")
    return found


def types() -> tuple[str, ...]:
    """Every drawn component type, in the order the editor offers them."""
    return tuple(_KINDS)


def types_in(slot: Slot) -> tuple[str, ...]:
    """The component types that fill a viewer output."""
    return tuple(name for name, kind in _KINDS.items() if slot in kind.slots)


def form_fields() -> dict[str, Field]:
    """Every kind's form inputs by setting name."""
    found: dict[str, Field] = {}
    for kind in _KINDS.values():
        for widget in kind.form.widgets:
            found.setdefault(widget.name, widget)
    return found


for _builtin in (figure, metric, filters, table, text, image, multiqc):
    register(_builtin.DRAW)

__all__ = [
    "DrawKind",
    "Field",
    "Form",
    "HtmlExport",
    "Slot",
    "draw_of",
    "form_fields",
    "register",
    "types",
    "types_in",
    "unregister",
]
