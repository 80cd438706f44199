"""Filter state -> conditions, and conditions applied to one small real collection."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl
import pytest

from biovista.errors import InvalidInputError
from biovista.models.dashboard import DashboardSpec, FilterState, Selection
from biovista.query import ROW_COLUMN, Condition, apply, conditions_for

PHYSICAL = pl.DataFrame(
    {
        "individual_id": ["a", "b", "c", "d", "e"],
        "species": ["Adelie", "Adelie", "Gentoo", "Gentoo", "Chinstrap"],
        "body_mass_g": [3000.0, 3500.0, 5000.0, 5500.0, 3700.0],
        "clutch": [1, 2, 2, 3, 1],
        "adult": [True, False, True, None, True],
        "answer": ["yes", "no", "Yes", "", "TRUE"],
        "measured": [date(2024, 1, d) for d in (1, 5, 10, 15, 20)],
        "seen": [datetime(2024, 1, d, 12) for d in (1, 5, 10, 15, 20)],
    }
)


def _filter(cid: str, kind: str, column: str) -> dict[str, Any]:
    return {"type": "filter", "id": cid, "kind": kind, "collection": "physical", "column": column}


def _figure(cid: str, kind: str, **columns: Any) -> dict[str, Any]:
    return {"type": "figure", "id": cid, "kind": kind, "collection": "physical", **columns}


SPEC = DashboardSpec.model_validate(
    {
        "tabs": [
            {
                "name": "T",
                "components": [
                    _filter("sp", "select", "species"),
                    _filter("many", "multiselect", "species"),
                    _filter("mass", "range", "body_mass_g"),
                    _filter("when", "date_range", "measured"),
                    _filter("adult", "switch", "adult"),
                    _filter("find", "search", "individual_id"),
                    _figure("sc", "scatter", x="body_mass_g", y="clutch"),
                    _figure("bars", "bar", x="species"),
                    _figure("pie", "pie", x="species"),
                    _figure("sun", "sunburst", path=["species", "individual_id"]),
                    {"type": "metric", "id": "n", "collection": "physical"},
                ],
            }
        ]
    }
)


def frame() -> pl.LazyFrame:
    return PHYSICAL.lazy().with_row_index(ROW_COLUMN)


def ids(conditions: list[Condition]) -> list[str]:
    return apply(frame(), conditions).collect()["individual_id"].to_list()


def one(cid: str, value: Any) -> list[Condition]:
    return conditions_for(SPEC, FilterState(values={cid: value}))


@pytest.mark.parametrize(
    ("cid", "value", "expected"),
    [
        ("sp", "Adelie", [Condition("physical", "species", "eq", "Adelie")]),
        ("sp", "", []),
        ("sp", None, []),
        (
            "many",
            ["Adelie", "Gentoo"],
            [Condition("physical", "species", "in", ["Adelie", "Gentoo"])],
        ),
        ("many", [], []),
        ("mass", [3600, None], [Condition("physical", "body_mass_g", "between", [3600, None])]),
        ("mass", [None, None], []),
        (
            "when",
            ["2024-01-05", ""],
            [Condition("physical", "measured", "between", ["2024-01-05", None])],
        ),
        ("adult", True, [Condition("physical", "adult", "is_true", True)]),
        ("adult", False, []),
        ("find", "  B ", [Condition("physical", "individual_id", "contains", "B")]),
        ("find", "   ", []),
        ("nowhere", "x", []),  # not in the spec
        ("sc", "x", []),  # a figure, not a filter
        ("n", "x", []),  # a metric, not a filter
    ],
)
def test_filter_values_become_conditions(cid: str, value: Any, expected: list[Condition]) -> None:
    assert one(cid, value) == expected


@pytest.mark.parametrize(
    ("cid", "value", "message"),
    [
        ("sp", ["a"], "filter 'sp' (select on column 'species'): expected one value"),
        ("many", {"a": 1}, "filter 'many' (multiselect on column 'species'): expected a list"),
        ("mass", [1, 2, 3], "filter 'mass' (range on column 'body_mass_g'): expected [low, high]"),
        ("find", 5, "filter 'find' (search on column 'individual_id'): expected text"),
    ],
)
def test_malformed_filter_values_are_named(cid: str, value: Any, message: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        one(cid, value)
    assert str(error.value).startswith(message)


def test_selections_become_conditions_on_the_figure_columns() -> None:
    state = FilterState(
        selections={
            "sc": Selection(rows=[0, 4], x_range=(3000, 4000), y_range=(1, 2)),
            "bars": Selection(categories=["Gentoo"]),
            "pie": Selection(categories=["Adelie"]),
            "sun": Selection(categories=["Chinstrap"]),
            "mass": Selection(rows=[1]),  # a filter cannot hold a selection
            "gone": Selection(rows=[1]),
        }
    )
    assert conditions_for(SPEC, state) == [
        Condition("physical", ROW_COLUMN, "in", [0, 4]),
        Condition("physical", "body_mass_g", "between", [3000, 4000]),
        Condition("physical", "clutch", "between", [1, 2]),
        Condition("physical", "species", "in", ["Gentoo"]),
        Condition("physical", "species", "in", ["Adelie"]),
        Condition("physical", "species", "in", ["Chinstrap"]),
    ]
    assert conditions_for(SPEC, state, skip="sc")[0] == Condition(
        "physical", "species", "in", ["Gentoo"]
    )
    assert len(conditions_for(SPEC, state, skip="bars")) == 5


def test_skip_leaves_out_a_filters_own_value() -> None:
    state = FilterState(values={"sp": "Adelie", "mass": [3200, None]})
    assert conditions_for(SPEC, state, skip="sp") == [
        Condition("physical", "body_mass_g", "between", [3200, None])
    ]


def test_applied_conditions_combine() -> None:
    values: dict[str, Any] = {"many": ["Adelie", "Gentoo"], "mass": [3200, 5200]}
    assert ids(conditions_for(SPEC, FilterState(values=values))) == ["b", "c"]
    values["find"] = "C"  # any case
    assert ids(conditions_for(SPEC, FilterState(values=values))) == ["c"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("physical", "species", "eq", "Gentoo"), ["c", "d"]),
        (Condition("physical", "clutch", "eq", 2.0), ["b", "c"]),  # JSON float, int column
        (Condition("physical", "clutch", "eq", 2.5), []),
        (Condition("physical", "clutch", "in", [1, "3"]), ["a", "d", "e"]),
        (Condition("physical", "body_mass_g", "between", [None, 3500]), ["a", "b"]),
        (Condition("physical", "body_mass_g", "between", ["3600", None]), ["c", "d", "e"]),
        (Condition("physical", "clutch", "between", [1.5, 2.5]), ["b", "c"]),
        (
            Condition("physical", "measured", "between", ["2024-01-05", "2024-01-15"]),
            ["b", "c", "d"],
        ),
        (Condition("physical", "measured", "in", ["2024-01-20"]), ["e"]),
        (Condition("physical", "seen", "between", ["2024-01-05", "2024-01-10"]), ["b", "c"]),
        (Condition("physical", "seen", "between", ["2024-01-05T13:00:00", None]), ["c", "d", "e"]),
        (Condition("physical", "species", "contains", "too"), ["c", "d"]),
        (Condition("physical", "body_mass_g", "contains", "500"), ["b", "c", "d"]),
        (Condition("physical", "adult", "is_true", True), ["a", "c", "e"]),
        (Condition("physical", "answer", "is_true", True), ["a", "c", "e"]),
        (Condition("physical", "clutch", "is_true", True), ["a", "b", "c", "d", "e"]),
        (Condition("physical", ROW_COLUMN, "in", [4, 0]), ["a", "e"]),
    ],
)
def test_each_operation(condition: Condition, expected: list[str]) -> None:
    assert ids([condition]) == expected


def test_row_ids_come_from_the_unfiltered_table() -> None:
    gentoo = Condition("physical", "species", "eq", "Gentoo")
    rows = apply(frame(), [gentoo]).collect()[ROW_COLUMN].to_list()
    assert rows == [2, 3]
    assert ids([gentoo, Condition("physical", ROW_COLUMN, "in", [1, 3])]) == ["d"]


def test_an_unknown_column_is_named_with_the_known_ones() -> None:
    with pytest.raises(InvalidInputError) as error:
        apply(frame(), [Condition("physical", "foo", "eq", 1)])
    assert str(error.value) == (
        "column 'foo' is not in collection 'physical'; columns: individual_id, species, "
        "body_mass_g, clutch, adult, answer, measured, seen"
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("physical", "measured", "between", ["not a date", None]), "'measured'"),
        (Condition("physical", "seen", "eq", "yesterday"), "'seen'"),
        (Condition("physical", "body_mass_g", "eq", "heavy"), "'body_mass_g'"),
        (Condition("physical", "clutch", "in", ["x"]), "'clutch'"),
        (Condition("physical", "clutch", "in", 3), "'clutch'"),
        (Condition("physical", "body_mass_g", "between", 3), "'body_mass_g'"),
        (Condition("physical", "measured", "is_true", True), "'measured'"),
        (Condition("physical", ROW_COLUMN, "in", [-1]), f"'{ROW_COLUMN}'"),
    ],
)
def test_values_that_do_not_fit_the_column_are_named(condition: Condition, expected: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        apply(frame(), [condition])
    assert f"cannot filter column {expected}" in str(error.value)
    assert "collection 'physical'" in str(error.value)


def test_a_list_column_is_rejected_before_the_query_runs() -> None:
    lists = pl.LazyFrame({"tags": [["a"], ["b"]]})
    with pytest.raises(InvalidInputError, match="column 'tags'"):
        apply(lists, [Condition("t", "tags", "eq", "a")])
