"""A table: its first page when rendered, then pages the grid asks the server for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from biovista.errors import InvalidInputError
from biovista.models.dashboard import FilterState, TableComponent
from biovista.query.codec import Page
from biovista.query.kinds.base import ComponentKind

if TYPE_CHECKING:
    from biovista.query.dashboard import DashboardData


def compute(data: DashboardData, component: Any, state: FilterState, _: int) -> Any:
    page, total = data.table(component.id, state, 0, component.page_size, [], None)
    return Page(page, total)


def rows(
    data: DashboardData,
    component: Any,
    state: FilterState,
    offset: int,
    limit: int,
    sort: list[tuple[str, bool]],
    grid_filters: Any,
) -> tuple[pl.DataFrame, int]:
    if grid_filters is not None and not isinstance(grid_filters, dict):
        raise InvalidInputError("'filterModel' must be an object")
    return data.table(component.id, state, offset, limit, sort, grid_filters)


KIND = ComponentKind(TableComponent, compute=compute, rows=rows)
