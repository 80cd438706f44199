"""The query engine: component spec + filter state -> a bounded, ready-to-draw result.

Dashboards read collections that may hold millions of rows, so every answer is computed on
polars lazy scans: filters and column choices are pushed down to the files, links carry
filters across collections as semi-joins, and only aggregates or bounded samples come back.
"""

from __future__ import annotations

from biovista.query.conditions import ROW_COLUMN, Condition, apply, conditions_for
from biovista.query.links import restrict
from biovista.query.results import (
    Reduced,
    csv_export,
    figure_data,
    filter_options,
    image_page,
    metric_value,
    table_page,
)

__all__ = [
    "ROW_COLUMN",
    "Condition",
    "Reduced",
    "apply",
    "conditions_for",
    "csv_export",
    "figure_data",
    "filter_options",
    "image_page",
    "metric_value",
    "restrict",
    "table_page",
]
