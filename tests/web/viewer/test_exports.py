"""PNG and PDF of the current view, drawn by the server's own headless Chromium, as the
user who asks sees it: their rights, the filter state of the address, the theme."""

from __future__ import annotations

import io
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user
from biovista.services.dashboards.documents import list_dashboards, make_link, set_public
from biovista.services.dashboards.screenshots import MAX_ADMITTED, SCREEN
from biovista.web.common.cookie_auth import ACCESS_COOKIE
from tests.conftest import require_service
from tests.web.conftest import PASSWORD, sign_in

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FEMALE = "state=" + quote('{"values":{"sex":"female"}}')
DEMO_TITLES = {"penguins": "Penguins at a glance", "ampliseq-qc": "Read QC (MultiQC)"}


@pytest.fixture(scope="module")
def drawing(server: tuple[str, Settings]) -> Iterator[tuple[str, Settings]]:
    """The server, with a Chromium to draw and time enough on a busy test machine."""
    base, settings = server
    if not settings.chromium_path:
        require_service("Chromium", "PNG and PDF exports draw the view with it")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "snapshot_timeout", 150.0)
        yield base, settings


def dashboard_id(settings: Settings, project: str) -> str:
    """The demo's own dashboard of ``project`` (other tests add dashboards beside it)."""
    with session_scope(settings.resolved_database_url) as session:
        boards = list_dashboards(session, LOCAL_ADMIN, project)
        return str(next(b.id for b in boards if b.title == DEMO_TITLES[project]))


def access_token(base: str, email: str) -> str:
    answer = httpx.post(
        f"{base}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=120
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


def client(base: str, email: str | None = None, token: str | None = None) -> httpx.Client:
    """Anonymous, or signed in with the access cookie the web app would hold."""
    if email:
        token = access_token(base, email)
    cookies = {ACCESS_COOKIE: token} if token else {}
    return httpx.Client(base_url=base, cookies=cookies, timeout=300)


def picture(answer: httpx.Response) -> Image.Image:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/png"
    assert answer.content.startswith(PNG_MAGIC)
    return Image.open(io.BytesIO(answer.content)).convert("RGB")


def pdf_text(answer: httpx.Response) -> tuple[PdfReader, str]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(answer.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def private(settings: Settings, project: str) -> str:
    """A dashboard only project members and admins may see (other tests may share it)."""
    ident = dashboard_id(settings, project)
    with session_scope(settings.resolved_database_url) as session:
        set_public(session, LOCAL_ADMIN, uuid.UUID(ident), False)
    return ident


def test_the_png_is_the_whole_view_and_follows_the_filters(
    drawing: tuple[str, Settings],
) -> None:
    base, settings = drawing
    penguins = dashboard_id(settings, "penguins")
    with client(base, "owner@example.org") as owner:
        first = owner.get(f"/dashboard/{penguins}/export.png")
        again = owner.get(f"/dashboard/{penguins}/export.png")
        female = owner.get(f"/dashboard/{penguins}/export.png?{FEMALE}")
    assert 'filename="Penguins at a glance.png"' in first.headers["content-disposition"]
    unfiltered = picture(first)
    width, height = unfiltered.size
    assert width == SCREEN["width"]
    assert height > SCREEN["height"]  # the whole page, not the window
    # Drawn to the end each time: the same view gives the same picture, pixel for pixel.
    assert ImageChops.difference(unfiltered, picture(again)).getbbox() is None
    assert ImageChops.difference(unfiltered, picture(female)).getbbox() is not None


def test_the_pdf_is_a4_landscape_with_the_filtered_values(
    drawing: tuple[str, Settings],
) -> None:
    base, settings = drawing
    penguins = dashboard_id(settings, "penguins")
    with client(base, "owner@example.org") as owner:
        answer = owner.get(f"/dashboard/{penguins}/export.pdf?{FEMALE}")
    reader, text = pdf_text(answer)
    assert 'filename="Penguins at a glance.pdf"' in answer.headers["content-disposition"]
    assert len(reader.pages) >= 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 842) < 2 and abs(float(box.height) - 595) < 2  # A4 landscape
    assert "Penguins at a glance" in text
    assert "165" in text  # female penguins, linked through demographics
    assert "of 342 unfiltered" in text


def test_a_private_dashboard_is_drawn_with_the_callers_own_rights(
    drawing: tuple[str, Settings],
) -> None:
    base, settings = drawing
    qc = private(settings, "ampliseq-qc")
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "outsider@example.org", PASSWORD)
    with client(base, "owner@example.org") as owner:
        # Anonymous, the browser would find nothing here: the owner's rights went with it.
        _, text = pdf_text(owner.get(f"/dashboard/{qc}/export.pdf"))
    assert "project ampliseq-qc" in text
    with client(base, "outsider@example.org") as outsider:
        assert outsider.get(f"/dashboard/{qc}/export.png").status_code == 404
        assert outsider.get(f"/dashboard/{qc}/export.pdf").status_code == 404
    with client(base) as anonymous:
        assert anonymous.get(f"/dashboard/{qc}/export.png").status_code == 404
        assert anonymous.get("/dashboard/not-a-uuid/export.png").status_code == 404


def test_a_share_link_is_drawn_logged_out_in_the_dark_theme(
    drawing: tuple[str, Settings],
) -> None:
    base, settings = drawing
    qc = private(settings, "ampliseq-qc")
    with session_scope(settings.resolved_database_url) as session:
        token = make_link(session, LOCAL_ADMIN, uuid.UUID(qc))
    with client(base) as anonymous:
        dark = picture(anonymous.get(f"/dashboard/shared/{token}/export.png?theme=dark"))
        assert anonymous.get("/dashboard/shared/no-such-link/export.png").status_code == 404
        wrong = anonymous.get(f"/dashboard/shared/{token}/export.png?theme=purple")
    red, green, blue = dark.getpixel((dark.width // 2, dark.height - 5))
    assert red + green + blue < 3 * 80, "the page background is dark"
    assert wrong.status_code == 400
    assert wrong.text == "theme must be 'light' or 'dark', not 'purple'"


def test_the_viewer_menu_offers_the_current_view(
    drawing: tuple[str, Settings], browser: Any
) -> None:
    base, settings = drawing
    penguins = dashboard_id(settings, "penguins")
    page = browser.new_page()
    sign_in(page, base, "owner@example.org")
    page.goto(f"{base}/dashboard/{penguins}")
    png = page.locator("#export-png")
    png.wait_for()
    assert page.locator("#export-pdf").inner_text() == "PDF"
    page.locator('[id=\'{"cid":"sex","kind":"filter"}\']').click()
    page.get_by_role("option", name="female", exact=True).click()
    page.wait_for_function("() => document.querySelector('#export-png').href.includes('state=')")
    href = png.get_attribute("href")
    assert href.startswith(f"/dashboard/{penguins}/export.png?state=")
    assert href.endswith("&theme=light")
    page.click("#theme-toggle")
    page.wait_for_function(
        "() => document.querySelector('#export-pdf').href.endsWith('theme=dark')"
    )
    answer = page.request.get(base + png.get_attribute("href"), timeout=300_000)
    assert answer.status == 200
    assert answer.body().startswith(PNG_MAGIC)
    page.close()


def test_without_chromium_the_export_says_how_to_configure_it(
    server: tuple[str, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, settings = server
    monkeypatch.setattr(settings, "chromium_path", "/nonexistent/chromium")
    penguins = dashboard_id(settings, "penguins")
    with client(base, "owner@example.org") as owner:
        answer = owner.get(f"/dashboard/{penguins}/export.png")
    assert answer.status_code == 503
    assert answer.text.startswith("PNG and PDF exports need Chromium on the server")
    assert "set BIOVISTA_CHROMIUM_PATH to a Chromium or Chrome executable" in answer.text


def test_a_view_that_does_not_draw_in_time_answers_504(
    drawing: tuple[str, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, settings = drawing
    monkeypatch.setattr(settings, "snapshot_timeout", 0.5)
    penguins = dashboard_id(settings, "penguins")
    with client(base, "owner@example.org") as owner:
        answer = owner.get(f"/dashboard/{penguins}/export.pdf")
    assert answer.status_code == 504
    assert answer.text.startswith("the dashboard did not finish drawing within 0.5 seconds")


def test_many_exports_at_once_leave_threads_for_the_pages_they_draw(
    drawing: tuple[str, Settings],
) -> None:
    """The browser's page requests go to this same process, to the WSGI thread pool (8)
    in which every waiting export holds a thread: without a limit, 8 exports at once would
    hold every thread and wait for pages that no thread is left to serve."""
    base, settings = drawing
    penguins = dashboard_id(settings, "penguins")
    token = access_token(base, "owner@example.org")
    asked = 8
    start = threading.Barrier(asked, timeout=60)
    answers: list[httpx.Response] = []

    def export() -> None:
        with client(base, token=token) as owner:
            start.wait()
            answers.append(owner.get(f"/dashboard/{penguins}/export.png"))

    began = time.monotonic()
    threads = [threading.Thread(target=export) for _ in range(asked)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - began < settings.snapshot_timeout
    drawn = [a for a in answers if a.status_code == 200]
    busy = [a for a in answers if a.status_code == 503]
    assert len(drawn) + len(busy) == asked, [a.status_code for a in answers]
    assert 1 <= len(drawn) <= MAX_ADMITTED
    for answer in busy:
        assert answer.text == "2 exports are being drawn already; try again in 5 seconds"
        assert answer.headers["retry-after"] == "5"
    for answer in drawn:
        assert picture(answer).width == SCREEN["width"]
