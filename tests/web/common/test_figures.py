"""Figures drawn from the engine's summaries, and what clicking them selects."""

from __future__ import annotations

import polars as pl

from biovista.models.dashboard import FigureComponent, FilterState, Selection
from biovista.models.filter_state import decode_state, encode_state, selection_from
from biovista.query import ROW_COLUMN, figure_data
from biovista.web.common.figures import build_figure

BIRDS = pl.LazyFrame(
    {
        "sex": ["female", "male", "female", "male", "male", "female"],
        "mass": [3000.0, 3500.0, 5000.0, 5500.0, 3700.0, 4100.0],
        "bill": [39.1, 39.5, 40.3, 36.7, 39.3, 38.9],
    }
).with_row_index(ROW_COLUMN)


def figure(kind: str, **columns: str) -> FigureComponent:
    return FigureComponent(id="f", collection="birds", kind=kind, **columns)


def test_a_histogram_draws_its_bins_and_a_click_selects_the_bin_range() -> None:
    spec = figure("histogram", x="mass")
    drawn = build_figure(spec, figure_data(BIRDS, spec))
    bars = drawn.data[0]
    assert sum(bars.y) == 6
    first = list(bars.customdata[0])
    assert first[0] == "bin" and first[1] == 3000.0
    event = {"points": [{"customdata": first}, {"customdata": list(bars.customdata[-1])}]}
    chosen = selection_from(event)
    assert chosen == Selection(x_range=(3000.0, 5500.0))


def test_boxes_use_the_exact_statistics_and_violins_their_bins() -> None:
    spec = figure("box", x="sex", y="mass")
    boxes = build_figure(spec, figure_data(BIRDS, spec)).data
    assert [b.x[0] for b in boxes] == ["female", "male"]
    assert boxes[0].median[0] == 4100.0 and boxes[1].q1[0] == 3600.0
    spec = figure("violin", x="sex", y="mass")
    traces = build_figure(spec, figure_data(BIRDS, spec)).data
    assert [t.type for t in traces] == ["violin", "box", "violin", "box"]
    assert min(traces[0].y) >= 3000.0 and max(traces[0].y) <= 5500.0


def test_points_select_rows_and_the_state_round_trips_through_the_url() -> None:
    spec = figure("scatter", x="bill", y="mass")
    drawn = build_figure(spec, figure_data(BIRDS, spec))
    rows = [int(c[0]) for c in drawn.data[0].customdata[:2]]
    chosen = selection_from({"points": [{"customdata": [r]} for r in rows]})
    assert chosen == Selection(rows=[0, 1])
    state = FilterState(selections={"f": chosen})
    assert decode_state(encode_state(state)) == state
