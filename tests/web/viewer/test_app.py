"""What a person sees in the viewer: cross-filtering, the URL state, roles and public links."""

from __future__ import annotations

import re
import uuid
from typing import Any

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.dashboards.documents import list_dashboards, set_public
from tests.web.conftest import sign_in


def penguins_dashboard(settings: Settings) -> str:
    with session_scope(settings.resolved_database_url) as session:
        boards = list_dashboards(session, LOCAL_ADMIN, "penguins")
        return str(next(b.id for b in boards if b.title == "Penguins at a glance"))


def metric(page: Any, cid: str) -> str:
    locator = page.locator(f'[id=\'{{"cid":"{cid}","kind":"metric"}}\'] .bv-metric-value')
    locator.wait_for()
    return str(locator.inner_text())


def test_a_filter_on_a_linked_collection_changes_metrics_and_survives_reload(
    server: tuple[str, Settings], browser: Any
) -> None:
    base, settings = server
    page = browser.new_page()
    sign_in(page, base, "owner@example.org")
    page.goto(f"{base}/dashboard/{penguins_dashboard(settings)}")
    assert metric(page, "birds") == "342"
    # 'sex' lives in demographics; the count is of physical rows, linked by individual_id.
    page.locator('[id=\'{"cid":"sex","kind":"filter"}\']').click()
    page.get_by_role("option", name="female", exact=True).click()
    page.wait_for_function(
        '() => document.querySelector(\'[id=\\\'{"cid":"birds","kind":"metric"}\\\']\')'
        ".innerText.startsWith('165')"
    )
    assert "of 342 unfiltered" in page.inner_text('[id=\'{"cid":"birds","kind":"metric"}\']')
    assert "state=" in page.url
    filtered_url = page.url
    page.goto(filtered_url)
    assert metric(page, "birds") == "165"
    page.click("#reset")
    page.wait_for_function(
        '() => document.querySelector(\'[id=\\\'{"cid":"birds","kind":"metric"}\\\']\')'
        ".innerText.startsWith('342')"
    )
    assert "state=" not in page.url
    page.close()


def test_a_viewer_gets_no_edit_controls(server: tuple[str, Settings], browser: Any) -> None:
    base, settings = server
    dashboard = penguins_dashboard(settings)
    page = browser.new_page()
    sign_in(page, base, "viewer@example.org")
    page.goto(f"{base}/dashboard/{dashboard}")
    page.locator("#not-found").wait_for()  # no role on the project: it does not exist for them
    with session_scope(settings.resolved_database_url) as session:
        from biovista.services.accounts.grants import grant_role

        grant_role(session, LOCAL_ADMIN, "penguins", "viewer", "viewer@example.org", None)
    page.goto(f"{base}/dashboard/{dashboard}")
    page.locator("#read-only").wait_for()
    assert page.locator("#edit-link").count() == 0
    assert metric(page, "birds") == "342"
    page.goto(f"{base}/dashboard-edit/{dashboard}")
    page.locator("#not-found").wait_for()
    page.close()


def test_the_public_link_works_logged_out(server: tuple[str, Settings], browser: Any) -> None:
    base, settings = server
    dashboard = penguins_dashboard(settings)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/dashboard/{dashboard}")
    page.locator("#not-found").wait_for()
    with session_scope(settings.resolved_database_url) as session:
        set_public(session, LOCAL_ADMIN, uuid.UUID(dashboard), True)
    try:
        page.goto(f"{base}/dashboard/{dashboard}")
        assert metric(page, "mean-mass") == "4,201.75 g"
        assert re.search("Sign in", page.inner_text("body"))
    finally:  # the server is shared: later tests expect the dashboard private again
        with session_scope(settings.resolved_database_url) as session:
            set_public(session, LOCAL_ADMIN, uuid.UUID(dashboard), False)
        context.close()


def test_clicking_a_bar_filters_the_other_components(
    server: tuple[str, Settings], browser: Any
) -> None:
    base, settings = server
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, base, "owner@example.org")
    page.goto(f"{base}/dashboard/{penguins_dashboard(settings)}")
    assert metric(page, "birds") == "342"
    bars = page.locator('[id=\'{"cid":"species-bar","kind":"graph"}\'] .trace.bars .point path')
    page.locator("#dashboard-view[data-ready='true']").wait_for()
    bars.first.scroll_into_view_if_needed()
    box = bars.first.bounding_box()  # the first bar: adelie, 151 birds
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Plotly listens on the drag layer above the bars: point and click where a person would.
    page.mouse.move(x, y)
    page.locator(".hovertext").first.wait_for()  # Plotly knows which bar is under the pointer
    page.mouse.click(x, y)
    page.wait_for_function(
        '() => document.querySelector(\'[id=\\\'{"cid":"birds","kind":"metric"}\\\']\')'
        ".innerText.startsWith('151')"
    )
    assert "of 342 unfiltered" in page.inner_text('[id=\'{"cid":"birds","kind":"metric"}\']')
    assert metric(page, "species-n") == "1"
    assert "species-bar" in page.url and "adelie" in page.url
    page.close()
