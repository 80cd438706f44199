"""The pages work under the server's Content-Security-Policy in a real Chromium: each one
renders (figures drawn, callbacks answered, client-side callbacks run) and the browser
reports no violation, neither in the console nor as a ``securitypolicyviolation`` event."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from biovista.config import Settings
from tests.web.conftest import sign_in
from tests.web.viewer.test_app import metric, penguins_dashboard
from tests.web.viewer.test_gallery import GALLERY, ident

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    `${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
"""


class Watched:
    """A signed-in page that records what the browser refused."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", self._console)
        page.add_init_script(WATCH)

    def _console(self, message: Any) -> None:
        text = str(message.text)
        if "Content Security Policy" in text or "Refused to" in text:
            self.console.append(text)

    def visit(self, url: str, rendered: Callable[[Any], None]) -> None:
        answer = self.page.goto(url)
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        rendered(self.page)
        self.page.wait_for_load_state("networkidle")
        events = self.page.evaluate("() => window.__violations")
        assert events == [] and self.console == [], (events, self.console)


@pytest.fixture
def watched(server: tuple[str, Settings], browser: Any) -> Iterator[Watched]:
    base, _ = server
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "owner@example.org")
    yield Watched(page)
    context.close()


def _figure_drawn(page: Any) -> None:
    page.locator(".js-plotly-plot .main-svg").first.wait_for()


def test_the_viewer_draws_under_the_policy(server: tuple[str, Settings], watched: Watched) -> None:
    base, settings = server

    def rendered(page: Any) -> None:
        assert metric(page, "birds") == "342"
        _figure_drawn(page)
        page.get_by_role("tab", name="Plots").click()  # the gallery's client-side callback
        page.locator(f"{ident('gallery', GALLERY)} img").first.click()
        page.locator(".mantine-Modal-content img").first.wait_for()

    watched.visit(f"{base}/dashboard/{penguins_dashboard(settings)}", rendered)


def test_the_editor_works_under_the_policy(server: tuple[str, Settings], watched: Watched) -> None:
    base, settings = server

    def rendered(page: Any) -> None:
        page.locator("#add-component").wait_for()
        _figure_drawn(page)
        page.click("#add-component")
        page.locator("#form-type").wait_for()

    watched.visit(f"{base}/dashboard-edit/{penguins_dashboard(settings)}", rendered)


def test_the_admin_and_home_pages_under_the_policy(
    server: tuple[str, Settings], watched: Watched
) -> None:
    base, _ = server
    watched.visit(f"{base}/", lambda page: page.locator(".bv-dashboard").first.wait_for())
    watched.visit(f"{base}/admin", lambda page: page.locator("#admin-groups-list").wait_for())
