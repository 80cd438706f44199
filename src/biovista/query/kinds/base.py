"""What the query side knows of one component type: its model, how it computes, its cost.

A :class:`ComponentKind` is registered once (:func:`biovista.query.kinds.register`); the
render path, the result cache keys and the readers of :class:`DashboardData` ask the
registry instead of testing types. How a kind draws is the web layer's half
(:mod:`biovista.web.common.kinds`), registered under the same ``type``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from biovista.models.dashboard import ComponentBase, FigureComponent, FilterState

if TYPE_CHECKING:
    from biovista.query.dashboard import DashboardData

Compute = Callable[["DashboardData", Any, FilterState, int], Any]
"""(data, component, state, points) -> the result the codec stores and the web draws."""
Rows = Callable[
    ["DashboardData", Any, FilterState, int, int, list[tuple[str, bool]], Any],
    tuple[pl.DataFrame, int],
]
"""(data, component, state, offset, limit, sort, grid filters) -> a page of rows, the total."""


def _nothing(_: Any) -> int:
    return 0


def _no_figure(_: Any, __: list[str]) -> FigureComponent | None:
    return None


@dataclass(frozen=True)
class ComponentKind:
    """One component type's compute half."""

    model: type[ComponentBase]
    """Its spec fields (the pydantic model registered with the dashboard format)."""
    compute: Compute | None = None
    """Its result under a filter state; None for a component without data (text)."""
    cost: Callable[[Any], int] = _nothing
    """A rough rank of its work, to start the longest first (ranks need sorts)."""
    filters_itself: bool = True
    """False when its own selection is left out of the conditions that reach it: a chart
    keeps showing what one selects on it, and only the rest of the dashboard narrows."""
    beside_unfiltered: bool = False
    """Its result is shown beside its value over all rows (a metric card)."""
    figure: Callable[[Any, list[str]], FigureComponent | None] = _no_figure
    """The chart that draws it, given its collection's columns; None when not a chart."""
    rows: Rows | None = None
    """Its pages of rows for a server-side grid; None when it shows no grid."""

    @property
    def type(self) -> str:
        name: str = self.model.model_fields["type"].default
        return name
