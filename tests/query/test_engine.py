"""The query engine on small real frames: conditions, links across collections, results."""

from __future__ import annotations

import polars as pl
import pytest

from biovista.errors import InvalidInputError
from biovista.models.dashboard import (
    DashboardSpec,
    FigureComponent,
    FilterComponent,
    FilterState,
    MetricComponent,
    Selection,
)
from biovista.models.project import LinkConfig
from biovista.query import (
    ROW_COLUMN,
    conditions_for,
    csv_export,
    figure_data,
    filter_options,
    metric_value,
    restrict,
    table_page,
)

PHYSICAL = pl.DataFrame(
    {
        "individual_id": ["a", "b", "c", "d", "e"],
        "species": ["Adelie", "Adelie", "Gentoo", "Gentoo", "Chinstrap"],
        "body_mass_g": [3000.0, 3500.0, 5000.0, 5500.0, 3700.0],
    }
)
DEMOGRAPHICS = pl.DataFrame(
    {
        "individual_id": ["a", "b", "c", "d", "e"],
        "island": ["Torgersen", "Biscoe", "Biscoe", "Biscoe", "Dream"],
        "sex": ["male", "female", "male", "female", "male"],
    }
)
ISLANDS = pl.DataFrame({"island": ["Torgersen", "Biscoe", "Dream"], "area_km2": [1.0, 9.0, 4.0]})
LINKS = [
    LinkConfig.model_validate(
        {"from": "demographics.individual_id", "to": "physical.individual_id"}
    ),
    LinkConfig.model_validate({"from": "islands.island", "to": "demographics.island"}),
]
MASS = MetricComponent(id="mass", collection="physical", agg="mean", column="body_mass_g")
SPEC = DashboardSpec.model_validate(
    {
        "tabs": [
            {
                "name": "T",
                "components": [
                    {
                        "type": "filter",
                        "id": "sex",
                        "kind": "select",
                        "collection": "demographics",
                        "column": "sex",
                    },
                    {
                        "type": "filter",
                        "id": "mass",
                        "kind": "range",
                        "collection": "physical",
                        "column": "body_mass_g",
                    },
                    {
                        "type": "filter",
                        "id": "area",
                        "kind": "range",
                        "collection": "islands",
                        "column": "area_km2",
                    },
                    {
                        "type": "figure",
                        "id": "bars",
                        "kind": "bar",
                        "collection": "physical",
                        "x": "species",
                    },
                ],
            }
        ]
    }
)


def tables() -> dict[str, pl.LazyFrame]:
    return {
        "physical": PHYSICAL.lazy(),
        "demographics": DEMOGRAPHICS.lazy(),
        "islands": ISLANDS.lazy(),
    }


def physical(state: FilterState, skip: str | None = None) -> pl.LazyFrame:
    return restrict(tables(), LINKS, conditions_for(SPEC, state, skip), "physical")


def test_a_filter_on_a_linked_collection_restricts_this_one() -> None:
    females = physical(FilterState(values={"sex": "female"}))
    assert sorted(females.collect()["individual_id"]) == ["b", "d"]
    assert metric_value(females, MASS) == pytest.approx(4500.0)


def test_filters_follow_links_over_two_hops_and_combine() -> None:
    big_islands = FilterState(values={"area": [5, None]})
    assert sorted(physical(big_islands).collect()["individual_id"]) == ["b", "c", "d"]
    both = FilterState(values={"area": [5, None], "mass": [3600, None]})
    assert sorted(physical(both).collect()["individual_id"]) == ["c", "d"]


def test_a_selection_filters_everything_but_its_own_figure() -> None:
    state = FilterState(selections={"bars": Selection(categories=["Gentoo"])})
    assert physical(state).collect().height == 2
    assert physical(state, skip="bars").collect().height == 5


def test_bar_figures_arrive_grouped_and_scatter_sampled_deterministically() -> None:
    bars = figure_data(physical(FilterState()), SPEC.component("bars"))
    assert dict(zip(bars.frame["species"], bars.frame["count"], strict=True)) == {
        "Adelie": 2,
        "Chinstrap": 1,
        "Gentoo": 2,
    }
    scatter = FigureComponent(
        id="s", collection="physical", kind="scatter", x="body_mass_g", y="body_mass_g"
    )
    first = figure_data(physical(FilterState()), scatter, max_points=2)
    again = figure_data(physical(FilterState()), scatter, max_points=2)
    assert (first.shown, first.total, first.reduced) == (2, 5, True)
    assert first.frame[ROW_COLUMN].to_list() == again.frame[ROW_COLUMN].to_list()


def test_row_selection_uses_ids_stable_under_other_filters() -> None:
    state = FilterState(values={"sex": "male"}, selections={"bars": Selection(rows=[0, 1, 2])})
    assert sorted(physical(state).collect()["individual_id"]) == ["a", "c"]


@pytest.mark.parametrize(
    ("agg", "expected"),
    [
        ("count", 5),
        ("distinct", 5),
        ("sum", 20700.0),
        ("median", 3700.0),
        ("min", 3000.0),
        ("max", 5500.0),
    ],
)
def test_metrics(agg: str, expected: float) -> None:
    spec = MetricComponent(id="m", collection="physical", agg=agg, column="body_mass_g")  # type: ignore[arg-type]
    assert metric_value(physical(FilterState()), spec) == pytest.approx(expected)


def test_percentile_and_no_rows() -> None:
    p50 = MetricComponent(
        id="p", collection="physical", agg="percentile", column="body_mass_g", percentile=50
    )
    assert metric_value(physical(FilterState()), p50) == pytest.approx(3700.0)
    nobody = physical(FilterState(values={"mass": [9000, None]}))
    assert metric_value(nobody, MASS) is None


def test_table_page_with_grid_sort_and_filters() -> None:
    frame = physical(FilterState())
    rows, total = table_page(
        frame,
        [],
        0,
        2,
        sort=[("body_mass_g", True)],
        grid_filters={
            "body_mass_g": {
                "filterType": "number",
                "type": "inRange",
                "filter": 3400,
                "filterTo": 5200,
            }
        },
    )
    assert total == 3
    assert rows["body_mass_g"].to_list() == [5000.0, 3700.0]
    assert ROW_COLUMN not in rows.columns
    with pytest.raises(InvalidInputError, match="unsupported table filter"):
        table_page(frame, [], 0, 2, grid_filters={"species": {"filterType": "set", "type": "x"}})


def test_filter_options_and_csv() -> None:
    frame = physical(FilterState())
    species = FilterComponent(id="sp", collection="physical", kind="multiselect", column="species")
    assert filter_options(frame, species) == {
        "values": ["Adelie", "Chinstrap", "Gentoo"],
        "truncated": False,
    }
    mass = FilterComponent(id="m", collection="physical", kind="range", column="body_mass_g")
    assert filter_options(frame, mass) == {"min": 3000.0, "max": 5500.0}
    text = csv_export(physical(FilterState(values={"sex": "female"})), ["individual_id"]).decode()
    assert text.splitlines() == ["individual_id", "b", "d"]


def test_unknown_columns_and_collections_are_named() -> None:
    bad = FigureComponent(id="f", collection="physical", kind="bar", x="spieces")
    with pytest.raises(InvalidInputError, match="'spieces'"):
        figure_data(physical(FilterState()), bad)
    with pytest.raises(InvalidInputError, match="unknown collection 'nowhere'"):
        restrict(tables(), LINKS, [], "nowhere")
