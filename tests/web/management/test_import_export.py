"""Dashboards as files in the browser: download the YAML, import it back, see the same view;
a broken file is refused with the line at fault."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from biovista.config import Settings
from tests.web.conftest import choose, sign_in
from tests.web.viewer.test_app import metric, penguins_dashboard


def test_export_then_import_yaml_gives_the_same_dashboard(
    server: tuple[str, Settings], browser: Any, tmp_path: Path
) -> None:
    base, settings = server
    page = browser.new_page()
    sign_in(page, base, "owner@example.org")
    page.goto(f"{base}/dashboard/{penguins_dashboard(settings)}")
    assert metric(page, "birds") == "342"
    with page.expect_download() as download:
        page.click("#export-yaml")
    exported = tmp_path / "penguins.yaml"
    download.value.save_as(exported)
    text = exported.read_text()
    assert "title: Penguins at a glance" in text and "id: birds" in text

    copy = tmp_path / "copy.yaml"
    copy.write_text(text.replace("title: Penguins at a glance", "title: Imported penguins", 1))
    page.goto(f"{base}/")
    choose(page, "#new-project", "penguins")
    page.locator("#import-yaml input[type=file]").set_input_files(str(copy))
    page.locator("#dashboard-title, #notice-text").first.wait_for()
    assert page.locator("#notice-text").count() == 0, page.inner_text("#notice-text")
    assert re.search(r"/dashboard/[0-9a-f-]{36}$", page.url)
    assert page.inner_text("#dashboard-title") == "Imported penguins"
    assert metric(page, "birds") == "342"
    assert metric(page, "mean-mass") == "4,201.75 g"
    page.close()


def test_a_broken_file_is_refused_with_its_line(
    server: tuple[str, Settings], browser: Any, tmp_path: Path
) -> None:
    base, _ = server
    page = browser.new_page()
    sign_in(page, base, "owner@example.org")
    choose(page, "#new-project", "penguins")
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "title: Broken\ntabs:\n  - name: One\n    components:\n"
        "      - {type: metric, id: n, collection: physical, agg: avg}\n"
    )
    page.locator("#import-yaml input[type=file]").set_input_files(str(broken))
    page.locator("#notice-text").wait_for()
    message = page.inner_text("#notice-text")
    assert "broken.yaml" in message and "line 5" in message and "agg" in message
    assert page.url == f"{base}/"
    page.close()
