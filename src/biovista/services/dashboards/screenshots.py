"""Pictures of a dashboard view (PNG, PDF) drawn by a real headless Chromium.

The browser opens the viewer page of this same server as the user who asked: with a
short-lived access token minted for that user (never a stronger credential), or with none
for public and share-link views. So the picture shows exactly what that user sees, with the
filter state of the address and the chosen theme. It waits for the viewer's own readiness
signal (``data-ready`` on ``#dashboard-view``, set when the data callback has answered) and
for every figure and table to have drawn, never for a fixed time.

Playwright's sync objects belong to the thread that made them, so one daemon thread owns
the browser: launched on first use, relaunched if it dies, drawing one view at a time in a
fresh browser context (no cookie or storage is shared between users). Reusing it saves
about a second per export over launching Chromium each time (driver 0.5-0.7 s, launch
0.3 s, close 0.15 s, against 2-4 s to draw the demo dashboard).

The browser's page requests are served by the same process, by the viewer's WSGI thread
pool, in which each waiting export also holds a thread. So at most ``MAX_ADMITTED``
exports wait at once; more answer "busy" at once, and the pool always keeps threads for
the page's own requests (it has 8).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    Page,
    PdfMargins,
    Playwright,
    Route,
    ViewportSize,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from biovista.auth.keys import KeyRing
from biovista.auth.policy import Principal
from biovista.auth.tokens import issue_access_token
from biovista.config import Settings
from biovista.errors import BiovistaError

Format = Literal["png", "pdf"]
Theme = Literal["light", "dark"]

MAX_ADMITTED = 2
BUSY_RETRY_SECONDS = 5
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREEN: ViewportSize = {"width": 1440, "height": 900}
PDF_MARGIN = "8mm"
PDF_SCALE = 0.75
PDF_PAGE: ViewportSize = {"width": 1416, "height": 977}
"""A4 landscape less the margins (1062 x 733 CSS pixels) at PDF_SCALE: the page is laid out
as it will print, about as wide as the screen picture."""
CONFIGURE = (
    "install Chromium (e.g. the Debian package chromium) or set BIOVISTA_CHROMIUM_PATH "
    "to a Chromium or Chrome executable, then restart the server"
)

READY = """() => {
  if (document.getElementById('not-found')) return 'not-found';
  const view = document.getElementById('dashboard-view');
  if (!view || view.dataset.ready !== 'true') return false;
  const config = JSON.parse(document.getElementById('_dash-config')?.textContent || '{}');
  if (config.update_title && document.title === config.update_title) return false;
  if (document.querySelector('[data-dash-is-loading="true"]')) return false;
  const shown = (element) => element.getClientRects().length > 0;
  for (const graph of document.querySelectorAll('.dash-graph')) {
    const pending = graph.classList.contains('dash-graph--pending');
    if (shown(graph) && (pending || !graph.querySelector('.main-svg'))) return false;
  }
  for (const table of document.querySelectorAll('[id^="{"]')) {
    if (!table.id.includes('"kind":"table"')) continue;
    const drawn = table.querySelector('.ag-root-wrapper');
    const loading = table.querySelector('.ag-loading, .ag-overlay-loading-wrapper');
    if (shown(table) && (!drawn || loading)) return false;
  }
  for (const text of document.querySelectorAll('.bv-card[data-type="text"]')) {
    if (shown(text) && !text.querySelector('.bv-markdown')) return false;
  }
  for (const image of document.images) {
    if (image.loading === 'lazy') image.loading = 'eager';  // the picture shows them all
    if (shown(image) && !image.complete) return false;
  }
  return 'ready';
}"""
PAINTED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
THEME = """(() => {
  if (location.origin === ORIGIN) localStorage.setItem('theme', JSON.stringify(THEME));
})()"""

log = logging.getLogger(__name__)


class Browsers:
    """The browsers one process draws with (one per Chromium executable, started on first
    use) and how many exports it admits at once. One per runtime; ``close`` ends them."""

    def __init__(self) -> None:
        self.admitted = threading.BoundedSemaphore(MAX_ADMITTED)
        self._threads: dict[str, _BrowserThread] = {}
        self._lock = threading.Lock()

    def browser(self, executable: str) -> _BrowserThread:
        with self._lock:
            if executable not in self._threads:
                self._threads[executable] = _BrowserThread(executable)
            return self._threads[executable]

    def close(self) -> None:
        with self._lock:
            threads, self._threads = list(self._threads.values()), {}
        for thread in threads:
            thread.close()


class SnapshotUnavailableError(BiovistaError):
    """No browser can draw the view: none configured, or it does not start (HTTP 503)."""

    status = 503


class SnapshotBusyError(SnapshotUnavailableError):
    """Too many exports are being drawn at once; try again in a moment (HTTP 503)."""


class SnapshotTimeoutError(BiovistaError):
    """The view did not finish drawing in time (HTTP 504)."""

    status = 504


class SnapshotFailedError(BiovistaError):
    """The browser started but could not draw the view (HTTP 502)."""

    status = 502


@dataclass(frozen=True)
class ViewRequest:
    """One view to draw: its viewer address on this server and how to draw it."""

    url: str
    fmt: Format
    theme: Theme = "light"
    cookies: dict[str, str] = field(default_factory=dict)
    """Sent to the viewer's own address only."""


def browser_credential(
    settings: Settings, keyring: KeyRing, principal: Principal | None
) -> str | None:
    """An access token with the caller's own rights that lives only as long as a drawing.

    None for anonymous callers (public and share-link views) and in single-user mode,
    where the server needs no credential."""
    if principal is None or settings.single_user:
        return None
    lifetime = timedelta(seconds=settings.snapshot_timeout + 60)
    token, _ = issue_access_token(
        keyring, principal.user_id, principal.role, principal.scope, ttl=lifetime
    )
    return token


def snapshot(settings: Settings, browsers: Browsers, view: ViewRequest) -> bytes:
    """The view drawn as PNG or PDF bytes, within ``settings.snapshot_timeout`` seconds."""
    executable = _executable(settings)
    if not browsers.admitted.acquire(blocking=False):
        raise SnapshotBusyError(
            f"{MAX_ADMITTED} exports are being drawn already; "
            f"try again in {BUSY_RETRY_SECONDS} seconds"
        )
    try:
        job = _Job(view, time.monotonic() + settings.snapshot_timeout, settings.snapshot_timeout)
        browsers.browser(executable).submit(job)
        try:
            return job.result.result(timeout=settings.snapshot_timeout + 10)
        except FutureTimeout:
            raise job.timed_out() from None
    finally:
        browsers.admitted.release()


def _executable(settings: Settings) -> str:
    path = settings.chromium_path
    if not path:
        raise SnapshotUnavailableError(
            f"PNG and PDF exports need Chromium on the server and none was found: {CONFIGURE}"
        )
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        raise SnapshotUnavailableError(
            "PNG and PDF exports need Chromium on the server, and the configured "
            f"BIOVISTA_CHROMIUM_PATH is not an executable file: {CONFIGURE}"
        )
    return path


@dataclass
class _Job:
    view: ViewRequest
    deadline: float
    timeout: float
    result: Future[bytes] = field(default_factory=Future)

    def remaining_ms(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.timed_out()
        return left * 1000

    def timed_out(self) -> SnapshotTimeoutError:
        return SnapshotTimeoutError(
            f"the dashboard did not finish drawing within {self.timeout:g} seconds "
            "(BIOVISTA_SNAPSHOT_TIMEOUT); try again, or export fewer components"
        )


class _BrowserThread:
    """One Chromium and the one thread allowed to use it; jobs are drawn in turn."""

    def __init__(self, executable: str) -> None:
        self._executable = executable
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        threading.Thread(target=self._serve, name="snapshot-browser", daemon=True).start()

    def submit(self, job: _Job) -> None:
        self._jobs.put(job)

    def close(self) -> None:
        """Stop after the jobs already queued (Playwright's objects close on their thread)."""
        self._jobs.put(None)

    def _serve(self) -> None:
        while True:  # until closed: every failure is the job's, the next job starts afresh
            job = self._jobs.get()
            if job is None:
                if self._browser is not None:
                    with contextlib.suppress(Exception):
                        self._browser.close()
                self._stop_driver()
                return
            try:
                job.result.set_result(_draw(self._launched(job), job))
            except BiovistaError as exc:
                job.result.set_exception(exc)
            except PlaywrightTimeout:
                job.result.set_exception(job.timed_out())
            except Exception as exc:  # the thread must outlive any one failure
                log.warning("snapshot of %s failed: %s", job.view.url, exc)
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                job.result.set_exception(
                    SnapshotFailedError(f"the browser could not draw the dashboard: {reason}")
                )

    def _launched(self, job: _Job) -> Browser:
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        try:
            if self._playwright is None:
                self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=self._executable, args=ARGS, timeout=job.remaining_ms()
            )
        except PlaywrightTimeout:
            raise job.timed_out() from None
        except PlaywrightError as exc:
            log.warning("Chromium %s did not start: %s", self._executable, exc)
            self._stop_driver()  # the next export starts afresh
            raise SnapshotUnavailableError(
                f"Chromium is configured but does not start on the server: {CONFIGURE}"
            ) from None
        return self._browser

    def _stop_driver(self) -> None:
        playwright, self._playwright, self._browser = self._playwright, None, None
        if playwright is not None:
            with contextlib.suppress(Exception):
                playwright.stop()


def _draw(browser: Browser, job: _Job) -> bytes:
    """Open the view in a fresh context, wait until it has drawn, and capture it."""
    view = job.view
    pdf = view.fmt == "pdf"
    parts = urlsplit(view.url)
    origin = f"{parts.scheme}://{parts.netloc}"
    context = browser.new_context(viewport=PDF_PAGE if pdf else SCREEN)
    try:
        context.set_default_timeout(job.remaining_ms())
        context.route("**/*", lambda route: _same_origin_only(route, origin))
        context.add_init_script(
            THEME.replace("ORIGIN", json.dumps(origin)).replace("THEME", json.dumps(view.theme))
        )
        if view.cookies:
            context.add_cookies(
                [{"name": n, "value": v, "url": origin + "/"} for n, v in view.cookies.items()]
            )
        page = context.new_page()
        page.goto(view.url, wait_until="domcontentloaded", timeout=job.remaining_ms())
        _wait_until_drawn(page, job)
        if pdf:
            page.emulate_media(media="screen")
            page.add_style_tag(content=".bv-card { break-inside: avoid; }")
            margin: PdfMargins = {
                "top": PDF_MARGIN,
                "right": PDF_MARGIN,
                "bottom": PDF_MARGIN,
                "left": PDF_MARGIN,
            }
            return page.pdf(
                format="A4",
                landscape=True,
                print_background=True,
                margin=margin,
                scale=PDF_SCALE,
            )
        return page.screenshot(full_page=True, type="png", timeout=job.remaining_ms())
    finally:
        context.close()


def _wait_until_drawn(page: Page, job: _Job) -> None:
    outcome = page.wait_for_function(READY, polling=100, timeout=job.remaining_ms())
    if outcome.json_value() == "not-found":
        raise SnapshotFailedError(
            "the viewer did not open this dashboard for the export's browser; "
            "reload the page (your session may have ended) and try again"
        )
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.evaluate(PAINTED)


def _same_origin_only(route: Route, origin: str) -> None:
    """The page may load only from this server: no outside fetches on the server's behalf."""
    parts = urlsplit(route.request.url)
    if f"{parts.scheme}://{parts.netloc}" == origin:
        route.continue_()
    else:
        route.abort()
