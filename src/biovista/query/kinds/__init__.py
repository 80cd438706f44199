"""The component kinds the query layer computes: one registry, one module per kind.

A new kind is a module here with a model and a :class:`ComponentKind` (how it computes,
its cost, whether it filters itself), registered with :func:`register`, and its drawing
registered in :mod:`biovista.web.common.kinds`. Nothing else tests component types.
"""

from __future__ import annotations

from typing import Any

from biovista.errors import InvalidInputError
from biovista.models.dashboard import register_model, unregister_model
from biovista.query.kinds import figure, filters, image, metric, multiqc, table, text
from biovista.query.kinds.base import ComponentKind

_KINDS: dict[str, ComponentKind] = {}


def register(kind: ComponentKind) -> ComponentKind:
    """Add (or replace) a kind; its model joins the dashboard format."""
    _KINDS[kind.type] = kind
    register_model(kind.model)
    return kind


def unregister(type_name: str) -> None:
    _KINDS.pop(type_name, None)
    unregister_model(type_name)


def kind_of(component: Any) -> ComponentKind:
    """The registered kind of a component (or of a type name)."""
    name = component if isinstance(component, str) else component.type
    found = _KINDS.get(name)
    if found is None:
        raise InvalidInputError(f"no component type {name!r}")
    return found


def kinds() -> list[ComponentKind]:
    """Every registered kind, in the order the editor offers them."""
    return list(_KINDS.values())


def drawn_as_figure(component: Any, columns: list[str]) -> Any:
    """The chart that draws ``component`` (itself, for a figure), or None."""
    return kind_of(component).figure(component, columns)


for _builtin in (figure, metric, filters, table, text, image, multiqc):
    _KINDS[_builtin.KIND.type] = _builtin.KIND

__all__ = ["ComponentKind", "drawn_as_figure", "kind_of", "kinds", "register", "unregister"]
