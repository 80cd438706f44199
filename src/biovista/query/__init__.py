"""The query engine: component spec + filter state -> a bounded, ready-to-draw result.

Filters are pushed into the lazy Delta scans; links carry them across collections."""

from biovista.query.conditions import ROW_COLUMN, Condition, apply, conditions_for
from biovista.query.links import restrict
from biovista.query.results import (
    Reduced,
    csv_export,
    figure_data,
    filter_options,
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
    "metric_value",
    "restrict",
    "table_page",
]
