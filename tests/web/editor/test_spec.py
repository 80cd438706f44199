"""What each editor action does to a dashboard spec, without a browser."""

from __future__ import annotations

from typing import Any

import pytest

from biovista.errors import InvalidInputError
from biovista.models.dashboard import DashboardSpec, MetricComponent, with_layout
from biovista.web.editor import form
from biovista.web.editor.spec import changed_tabs, new_id, placed, with_positions


def spec() -> DashboardSpec:
    return with_layout(
        DashboardSpec.model_validate(
            {
                "title": "t",
                "tabs": [
                    {
                        "name": "One",
                        "components": [
                            {"type": "metric", "id": "metric-1", "collection": "c"},
                            {"type": "text", "id": "text-1", "markdown": "hi"},
                        ],
                    },
                    {"name": "Two", "components": []},
                ],
            }
        )
    )


def ids(tabbed: DashboardSpec) -> list[list[str]]:
    return [[c.id for c in tab.components] for tab in tabbed.tabs]


def test_new_ids_take_the_first_free_number() -> None:
    assert new_id(spec(), "metric") == "metric-2"
    assert new_id(spec(), "figure") == "figure-1"


def test_an_edited_component_keeps_its_place_unless_it_moves_tab() -> None:
    before = spec()
    edited = MetricComponent(id="metric-1", collection="c", title="Renamed")
    same_tab = placed(before, edited, "metric-1", 0)
    assert ids(same_tab) == [["metric-1", "text-1"], []]
    assert same_tab.tabs[0].components[0].title == "Renamed"
    assert same_tab.tabs[0].components[0].layout == before.tabs[0].components[0].layout
    moved = placed(before, edited, "metric-1", 1)
    assert ids(moved) == [["text-1"], ["metric-1"]]
    assert moved.tabs[1].components[0].layout is None  # placed afresh by with_layout


def test_tabs_are_added_renamed_and_deleted_but_never_the_last() -> None:
    added, shown = changed_tabs(spec(), "add-tab", 0, " Three ")
    assert [t.name for t in added.tabs] == ["One", "Two", "Three"] and shown == 2
    renamed, _ = changed_tabs(spec(), "rename-tab", 1, "Deux")
    assert [t.name for t in renamed.tabs] == ["One", "Deux"]
    with pytest.raises(InvalidInputError, match="new name"):
        changed_tabs(spec(), "rename-tab", 1, "  ")
    deleted, shown = changed_tabs(spec(), "confirm-delete-tab", 1, None)
    assert [t.name for t in deleted.tabs] == ["One"] and shown == 0
    with pytest.raises(InvalidInputError, match="at least one tab"):
        changed_tabs(deleted, "confirm-delete-tab", 0, None)


def test_duplicate_sits_beside_the_original_and_delete_removes() -> None:
    copied, _ = changed_tabs(spec(), {"kind": "duplicate", "cid": "metric-1"}, 0, None)
    assert ids(copied)[0] == ["metric-1", "metric-2", "text-1"]
    assert copied.tabs[0].components[1].layout is not None
    gone, _ = changed_tabs(spec(), {"kind": "delete", "cid": "text-1"}, 0, None)
    assert ids(gone)[0] == ["metric-1"]
    with pytest.raises(InvalidInputError, match="reload"):
        changed_tabs(spec(), {"kind": "delete", "cid": "nope"}, 0, None)


def test_grid_positions_are_saved_for_one_tab() -> None:
    moved = with_positions(spec(), 0, [{"i": "text-1", "x": 6, "y": 4, "w": 6, "h": 2}])
    layout = moved.tabs[0].components[1].layout
    assert layout is not None and (layout.x, layout.y, layout.w, layout.h) == (6, 4, 6, 2)


@pytest.mark.parametrize(
    ("kind_of", "kind", "expected"),
    [
        ("figure", "heatmap", ("x", "y", "z")),
        ("figure", "sunburst", ("path", "values")),
        ("metric", "count", ("unit",)),
        ("metric", "percentile", ("column", "percentile", "unit")),
        ("table", None, ("columns", "page_size")),
        ("multiqc", "plot", ()),
    ],
)
def test_the_form_asks_only_for_what_a_kind_uses(
    kind_of: str, kind: str | None, expected: tuple[str, ...]
) -> None:
    assert form.fields_for(kind_of, kind) == expected


def test_form_values_become_a_component_and_back() -> None:
    values: dict[str, Any] = {
        "x": "species",
        "y": "mass",
        "color": None,
        "log_y": True,
        "hover": [],
    }
    document = form.document("figure", "figure-1", "c", "box", " Mass ", values)
    assert document == {
        "type": "figure",
        "id": "figure-1",
        "title": "Mass",
        "collection": "c",
        "kind": "box",
        "x": "species",
        "y": "mass",
        "log_y": True,
    }
    component = form.build(document)
    filled = form.values_of(component)
    assert (filled["type"], filled["kind"], filled["collection"]) == ("figure", "box", "c")
    assert filled["fields"]["y"] == "mass" and filled["fields"]["log_y"] is True
