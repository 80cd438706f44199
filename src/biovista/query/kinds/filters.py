"""A filter control: its choices come from all rows, so choosing one never hides the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from biovista.models.dashboard import FilterComponent, FilterState
from biovista.query.kinds.base import ComponentKind

if TYPE_CHECKING:
    from biovista.query.dashboard import DashboardData


def compute(data: DashboardData, component: Any, _: FilterState, __: int) -> Any:
    return data.options(component.id)


KIND = ComponentKind(FilterComponent, compute=compute)
