"""Conditions carried across collections by the project's links, both ways and over hops."""

from __future__ import annotations

import polars as pl
import pytest

from biovista.errors import InvalidInputError
from biovista.models.project import LinkConfig
from biovista.query import ROW_COLUMN, Condition, restrict

PHYSICAL = pl.DataFrame(
    {
        "individual_id": ["a", "b", "c", "d", "e", "f"],
        "species": ["Adelie", "Adelie", "Gentoo", "Gentoo", "Chinstrap", "Adelie"],
        "body_mass_g": [3000.0, 3500.0, 5000.0, 5500.0, 3700.0, 3300.0],
    }
)
DEMOGRAPHICS = pl.DataFrame(
    {
        "individual_id": ["a", "b", "c", "d", "e", "f"],
        "island": ["Torgersen", "Biscoe", "Biscoe", "Biscoe", "Dream", "Dream"],
        "sex": ["male", "female", "male", "female", "male", "female"],
    }
)
ISLANDS = pl.DataFrame(
    {"name": ["Torgersen", "Biscoe", "Dream"], "area_km2": [1.0, 9.0, 4.0]}
)  # linked to demographics only
RUNS = pl.DataFrame({"run": ["r1", "r2"], "ok": [True, False]})  # linked to nothing
LINKS = [
    LinkConfig.model_validate(
        {"from": "demographics.individual_id", "to": "physical.individual_id"}
    ),
    LinkConfig.model_validate({"from": "islands.name", "to": "demographics.island"}),
]


def tables() -> dict[str, pl.LazyFrame]:
    return {
        "physical": PHYSICAL.lazy(),
        "demographics": DEMOGRAPHICS.lazy(),
        "islands": ISLANDS.lazy(),
        "runs": RUNS.lazy(),
    }


def rows(collection: str, *conditions: Condition, column: str = "individual_id") -> list[str]:
    result = restrict(tables(), LINKS, list(conditions), collection).collect()
    return list(result[column])


FEMALE = Condition("demographics", "sex", "eq", "female")
HEAVY = Condition("physical", "body_mass_g", "between", [3400, None])
BIG = Condition("islands", "area_km2", "between", [5, None])


def test_without_conditions_every_row_with_its_row_id() -> None:
    result = restrict(tables(), LINKS, [], "physical").collect()
    assert result.columns == [ROW_COLUMN, "individual_id", "species", "body_mass_g"]
    assert result[ROW_COLUMN].to_list() == [0, 1, 2, 3, 4, 5]


def test_a_condition_on_the_collection_itself() -> None:
    assert rows("physical", HEAVY) == ["b", "c", "d", "e"]


def test_a_link_carries_a_filter_from_target_to_source_and_back() -> None:
    assert rows("physical", FEMALE) == ["b", "d", "f"]
    assert rows("demographics", HEAVY) == ["b", "c", "d", "e"]


def test_own_and_linked_conditions_combine() -> None:
    assert rows("physical", FEMALE, HEAVY) == ["b", "d"]
    assert rows("demographics", FEMALE, HEAVY) == ["b", "d"]


def test_filters_follow_links_over_two_hops() -> None:
    assert rows("physical", BIG) == ["b", "c", "d"]
    assert rows("physical", BIG, FEMALE) == ["b", "d"]
    small = Condition("islands", "area_km2", "between", [None, 5])
    assert len(rows("physical", small)) == 3  # a, e, f
    # and back: islands that have a heavy penguin (b, c, d on Biscoe; e on Dream)
    assert rows("islands", HEAVY, column="name") == ["Biscoe", "Dream"]


def test_row_selections_travel_by_the_unfiltered_row_ids() -> None:
    picked = Condition("physical", ROW_COLUMN, "in", [0, 2])  # a and c
    assert rows("demographics", picked, column="island") == ["Torgersen", "Biscoe"]
    assert rows("islands", picked, column="name") == ["Torgersen", "Biscoe"]


def test_unconnected_collections_are_ignored() -> None:
    not_ok = Condition("runs", "ok", "eq", False)
    assert len(rows("physical", not_ok)) == 6
    assert rows("runs", not_ok, FEMALE, column="run") == ["r2"]
    assert rows("physical", Condition("elsewhere", "x", "eq", 1)) == list("abcdef")


def test_keys_of_different_types_still_match() -> None:
    numbered = {
        "samples": pl.LazyFrame({"sample": [1, 2, 3], "depth": [10, 50, 90]}),
        "reads": pl.LazyFrame({"sample": ["1", "1", "3", "2"], "reads": [5, 6, 7, 8]}),
    }
    link = [LinkConfig.model_validate({"from": "reads.sample", "to": "samples.sample"})]
    deep = Condition("samples", "depth", "between", [40, None])
    result = restrict(numbered, link, [deep], "reads").collect()
    assert result["reads"].to_list() == [7, 8]


def test_an_unknown_collection_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInputError) as error:
        restrict(tables(), LINKS, [], "nowhere")
    assert str(error.value) == (
        "unknown collection 'nowhere'; collections: demographics, islands, physical, runs"
    )


def test_an_unknown_column_in_a_condition_is_named() -> None:
    with pytest.raises(InvalidInputError, match="column 'mass' is not in collection 'physical'"):
        restrict(tables(), LINKS, [Condition("physical", "mass", "eq", 1)], "demographics")


def test_an_unknown_link_column_is_named() -> None:
    broken = [LinkConfig.model_validate({"from": "demographics.animal", "to": "physical.id"})]
    with pytest.raises(InvalidInputError) as error:
        restrict(tables(), broken, [FEMALE], "physical")
    assert "column 'animal' is not in collection 'demographics'" in str(error.value)
    assert "columns: individual_id, island, sex" in str(error.value)
