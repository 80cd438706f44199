"""Regenerate the screenshots in docs/images: the demo dashboards in light and dark mode,
and the editor. Needs Chromium (BIOVISTA_CHROMIUM_PATH or chromium on the PATH).

    .venv/bin/python scripts/screenshots.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

from biovista.api.app import create_app
from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.dashboards.documents import list_dashboards
from biovista.services.demo import prepare_demo, seed_demo_dashboards
from biovista.services.ingest.run import ingest_project

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
WIDTH, HEIGHT = 1440, 1000


def serve(settings: Settings) -> str:
    """The demo, seeded and served on a free port in this process."""
    for loaded in prepare_demo(settings):
        ingest_project(loaded, settings)
    seed_demo_dashboards(settings)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return f"http://127.0.0.1:{port}"


def demo_dashboards(settings: Settings) -> dict[str, str]:
    with session_scope(settings.resolved_database_url) as session:
        return {
            slug(board.title): str(board.id)
            for project in ("penguins", "ampliseq-qc")
            for board in list_dashboards(session, LOCAL_ADMIN, project)
        }


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def shoot(page: Page, url: str, target: Path) -> None:
    page.goto(url)
    page.wait_for_selector("#dashboard-view[data-ready='true'], #add-component", timeout=60_000)
    page.wait_for_timeout(1500)  # let Plotly finish its transitions
    page.screenshot(path=str(target), full_page=True)
    print(f"wrote {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as root:
        settings = Settings(
            data_dir=Path(root),
            database_url=f"sqlite:///{root}/biovista.db",
            single_user=True,
        )
        base = serve(settings)
        boards = demo_dashboards(settings)
        if not settings.chromium_path:
            raise SystemExit("no Chromium found: set BIOVISTA_CHROMIUM_PATH")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=settings.chromium_path, args=ARGS)
            for theme in ("light", "dark"):
                context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
                context.add_init_script(f"localStorage.setItem('theme', '\"{theme}\"')")
                page = context.new_page()
                for name, ident in boards.items():
                    shoot(page, f"{base}/dashboard/{ident}", out / f"{name}-{theme}.png")
                if theme == "light":
                    first = next(iter(boards.values()))
                    shoot(page, f"{base}/dashboard-edit/{first}", out / "editor-light.png")
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
