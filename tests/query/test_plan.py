"""RequestPlan: each collection's filtered rows computed once per request, hot or cold alike."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from deltalake import write_deltalake

from biovista.models.dashboard import DashboardSpec, FilterState, Selection
from biovista.models.project import LinkConfig
from biovista.query.conditions import ROW_COLUMN
from biovista.query.hot import HotTables, TableVersion
from biovista.query.plan import RequestPlan

PHYSICAL = pl.DataFrame(
    {
        "individual_id": ["a", "b", "c", "d", "e", "f"],
        "body_mass_g": [3000.0, 3500.0, 5000.0, 5500.0, 3700.0, 4100.0],
    }
)
DEMOGRAPHICS = pl.DataFrame(
    {
        "individual_id": ["a", "b", "c", "d", "e", "f"],
        "sex": ["male", "female", "male", "female", "male", "male"],
    }
)
LINKS = [
    LinkConfig.model_validate(
        {"from": "demographics.individual_id", "to": "physical.individual_id"}
    )
]
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
                        "type": "figure",
                        "id": "scatter",
                        "kind": "scatter",
                        "collection": "physical",
                        "x": "body_mass_g",
                        "y": "body_mass_g",
                    },
                ],
            }
        ]
    }
)
MALES = FilterState(values={"sex": "male"})


@pytest.fixture
def tables(tmp_path: Path) -> dict[str, TableVersion]:
    made = {}
    for name, frame in (("physical", PHYSICAL), ("demographics", DEMOGRAPHICS)):
        write_deltalake(str(tmp_path / name), frame.to_arrow())
        made[name] = TableVersion(str(tmp_path / name), 0)
    return made


def plan(tables: dict[str, TableVersion], state: FilterState, hot: bool) -> RequestPlan:
    return RequestPlan(tables, LINKS, SPEC, state, HotTables(10**6) if hot else None)


def ids(frame: pl.LazyFrame) -> list[str]:
    return sorted(frame.select("individual_id").collect()["individual_id"].to_list())


@pytest.mark.parametrize("hot", [True, False], ids=["memory", "storage"])
def test_a_linked_filter_reaches_the_other_collection(
    tables: dict[str, TableVersion], hot: bool
) -> None:
    request = plan(tables, MALES, hot)
    assert request.is_hot("physical") is hot
    assert ids(request.frame("physical")) == ["a", "c", "e", "f"]
    assert ids(request.frame("demographics")) == ["a", "c", "e", "f"]
    rows = request.frame("physical").select(ROW_COLUMN).collect()[ROW_COLUMN].to_list()
    assert sorted(rows) == [0, 2, 4, 5]  # row ids of the unfiltered table survive


def test_each_filtered_frame_is_computed_once(tables: dict[str, TableVersion]) -> None:
    request = plan(tables, MALES, hot=True)
    assert request.frame("physical") is request.frame("physical")
    assert request.source("demographics") is request.source("demographics")


def test_a_figure_is_not_filtered_by_its_own_selection(tables: dict[str, TableVersion]) -> None:
    state = FilterState(selections={"scatter": Selection(x_range=(3400, 4200))})
    request = plan(tables, state, hot=True)
    assert ids(request.frame("physical")) == ["b", "e", "f"]
    assert ids(request.frame("physical", skip="scatter")) == ["a", "b", "c", "d", "e", "f"]
    assert ids(request.frame("demographics")) == ["b", "e", "f"]  # reached through the link


def test_key_filters_only_for_conditions_arriving_through_one_link(
    tables: dict[str, TableVersion],
) -> None:
    request = plan(tables, MALES, hot=False)
    through_link = request.key_filter("physical")
    assert through_link is not None and through_link.column == "individual_id"
    assert through_link.keys is not None
    assert sorted(through_link.keys.to_list()) == ["a", "c", "e", "f"]
    assert request.key_filter("demographics") is None  # its own column is filtered
    unfiltered = plan(tables, FilterState(), hot=False).key_filter("physical")
    assert unfiltered is not None and unfiltered.keys is None


def test_a_sample_of_memory_rows_keeps_every_kth_and_counts_all(
    tables: dict[str, TableVersion],
) -> None:
    request = plan(tables, MALES, hot=True)
    sampled = request.sample("physical", None, max_points=2)
    assert sampled is not None
    frame, total = sampled
    assert total == 4
    assert frame.collect()["individual_id"].to_list() == ["a", "e"]  # rows 0 and 4 of 0,2,4,5
    assert plan(tables, MALES, hot=False).sample("physical", None, 2) is None
