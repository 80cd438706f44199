"""Opening the dashboard a request names, with the request's caller: one way for the
viewer's page and callbacks, its downloads and its image routes, so that what one of them
shows, the others show, and a dashboard one may not see is "not found" in all of them.
"""

from __future__ import annotations

import uuid
from typing import Any

from biovista.errors import NotFoundError
from biovista.query.dashboard import OpenedDashboard
from biovista.services.dashboards.open import open_dashboard
from biovista.web.common.cookie_auth import WebContext, current_principal


def open_for_caller(
    context: WebContext, dashboard_id: str | uuid.UUID | None = None, link: str | None = None
) -> OpenedDashboard:
    """The dashboard of share ``link``, else of ``dashboard_id`` as the signed-in caller (or
    anonymous: public dashboards only) sees it; NotFoundError when it is not visible, or the
    id is not one."""
    if link:
        return open_dashboard(context.settings, None, link_token=link)
    if not dashboard_id:
        raise NotFoundError("no dashboard was named")
    if not isinstance(dashboard_id, uuid.UUID):
        try:
            dashboard_id = uuid.UUID(dashboard_id)
        except ValueError:
            raise NotFoundError(f"no dashboard {dashboard_id!r}") from None
    return open_dashboard(context.settings, current_principal(context), dashboard_id)


def open_from(context: WebContext, ref: dict[str, Any] | None) -> OpenedDashboard:
    """The dashboard a viewer page's ``ref`` store names (``{"id": ..., "link": ...}``)."""
    if not ref:
        raise NotFoundError("no dashboard was named")
    return open_for_caller(context, ref.get("id"), ref.get("link"))
