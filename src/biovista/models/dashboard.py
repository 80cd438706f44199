"""The dashboard file: tabs of components on a 12-column grid, and the filter state of a view.

This is a user-facing, versioned format (exported and imported as YAML, stored as JSON).
Each component names the collection it reads; the project's links carry filters across
collections. A component's ``layout`` is optional: :func:`with_layout` places what lacks one.

The component types are a registry (:func:`register_model`): a new kind's module adds its
model, and every dashboard read after that accepts it. Register at import time, before the
models that embed a :class:`DashboardSpec` (API bodies) are built.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import Field, GetCoreSchemaHandler, model_validator
from pydantic_core import CoreSchema

from biovista.models.project import StrictModel

GRID_COLUMNS = 12
COMPONENT_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"

FigureKind = Literal[
    "scatter", "line", "bar", "histogram", "box", "violin", "heatmap", "pie", "sunburst"
]
MetricAgg = Literal["count", "distinct", "sum", "mean", "median", "min", "max", "std", "percentile"]
FilterKind = Literal["select", "multiselect", "range", "date_range", "switch", "search"]


class GridPosition(StrictModel):
    """Where a component sits: column ``x`` (0-11), row ``y``, width ``w`` and height ``h``."""

    x: int = Field(ge=0, lt=GRID_COLUMNS)
    y: int = Field(ge=0)
    w: int = Field(ge=1, le=GRID_COLUMNS)
    h: int = Field(ge=1, le=40)

    @model_validator(mode="after")
    def _inside_grid(self) -> GridPosition:
        if self.x + self.w > GRID_COLUMNS:
            raise ValueError(f"x + w must be at most {GRID_COLUMNS}, got {self.x} + {self.w}")
        return self


class ComponentBase(StrictModel):
    default_size: ClassVar[tuple[int, int]] = (6, 4)
    """Width and height :func:`with_layout` gives a component placed without a layout."""

    id: str = Field(pattern=COMPONENT_ID, description="Unique within the dashboard")
    title: str = ""
    layout: GridPosition | None = None


class DataComponent(ComponentBase):
    collection: str = Field(min_length=1)


class FigureComponent(DataComponent):
    """A Plotly chart; selecting points or bars filters the rest of the dashboard."""

    type: Literal["figure"] = "figure"
    default_size: ClassVar[tuple[int, int]] = (6, 8)
    kind: FigureKind
    x: str | None = None
    y: str | None = None
    z: str | None = Field(default=None, description="Heatmap cell value (mean per x, y)")
    color: str | None = None
    facet: str | None = None
    path: list[str] = Field(default_factory=list, description="Sunburst levels, outer last")
    values: str | None = Field(default=None, description="Pie/sunburst sizes (else counts)")
    hover: list[str] = Field(default_factory=list)
    log_x: bool = False
    log_y: bool = False

    @model_validator(mode="after")
    def _needed_columns(self) -> FigureComponent:
        needs: dict[str, tuple[str, ...]] = {
            "scatter": ("x", "y"),
            "line": ("x", "y"),
            "bar": ("x",),
            "histogram": ("x",),
            "box": ("y",),
            "violin": ("y",),
            "heatmap": ("x", "y"),
            "pie": ("x",),
        }
        missing = [name for name in needs.get(self.kind, ()) if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind} figure needs {' and '.join(missing)}")
        if self.kind == "sunburst" and not self.path:
            raise ValueError("a sunburst figure needs 'path': the columns of its rings")
        return self


class MetricComponent(DataComponent):
    """One number over the filtered rows, shown beside its unfiltered value."""

    type: Literal["metric"] = "metric"
    default_size: ClassVar[tuple[int, int]] = (3, 3)
    agg: MetricAgg = "count"
    column: str | None = Field(default=None, description="Needed by every agg but count")
    percentile: float | None = Field(default=None, ge=0, le=100)
    unit: str = ""

    @model_validator(mode="after")
    def _column_for_agg(self) -> MetricComponent:
        if self.agg != "count" and self.column is None:
            raise ValueError(f"the {self.agg!r} metric needs a 'column'")
        if self.agg == "percentile" and self.percentile is None:
            raise ValueError("the 'percentile' metric needs 'percentile' (0-100)")
        return self


class FilterComponent(DataComponent):
    """A control whose value restricts every component on its (and linked) collections."""

    type: Literal["filter"] = "filter"
    default_size: ClassVar[tuple[int, int]] = (3, 3)
    kind: FilterKind
    column: str


class TableComponent(DataComponent):
    """Rows in AG Grid, paged, sorted and filtered on the server."""

    type: Literal["table"] = "table"
    default_size: ClassVar[tuple[int, int]] = (12, 9)
    columns: list[str] = Field(default_factory=list, description="All columns when empty")
    page_size: int = Field(default=50, ge=5, le=1000)


class TextComponent(ComponentBase):
    type: Literal["text"] = "text"
    default_size: ClassVar[tuple[int, int]] = (6, 4)
    markdown: str = Field(default="", max_length=100_000)


class ImageComponent(DataComponent):
    """A gallery of the image files a collection's rows point at."""

    type: Literal["image"] = "image"
    default_size: ClassVar[tuple[int, int]] = (12, 8)
    column: str = Field(description="Column holding each image's path (relative to the runs)")
    label: str | None = None
    limit: int = Field(default=24, ge=1, le=200)


class MultiQCComponent(DataComponent):
    """A table ingested from a MultiQC report: general statistics as a table, or a plot."""

    type: Literal["multiqc"] = "multiqc"
    default_size: ClassVar[tuple[int, int]] = (12, 9)
    view: Literal["table", "plot"] = "table"


_MODELS: dict[str, type[ComponentBase]] = {
    model.model_fields["type"].default: model
    for model in (
        FigureComponent,
        MetricComponent,
        FilterComponent,
        TableComponent,
        TextComponent,
        ImageComponent,
        MultiQCComponent,
    )
}


def register_model(model: type[ComponentBase]) -> None:
    """Accept components of ``model``'s ``type`` in every dashboard validated from now on."""
    _MODELS[model.model_fields["type"].default] = model
    _rebuild()


def unregister_model(type_name: str) -> None:
    """Forget a component type (a test's extra kind)."""
    _MODELS.pop(type_name, None)
    _rebuild()


def component_models() -> dict[str, type[ComponentBase]]:
    """The registered component models by ``type``, in the order they were registered."""
    return dict(_MODELS)


class _AnyComponent:
    """The union of the registered component models, told apart by ``type`` (as a
    discriminated union reports errors: under the type's name)."""

    @classmethod
    def __get_pydantic_core_schema__(cls, _: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        models = tuple(_MODELS.values())
        union = models[0] if len(models) == 1 else Union[models]  # noqa: UP007
        return handler.generate_schema(Annotated[union, Field(discriminator="type")])


Component = Annotated[Any, _AnyComponent]


class Tab(StrictModel):
    name: str = Field(min_length=1, max_length=100)
    components: list[Component] = Field(default_factory=list, max_length=200)


class DashboardSpec(StrictModel):
    """A whole dashboard file."""

    version: Literal[1] = 1
    title: str = Field(default="", max_length=200)
    description: str = ""
    project: str | None = Field(default=None, description="Set on export; checked on import")
    tabs: list[Tab] = Field(
        default_factory=lambda: [Tab(name="Overview")], min_length=1, max_length=50
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> DashboardSpec:
        seen: set[str] = set()
        for tab in self.tabs:
            for component in tab.components:
                if component.id in seen:
                    raise ValueError(f"component id {component.id!r} is used twice")
                seen.add(component.id)
        return self

    def components(self) -> list[Any]:
        return [component for tab in self.tabs for component in tab.components]

    def component(self, component_id: str) -> Any:
        for component in self.components():
            if component.id == component_id:
                return component
        return None


def with_layout(spec: DashboardSpec) -> DashboardSpec:
    """Give every component without a position the first free place, top to bottom and
    left to right, so components added one by one fill the rows instead of stacking."""
    tabs = []
    for tab in spec.tabs:
        taken = [c.layout for c in tab.components if c.layout is not None]
        components = []
        for component in tab.components:
            if component.layout is None:
                position = _first_free(taken, *component.default_size)
                taken.append(position)
                component = component.model_copy(update={"layout": position})
            components.append(component)
        tabs.append(tab.model_copy(update={"components": components}))
    return spec.model_copy(update={"tabs": tabs})


def _first_free(taken: list[GridPosition], w: int, h: int) -> GridPosition:
    bottom = max((p.y + p.h for p in taken), default=0)
    for y in range(bottom + 1):
        for x in range(GRID_COLUMNS - w + 1):
            box = GridPosition(x=x, y=y, w=w, h=h)
            if not any(_overlap(box, other) for other in taken):
                return box
    return GridPosition(x=0, y=bottom, w=w, h=h)


def _overlap(a: GridPosition, b: GridPosition) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


class Selection(StrictModel):
    """Points chosen on a figure: a box (ranges on x and y) or a set of row ids."""

    x_range: tuple[Any, Any] | None = None
    y_range: tuple[Any, Any] | None = None
    rows: list[int] | None = Field(default=None, max_length=100_000)
    categories: list[Any] | None = Field(default=None, max_length=10_000)


class FilterState(StrictModel):
    """What a viewer has chosen: filter values by component id, figure selections by id.

    It lives in the page URL, so a filtered view can be bookmarked and shared."""

    values: dict[str, Any] = Field(default_factory=dict)
    selections: dict[str, Selection] = Field(default_factory=dict)

    def is_empty(self) -> bool:
        return not self.values and not self.selections


def _rebuild() -> None:
    """Rebuild what holds components, inner first, so that they accept the registry now."""
    Tab.model_rebuild(force=True)
    DashboardSpec.model_rebuild(force=True)
