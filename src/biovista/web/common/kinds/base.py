"""What the web knows of one component type: its card, which viewer outputs it fills, its
preview, its HTML export and its editor form.

A :class:`DrawKind` is registered under the same ``type`` as the kind's compute half
(:class:`biovista.query.kinds.ComponentKind`); the viewer, the editor and the exports ask
the registry (:mod:`biovista.web.common.kinds`) instead of testing types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from biovista.models.dashboard import FilterState
from biovista.query.dashboard import DashboardData

Widget = Literal["column", "columns", "bool", "text", "textarea", "number"]
Slot = Literal["graph", "metric", "table"]
"""The viewer's data outputs: a chart, a metric card, a server-side grid."""


@dataclass(frozen=True)
class Field:
    """One setting in the editor's form: the model attribute, its label and its input."""

    name: str
    label: str
    widget: Widget


def _none(_: str | None) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class Form:
    """How the editor's form asks for a component of this type."""

    attribute: str | None = None
    """The model attribute holding its kind (a figure's ``kind``, a metric's ``agg``)."""
    choices: tuple[str, ...] = ()
    fields: Callable[[str | None], tuple[str, ...]] = _none
    """The settings a component of this kind uses, in the order the form shows them."""
    widgets: tuple[Field, ...] = ()
    """The inputs of those settings."""


@dataclass
class HtmlExport:
    """The standalone HTML file being written: plotly.js is inlined once, in the first chart."""

    plotly_included: bool = False


Body = Callable[[Any, DashboardData, FilterState], Any]
Preview = Callable[[DashboardData, Any], Any]
Export = Callable[[HtmlExport, DashboardData, Any, FilterState], str]


@dataclass(frozen=True)
class DrawKind:
    """One component type's drawing half."""

    type: str
    body: Body
    """The part of its card that does not change with the filter state (or a placeholder
    the viewer's data callback fills)."""
    slots: tuple[Slot, ...] = ()
    """The viewer outputs it may fill; a component asked for in another is refused."""
    csv: bool = False
    """Its card offers its filtered rows as CSV."""
    preview: Preview | None = None
    """The editor's live preview; None shows its first rows."""
    export: Export | None = None
    """Its part of the standalone HTML export; None leaves the section empty."""
    form: Form = field(default_factory=Form)


COLUMN = Field("column", "column", "column")
"""The one-column setting several kinds share."""
