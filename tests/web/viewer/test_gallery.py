"""What a person sees in an image gallery: the demo's plots, following filters, full size."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from playwright.sync_api import expect

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.dashboards.documents import list_dashboards, make_link, set_public
from tests.web.conftest import sign_in

GALLERY = "plot-gallery"
ADELIE = [
    "Adelie: Body mass",
    "Adelie: Bill length vs depth",
    "Adelie: Flipper length",
    "Adelie: Body mass (log count)",
]
LOG_SCALE = [
    "Adelie: Body mass (log count)",
    "Chinstrap: Body mass (log count)",
    "Gentoo: Body mass (log count)",
]


def ident(kind: str, cid: str) -> str:
    """The CSS selector of a Dash pattern-matching id (its keys are sorted)."""
    return f"[id='{json.dumps({'cid': cid, 'kind': kind}, separators=(',', ':'))}']"


def demo_dashboard(settings: Settings) -> Any:
    with session_scope(settings.resolved_database_url) as session:
        boards = list_dashboards(session, LOCAL_ADMIN, "penguins")
        return next(b.id for b in boards if b.title == "Penguins at a glance")


def open_plots(page: Any, url: str) -> None:
    page.goto(url)
    page.get_by_role("tab", name="Plots").click()


def captions(page: Any) -> list[str]:
    return list(page.locator(f"{ident('gallery', GALLERY)} .bv-gallery-caption").all_inner_texts())


def wait_for_thumbnails(page: Any, count: int) -> list[int]:
    """Widths of the loaded thumbnails, once all ``count`` have loaded."""
    images = page.locator(f"{ident('gallery', GALLERY)} img")
    expect(images).to_have_count(count)
    page.wait_for_function(
        "([selector, n]) => [...document.querySelectorAll(selector)]"
        ".filter(i => i.complete && i.naturalWidth > 0).length === n",
        arg=[f"{ident('gallery', GALLERY)} img", count],
    )
    widths: list[int] = images.evaluate_all("all => all.map(i => i.naturalWidth)")
    return widths


def test_the_plots_tab_pages_filters_and_opens_each_image(
    server: tuple[str, Settings], browser: Any
) -> None:
    base, settings = server
    page = browser.new_page()
    sign_in(page, base, "owner@example.org")
    open_plots(page, f"{base}/dashboard/{demo_dashboard(settings)}")

    # 3 runs drew 4 plots each; the gallery's limit is 8, ordered run by run.
    count = page.locator(ident("gallery-count", GALLERY))
    expect(count).to_have_text("8 of 12 images")
    assert wait_for_thumbnails(page, 8) == [240] * 8
    assert captions(page)[:4] == ADELIE
    page.click(ident("gallery-more", GALLERY))
    expect(count).to_have_text("12 images")
    wait_for_thumbnails(page, 12)
    expect(page.locator(ident("gallery-more", GALLERY))).to_be_hidden()

    # One log-scale plot per run.
    page.locator(ident("filter-switch", "log-only")).locator("..").click()
    expect(count).to_have_text("3 images")
    wait_for_thumbnails(page, 3)
    assert captions(page) == LOG_SCALE

    page.locator(f"{ident('gallery', GALLERY)} .bv-gallery-item").first.click()
    modal = page.get_by_role("dialog")
    expect(modal).to_contain_text(LOG_SCALE[0])
    expect(page.locator(ident("gallery-position", GALLERY))).to_have_text("1 of 3")
    full = page.locator(ident("gallery-full", GALLERY))
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth }",
        arg=ident("gallery-full", GALLERY),
    )
    assert full.evaluate("i => i.naturalWidth") == 640  # the plot, not its 240 px thumbnail
    page.click(ident("gallery-next", GALLERY))
    expect(modal).to_contain_text(LOG_SCALE[1])
    expect(page.locator(ident("gallery-position", GALLERY))).to_have_text("2 of 3")
    page.click(ident("gallery-prev", GALLERY))
    page.click(ident("gallery-prev", GALLERY))
    expect(page.locator(ident("gallery-position", GALLERY))).to_have_text("3 of 3")
    expect(modal).to_contain_text(LOG_SCALE[2])
    page.close()


def test_a_date_range_in_the_url_and_a_share_link_show_the_right_plots(
    server: tuple[str, Settings], browser: Any
) -> None:
    base, settings = server
    dashboard = demo_dashboard(settings)
    with session_scope(settings.resolved_database_url) as session:
        set_public(session, LOCAL_ADMIN, dashboard, False)
        token = make_link(session, LOCAL_ADMIN, dashboard)
    context = browser.new_context()  # logged out: only the link gives access
    page = context.new_page()
    state = quote(json.dumps({"values": {"made": ["2023-11-06", "2023-11-07"]}}))
    open_plots(page, f"{base}/dashboard/shared/{token}?state={state}")
    # Adelie's plots were made on 6 November, its log-scale one a day later.
    expect(page.locator(ident("gallery-count", GALLERY))).to_have_text("4 images")
    assert wait_for_thumbnails(page, 4) == [240] * 4
    assert captions(page) == ADELIE
    source = page.locator(f"{ident('gallery', GALLERY)} img").first.get_attribute("src")
    assert source.startswith(f"/dashboard/shared/{token}/thumb/{GALLERY}/")
    assert page.request.get(f"{base}/dashboard/{dashboard}/thumb/{GALLERY}/0").status == 404

    # Chinstrap's four plots (20 and 21 November) and Gentoo's three of 4 December.
    page.locator(ident("filter", "made")).click()
    page.get_by_role("button", name="20 November 2023", exact=True).click()
    page.locator("button[data-direction=next]").click()
    page.get_by_role("button", name="4 December 2023", exact=True).click()
    expect(page.locator(ident("gallery-count", GALLERY))).to_have_text("7 images")
    assert captions(page) == [
        "Chinstrap: Body mass",
        "Chinstrap: Bill length vs depth",
        "Chinstrap: Flipper length",
        "Chinstrap: Body mass (log count)",
        "Gentoo: Body mass",
        "Gentoo: Bill length vs depth",
        "Gentoo: Flipper length",
    ]
    context.close()
