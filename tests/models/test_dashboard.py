"""Placing components without a layout: the first free place, rows filled left to right."""

from __future__ import annotations

from biovista.models.dashboard import DashboardSpec, GridPosition, with_layout


def spec_of(*components: dict[str, object]) -> DashboardSpec:
    return DashboardSpec.model_validate(
        {"title": "t", "tabs": [{"name": "One", "components": list(components)}]}
    )


def positions(spec: DashboardSpec) -> dict[str, tuple[int, int, int, int]]:
    placed = {}
    for component in spec.components():
        assert component.layout is not None
        layout = component.layout
        placed[component.id] = (layout.x, layout.y, layout.w, layout.h)
    return placed


def metric(cid: str) -> dict[str, object]:
    return {"type": "metric", "id": cid, "collection": "c"}


def test_components_added_one_by_one_fill_the_row_before_starting_another() -> None:
    spec = spec_of(metric("a"), metric("b"), metric("c"), metric("d"), metric("e"))
    placed = positions(with_layout(spec))
    assert [placed[c][:2] for c in "abcde"] == [(0, 0), (3, 0), (6, 0), (9, 0), (0, 3)]


def test_a_gap_left_by_placed_components_is_used() -> None:
    left = metric("left") | {"layout": {"x": 0, "y": 0, "w": 3, "h": 3}}
    right = metric("right") | {"layout": {"x": 9, "y": 0, "w": 3, "h": 3}}
    placed = positions(with_layout(spec_of(left, right, metric("new"))))
    assert placed["new"] == (3, 0, 3, 3)
    assert placed["left"] == (0, 0, 3, 3) and placed["right"] == (9, 0, 3, 3)


def test_a_component_too_wide_for_any_gap_goes_below() -> None:
    wide = {"type": "table", "id": "rows", "collection": "c"}
    first = metric("m") | {"layout": GridPosition(x=4, y=0, w=3, h=3).model_dump()}
    placed = positions(with_layout(spec_of(first, wide)))
    assert placed["rows"][0] == 0 and placed["rows"][1] == 3
