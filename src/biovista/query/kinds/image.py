"""An image gallery: the first page of the image files a collection's rows point at."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from biovista.models.dashboard import FilterState, ImageComponent
from biovista.query.codec import Page
from biovista.query.kinds.base import ComponentKind
from biovista.query.results import image_page

if TYPE_CHECKING:
    from biovista.query.dashboard import DashboardData


def compute(data: DashboardData, component: Any, state: FilterState, _: int) -> Any:
    spec, frame = data.image_rows(component.id, state)
    return Page(*image_page(frame, spec, spec.limit))


KIND = ComponentKind(ImageComponent, compute=compute)
