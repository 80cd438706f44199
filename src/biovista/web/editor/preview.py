"""The live preview of a component being added or edited, computed from the real data
(each kind draws its own: :attr:`biovista.web.common.kinds.DrawKind.preview`)."""

from __future__ import annotations

from typing import Any

import dash_mantine_components as dmc
from pydantic import ValidationError

from biovista.errors import BiovistaError
from biovista.query.dashboard import DashboardData, OpenedDashboard
from biovista.web.common.kinds import draw_of
from biovista.web.common.kinds.table import rows_preview
from biovista.web.editor import form
from biovista.web.editor.spec import problem_text


def preview(context: Any, opened: OpenedDashboard, document: dict[str, Any]) -> Any:
    """What the component will show, or what is still missing, in words."""
    try:
        component = form.build(document)
        data = DashboardData(context.settings, opened, context.runtime.reads)
        return _rendered(data, component)
    except (BiovistaError, ValidationError) as exc:
        return dmc.Alert(problem_text(exc), color="yellow", title="Not ready", id="preview-problem")


def _rendered(data: DashboardData, component: Any) -> Any:
    draw = draw_of(component).preview or rows_preview
    return draw(data, component)
