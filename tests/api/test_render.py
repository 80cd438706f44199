"""One request renders every component of a dashboard for a filter state."""

from __future__ import annotations

import statistics
from typing import Any

import pytest
from fastapi.testclient import TestClient

from biovista.services.dashboards.render import warm

COMPONENTS: list[dict[str, Any]] = [
    {"type": "text", "id": "intro", "markdown": "# Penguins"},
    {"type": "filter", "id": "sex", "collection": "demographics", "kind": "select",
     "column": "sex"},
    {"type": "metric", "id": "birds", "collection": "physical", "agg": "count"},
    {"type": "metric", "id": "mass", "collection": "physical", "agg": "mean",
     "column": "body_mass_g"},
    {"type": "figure", "id": "by_species", "collection": "demographics", "kind": "bar",
     "x": "species"},
    {"type": "figure", "id": "mass_histogram", "collection": "physical", "kind": "histogram",
     "x": "body_mass_g"},
    {"type": "figure", "id": "mass_box", "collection": "physical", "kind": "box",
     "y": "body_mass_g"},
    {"type": "figure", "id": "bills", "collection": "physical", "kind": "scatter",
     "x": "bill_length_mm", "y": "bill_depth_mm"},
    {"type": "figure", "id": "broken", "collection": "physical", "kind": "box", "y": "species"},
    {"type": "table", "id": "birds_table", "collection": "demographics", "page_size": 10},
]  # fmt: skip


def auth(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


@pytest.fixture(scope="module")
def dashboard(world: tuple[TestClient, dict[str, str]]) -> str:
    client, tokens = world
    spec = {"tabs": [{"name": "All", "components": COMPONENTS}]}
    created = client.post(
        "/api/v1/projects/penguins/dashboards",
        json={"title": "Render", "spec": spec},
        headers=auth(tokens, "editor"),
    )
    assert created.status_code == 201, created.text
    dashboard_id: str = created.json()["id"]
    return dashboard_id


def render(
    world: tuple[TestClient, dict[str, str]], dashboard: str, who: str = "viewer", **body: Any
) -> Any:
    client, tokens = world
    return client.post(
        f"/api/v1/dashboards/{dashboard}/render", json=body, headers=auth(tokens, who)
    )


def test_every_data_component_answers_in_one_request(
    world: tuple[TestClient, dict[str, str]], dashboard: str
) -> None:
    answer = render(world, dashboard, max_points=100)
    assert answer.status_code == 200, answer.text
    parts = answer.json()["components"]
    assert set(parts) == {c["id"] for c in COMPONENTS} - {"intro"}
    assert parts["birds"]["result"] == {"value": 342, "unfiltered": 342}
    bars = parts["by_species"]["result"]
    assert bars["columns"] == ["species", "count"]
    assert bars["rows"] == [["Adelie", 151], ["Chinstrap", 68], ["Gentoo", 123]]
    histogram = parts["mass_histogram"]["result"]
    assert sum(row[-1] for row in histogram["rows"]) == histogram["total"] == 342
    assert 50 <= parts["bills"]["result"]["shown"] <= 100
    assert parts["bills"]["result"]["total"] == 342 and parts["bills"]["result"]["reduced"]
    assert parts["sex"]["result"]["values"][:2] == ["female", "male"]
    table = parts["birds_table"]["result"]
    assert table["total"] == 342 and len(table["rows"]) == 10
    assert "needs numbers" in parts["broken"]["error"] and parts["broken"]["result"] is None


def test_the_filter_state_reaches_linked_collections_exactly(
    world: tuple[TestClient, dict[str, str]], dashboard: str
) -> None:
    state = {"values": {"sex": "female"}}
    parts = render(world, dashboard, state=state)
    assert parts.status_code == 200, parts.text
    found = parts.json()["components"]
    assert found["birds"]["result"] == {"value": 165, "unfiltered": 342}
    assert found["mass"]["result"]["value"] == pytest.approx(3862.27, abs=0.01)
    box = found["mass_box"]["result"]
    stats = dict(zip(box["columns"], box["rows"][0], strict=True))
    assert stats["count"] == 165 and stats["min"] <= stats["q1"] <= stats["median"]
    assert stats["median"] <= stats["q3"] <= stats["max"]
    assert found["birds_table"]["result"]["total"] == 165


def test_a_repeated_request_is_served_from_the_cache(
    world: tuple[TestClient, dict[str, str]], dashboard: str
) -> None:
    state = {"values": {"sex": "male"}}
    first = render(world, dashboard, state=state).json()["components"]
    again = render(world, dashboard, state=state).json()["components"]
    assert all(part["cached"] for cid, part in again.items() if cid != "broken")
    assert not first["birds"]["cached"]
    for cid in first:
        assert again[cid]["result"] == first[cid]["result"]


def test_only_chosen_components_and_exact_box_statistics(
    world: tuple[TestClient, dict[str, str]], dashboard: str
) -> None:
    parts = render(world, dashboard, components=["mass_box"]).json()["components"]
    assert list(parts) == ["mass_box"]
    box = parts["mass_box"]["result"]
    stats = dict(zip(box["columns"], box["rows"][0], strict=True))
    masses = _masses(world)
    expected = statistics.quantiles(masses, n=4, method="inclusive")
    assert [stats["q1"], stats["median"], stats["q3"]] == pytest.approx(expected)


def _masses(world: tuple[TestClient, dict[str, str]]) -> list[float]:
    import csv
    from pathlib import Path

    data = Path(__file__).parents[1] / "data" / "penguins"
    masses = []
    for path in sorted(data.glob("*/physical_features.csv")):
        with path.open() as handle:
            masses += [float(r["body_mass_g"]) for r in csv.DictReader(handle) if r["body_mass_g"]]
    return masses


def test_access_and_bad_input(world: tuple[TestClient, dict[str, str]], dashboard: str) -> None:
    assert render(world, dashboard, who="stranger").status_code == 404
    client, _ = world
    assert client.post(f"/api/v1/dashboards/{dashboard}/render", json={}).status_code == 401
    bad = render(world, dashboard, state={"values": {"sex": ["a", "b"]}})
    assert bad.status_code == 200
    assert "expected one value" in bad.json()["components"]["birds"]["error"]
    too_many = render(world, dashboard, max_points=0)
    assert too_many.status_code == 422
    assert "max_points" in too_many.text


def test_warming_renders_every_dashboard_into_the_cache(
    world: tuple[TestClient, dict[str, str]], dashboard: str
) -> None:
    client, _ = world
    settings = client.app.state.settings  # type: ignore[attr-defined]
    reads = client.app.state.runtime.reads  # type: ignore[attr-defined]
    reads.cache.clear()
    cold = render(world, dashboard).json()["components"]
    assert not any(part["cached"] for part in cold.values())
    reads.cache.clear()
    assert warm(settings, reads) >= 1
    after = render(world, dashboard).json()["components"]
    assert all(part["cached"] for cid, part in after.items() if cid != "broken")
    assert after["birds"]["result"] == {"value": 342, "unfiltered": 342}
