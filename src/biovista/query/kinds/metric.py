"""A metric card: one number over the filtered rows, beside its value over all rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from biovista.models.dashboard import FilterState, MetricComponent
from biovista.query.kinds.base import ComponentKind

if TYPE_CHECKING:
    from biovista.query.dashboard import DashboardData

RANKED = ("median", "percentile", "distinct", "std")
"""Aggregates that need sorts or sets; sums and counts add up partials instead."""


def compute(data: DashboardData, component: Any, state: FilterState, _: int) -> Any:
    return data.metric_for(component, state)


def cost(component: MetricComponent) -> int:
    return 2 if component.agg in RANKED else 0


KIND = ComponentKind(MetricComponent, compute=compute, cost=cost, beside_unfiltered=True)
