"""A Plotly chart: reduced to bounded points or aggregates; selecting on it filters the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from biovista.models.dashboard import FigureComponent, FilterState
from biovista.query.kinds.base import ComponentKind

if TYPE_CHECKING:
    from biovista.query.dashboard import DashboardData

RANKED = ("box", "violin")
"""Kinds whose statistics need sorted values: the slowest to compute."""


def compute(data: DashboardData, component: Any, state: FilterState, points: int) -> Any:
    return data.figure_for(data.figure_spec(component.id), state, points)


def cost(component: FigureComponent) -> int:
    return 3 if component.kind in RANKED else 1


def itself(component: FigureComponent, _: list[str]) -> FigureComponent:
    return component


KIND = ComponentKind(
    FigureComponent, compute=compute, cost=cost, filters_itself=False, figure=itself
)
