"""A new component kind is one module: this one registers a row-count card (its model, how
it computes, how it draws) and renders it through the real render path, cache and export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
import yaml
from dash import html

from biovista.db.models import Dashboard
from biovista.db.session import session_scope
from biovista.models.dashboard import DashboardSpec, DataComponent, FilterState, with_layout
from biovista.query import kinds
from biovista.query.dashboard import DashboardData
from biovista.query.kinds import ComponentKind
from biovista.query.render import render
from biovista.query.shared import SharedReads
from biovista.web.common import kinds as drawn
from biovista.web.common.kinds import DrawKind, Field, Form, HtmlExport
from biovista.web.viewer.exports import standalone_html
from tests.services.dashboards.test_render import FEMALE, opened, penguins


class RowCountComponent(DataComponent):
    """How many rows of a collection the filters leave, in words."""

    type: Literal["rowcount"] = "rowcount"
    default_size: ClassVar[tuple[int, int]] = (2, 2)
    noun: str = "rows"


def compute(data: DashboardData, component: Any, state: FilterState, _: int) -> str:
    _, total = data.rows(component.id, state, 0, 1)
    return f"{total} {component.noun}"


def body(component: Any, _: DashboardData, __: FilterState) -> Any:
    return html.Div(id={"kind": "rowcount", "cid": component.id})


def export(_: HtmlExport, data: DashboardData, component: Any, state: FilterState) -> str:
    return f"<p>{compute(data, component, state, 0)}</p>"


KIND = ComponentKind(RowCountComponent, compute=compute)
DRAW = DrawKind(
    "rowcount",
    body,
    export=export,
    form=Form(None, (), lambda _: ("noun",), (Field("noun", "counted as", "text"),)),
)
DASHBOARD = """\
version: 1
tabs:
  - name: All
    components:
      - {type: filter, id: sex, collection: demographics, kind: select, column: sex}
      - {type: rowcount, id: birds, collection: demographics, noun: penguins}
"""


@pytest.fixture
def rowcount() -> Iterator[None]:
    kinds.register(KIND)
    drawn.register(DRAW)
    yield
    drawn.unregister("rowcount")
    kinds.unregister("rowcount")


def test_a_registered_kind_is_part_of_the_dashboard_format(rowcount: None) -> None:
    spec = DashboardSpec.model_validate(
        {
            "tabs": [
                {"name": "A", "components": [{"type": "rowcount", "id": "n", "collection": "c"}]}
            ]
        }
    )
    placed = with_layout(spec).tabs[0].components[0]
    assert isinstance(placed, RowCountComponent)
    assert (placed.layout.w, placed.layout.h) == (2, 2)  # type: ignore[union-attr]
    assert spec.model_dump(mode="json")["tabs"][0]["components"][0]["noun"] == "rows"


def test_an_unregistered_kind_is_refused_again(rowcount: None) -> None:
    kinds.unregister("rowcount")
    with pytest.raises(ValueError, match="rowcount"):
        DashboardSpec.model_validate(
            {"tabs": [{"name": "A", "components": [{"type": "rowcount", "id": "n"}]}]}
        )


def test_a_new_kind_renders_through_the_render_path_cached_and_exported(
    tmp_path: Path, rowcount: None
) -> None:
    settings, _ = penguins(tmp_path)
    with session_scope(settings.resolved_database_url) as session:
        board = session.query(Dashboard).one()
        board.spec = DashboardSpec.model_validate(yaml.safe_load(DASHBOARD)).model_dump(mode="json")
    view = opened(settings)
    reads = SharedReads.for_settings(settings)

    everything = render(settings, reads, view, FilterState()).results["birds"]
    female = render(settings, reads, view, FEMALE).results["birds"]
    again = render(settings, reads, view, FEMALE).results["birds"]

    assert everything.error is None and everything.value == "342 penguins"
    assert female.value == "165 penguins" and not female.cached
    assert again.value == female.value and again.cached
    page = standalone_html(DashboardData(settings, view, reads), FEMALE)
    assert "<p>165 penguins</p>" in page
