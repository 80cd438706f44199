"""A real server (uvicorn in a thread) with the demo seeded, and a real headless Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from biovista.api.app import create_app
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user
from biovista.services.demo import prepare_demo, seed_demo_dashboards
from biovista.services.ingest.run import ingest_project

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PASSWORD = "a long enough password"
# A 2-core CI machine running two browser workers is slow: wait as long as locators do.
expect.set_options(timeout=30_000)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    root: Path = tmp_path_factory.mktemp("web")
    settings = Settings(data_dir=root, database_url=f"sqlite:///{root / 'biovista.db'}")
    app = create_app(settings)
    for loaded in prepare_demo(settings):
        ingest_project(loaded, settings)
    seed_demo_dashboards(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "viewer@example.org", PASSWORD)
        create_user(session, "owner@example.org", PASSWORD, role="admin")
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    while not runner.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", settings
    runner.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("BIOVISTA_REQUIRE_SERVICES") == "1":
            pytest.fail("Chromium is required (Debian packages chromium, chromium-driver)")
        pytest.skip("no Chromium on this machine")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def sign_in(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#login-email", email)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/")


def choose(page: Any, selector: str, option: str) -> None:
    """Pick ``option`` in a Mantine select as a person does: open it, click the option.

    A select that is redrawn while open (its options follow another choice) closes: then
    open it again, as a person would."""
    for _ in range(5):
        wanted = page.get_by_role("option", name=option, exact=True)
        try:
            page.locator(selector).click(timeout=10_000)
            wanted.wait_for(timeout=6000)
            wanted.click(timeout=6000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"{selector} never offered {option!r}")
