"""A signed-in page stays signed in when its access cookie has expired: the page fires its
callbacks in parallel, each spends the same refresh cookie, and all must get the same new
one instead of the second one counting as theft. Against ``biovista serve`` in its own
process, with a real Chromium."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user
from tests.server_process import ServerProcess, serve_process, server_settings
from tests.web.conftest import PASSWORD, sign_in

EMAIL = "ada@example.org"
ACCESS, REFRESH = "biovista_access", "biovista_session"
WHO = {  # the header's "who is signed in" callback, as the page sends it
    "output": "..who.children...logout.style..",
    "outputs": [{"id": "who", "property": "children"}, {"id": "logout", "property": "style"}],
    "inputs": [{"id": "url", "property": "pathname", "value": "/"}],
    "changedPropIds": ["url.pathname"],
    "state": [],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    settings = server_settings(tmp_path_factory.mktemp("web-refresh"))
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, EMAIL, PASSWORD)
    with serve_process(settings) as running:
        yield running


def _late_who(route: Any) -> None:
    if "who.children" in (route.request.post_data or ""):
        time.sleep(0.5)
    route.continue_()


def _cookie(context: Any, name: str) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == name), None)


def test_a_page_with_an_expired_access_cookie_stays_signed_in(
    server: ServerProcess, browser: Any
) -> None:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server.url, EMAIL)
    expect(page.locator("#who")).to_contain_text(EMAIL)
    # Callbacks sent together do not arrive together: hold the header's one back a little,
    # so that it reaches the server after the page's callback has spent the refresh cookie.
    page.route("**/_dash-update-component", _late_who)
    for _ in range(4):
        # The browser drops the access cookie when it expires (its max-age is the token's
        # lifetime); reloading then fires the page's callbacks with only the refresh cookie.
        before = _cookie(context, REFRESH)
        context.clear_cookies(name=ACCESS)
        page.reload()
        expect(page.locator("#who")).to_contain_text(EMAIL)
        expect(page.locator("#login-email")).to_have_count(0)
        page.wait_for_load_state("networkidle")
        assert _cookie(context, ACCESS)
        assert _cookie(context, REFRESH) not in (None, before)
    page.reload()
    expect(page.locator("#who")).to_contain_text(EMAIL)
    context.close()


def test_parallel_callbacks_with_one_refresh_cookie_all_get_the_same_successor(
    server: ServerProcess, browser: Any
) -> None:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server.url, EMAIL)
    expect(page.locator("#who")).to_contain_text(EMAIL)
    page.wait_for_load_state("networkidle")
    refresh = _cookie(context, REFRESH)
    context.close()

    count = 8
    start = threading.Barrier(count)
    answers: list[httpx.Response | None] = [None] * count

    def callback(index: int) -> None:
        with httpx.Client(timeout=60) as client:
            start.wait()
            answers[index] = client.post(
                f"{server.url}/_dash-update-component",
                json=WHO,
                headers={"cookie": f"{REFRESH}={refresh}"},
            )

    threads = [threading.Thread(target=callback, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done = [answer for answer in answers if answer is not None]
    assert len(done) == count
    assert all(EMAIL in answer.text for answer in done), [a.text[:200] for a in done]
    successors = {answer.cookies.get(REFRESH) for answer in done}
    assert len(successors) == 1 and None not in successors, successors
    (successor,) = successors
    again = httpx.post(
        f"{server.url}/_dash-update-component",
        json=WHO,
        headers={"cookie": f"{REFRESH}={successor}"},
        timeout=60,
    )
    assert EMAIL in again.text
