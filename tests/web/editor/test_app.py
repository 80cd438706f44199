"""What a person does in the editor: build a dashboard from nothing, arrange it, filter it."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from biovista.config import Settings
from biovista.db.models import Dashboard
from biovista.db.session import session_scope
from tests.web.conftest import choose, sign_in


def ident(kind: str, **rest: str) -> str:
    """The CSS selector of a Dash pattern-matching id (its keys are sorted)."""
    key = json.dumps({"kind": kind, **rest}, sort_keys=True, separators=(",", ":"))
    return f"[id='{key}']"


def add_component(page: Any, kind_of: str, title: str, settings: dict[str, Any]) -> None:
    """Open the form, fill it as a person would, wait for the preview, add."""
    page.click("#add-component")
    page.locator("#form-type").get_by_text(kind_of, exact=True).click()
    settled(page)
    for name, value in settings.items():
        if name == "collection":
            choose(page, "#form-collection", value)
            settled(page)
        elif name == "kind":
            choose(page, "#form-kind", value)
            settled(page)
        elif name == "markdown":
            page.fill(ident("field", name="markdown"), value)
            shown = value.replace("**", "")
            page.wait_for_function(
                f"() => document.querySelector('#preview-text')?.innerText.includes('{shown}')"
            )
        elif isinstance(value, list):
            for item in value:
                choose(page, ident("field", name=name), item)
            page.keyboard.press("Escape")
        else:
            choose(page, ident("field", name=name), value)
    page.fill("#form-title", title)
    page.locator("#form-preview").get_by_text(re.compile(".")).first.wait_for()
    count = page.locator(".bv-card").count()
    page.click("#form-save")
    page.wait_for_function(f"() => document.querySelectorAll('.bv-card').length === {count + 1}")


def settled(page: Any) -> None:
    """Wait until the form's fields are drawn for the latest choice (no callback pending):
    a select redrawn while a person opens it would close under their pointer."""
    page.wait_for_function(
        '() => !document.querySelector(\'#form-fields[data-dash-is-loading="true"],'
        ' #form-kind[data-dash-is-loading="true"]\')'
    )


def saved_spec(settings: Settings, dashboard_id: str) -> dict[str, Any]:
    with session_scope(settings.resolved_database_url) as session:
        record = session.get(Dashboard, uuid.UUID(dashboard_id))
        assert record is not None
        return dict(record.spec)


def components_of(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for tab in spec["tabs"] for c in tab["components"]}


def test_build_arrange_and_filter_a_dashboard_in_the_editor(
    server: tuple[str, Settings], browser: Any
) -> None:
    base, settings = server
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, base, "owner@example.org")
    choose(page, "#new-project", "penguins")
    page.fill("#new-title", "Built by hand")
    page.click("#create-dashboard")
    page.wait_for_url(re.compile(r".*/dashboard-edit/"))
    dashboard_id = page.url.split("/dashboard-edit/")[1].split("?")[0]
    page.locator("#add-component").wait_for()

    add_component(
        page,
        "figure",
        "Bills",
        {"collection": "physical", "kind": "scatter", "x": "bill_length_mm", "y": "bill_depth_mm"},
    )
    add_component(
        page,
        "metric",
        "Mean mass",
        {"collection": "physical", "kind": "mean", "column": "body_mass_g"},
    )
    add_component(page, "metric", "Birds", {"collection": "physical", "kind": "count"})
    add_component(
        page, "filter", "Sex", {"collection": "demographics", "kind": "select", "column": "sex"}
    )
    add_component(
        page, "table", "Rows", {"collection": "physical", "columns": ["individual_id", "species"]}
    )
    add_component(page, "text", "Notes", {"markdown": "Measured in **three** runs."})
    add_component(
        page, "image", "Plots", {"collection": "plots", "column": "image", "label": "title"}
    )

    spec = components_of(saved_spec(settings, dashboard_id))
    assert set(spec) == {
        "figure-1",
        "metric-1",
        "metric-2",
        "filter-1",
        "table-1",
        "text-1",
        "image-1",
    }
    assert (spec["image-1"]["column"], spec["image-1"]["label"]) == ("image", "title")
    gallery = page.locator(ident("card", cid="image-1"))
    gallery.get_by_text("12 images").wait_for()  # three runs drew four plots each
    assert gallery.locator(".bv-gallery-item img").count() == 12
    assert spec["figure-1"]["x"] == "bill_length_mm" and spec["figure-1"]["kind"] == "scatter"
    mean = spec["metric-1"]
    assert (mean["title"], mean["agg"], mean["column"]) == ("Mean mass", "mean", "body_mass_g")
    assert spec["table-1"]["columns"] == ["individual_id", "species"]
    assert spec["text-1"]["markdown"] == "Measured in **three** runs."
    assert "Measured in three runs." in page.inner_text(ident("card", cid="text-1"))
    assert page.inner_text(f"{ident('metric', cid='metric-2')} .bv-metric-value") == "342"

    edit_duplicate_and_delete(page, settings, dashboard_id)
    drag_a_card(page, settings, dashboard_id)
    page.fill("#tab-name", "Second")
    page.click("#add-tab")
    page.wait_for_url(re.compile(r".*\?tab=1$"))
    assert [t["name"] for t in saved_spec(settings, dashboard_id)["tabs"]] == ["Overview", "Second"]

    filter_in_the_viewer(page, base, dashboard_id)
    page.close()


def metric_text(page: Any, cid: str) -> str:
    return str(page.inner_text(f"{ident('metric', cid=cid)} .bv-metric-value"))


def edit_duplicate_and_delete(page: Any, settings: Settings, dashboard_id: str) -> None:
    page.click(ident("edit", cid="metric-1"))
    page.wait_for_function(  # the form opens filled with the component's settings
        f"() => document.querySelector(`{ident('field', name='column')}`)?.value === 'body_mass_g'"
    )
    assert page.input_value("#form-title") == "Mean mass"
    page.fill("#form-title", "Average mass")
    page.fill(ident("field", name="unit"), "g")
    page.wait_for_function(
        "() => document.querySelector('#preview-metric')?.innerText.includes('4,201.75 g')"
    )
    page.click("#form-save")
    page.get_by_text("Average mass").wait_for()
    edited = components_of(saved_spec(settings, dashboard_id))["metric-1"]
    assert (edited["title"], edited["unit"], edited["agg"]) == ("Average mass", "g", "mean")
    assert metric_text(page, "metric-1") == "4,201.75 g"

    page.click(ident("duplicate", cid="metric-2"))
    page.locator(ident("card", cid="metric-3")).wait_for()
    copy = components_of(saved_spec(settings, dashboard_id))["metric-3"]
    assert (copy["title"], copy["agg"]) == ("Birds", "count")
    page.click(ident("delete", cid="metric-3"))
    page.locator(ident("card", cid="metric-3")).wait_for(state="detached")
    assert "metric-3" not in components_of(saved_spec(settings, dashboard_id))


def drag_a_card(page: Any, settings: Settings, dashboard_id: str) -> None:
    """Drag the notes card by its title across the row: the new place saves itself."""
    before = components_of(saved_spec(settings, dashboard_id))["text-1"]["layout"]
    handle = page.locator(f"{ident('card', cid='text-1')} .bv-handle")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    direction = -1 if before["x"] >= 6 else 1  # towards the free half of the row
    page.mouse.move(box["x"] + 10, box["y"] + 5)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(box["x"] + 10 + direction * 70 * step, box["y"] + 5)
    page.mouse.up()
    page.locator("#saved").wait_for()
    after = components_of(saved_spec(settings, dashboard_id))["text-1"]["layout"]
    assert after["x"] != before["x"]
    assert (after["w"], after["h"]) == (before["w"], before["h"])


def filter_in_the_viewer(page: Any, base: str, dashboard_id: str) -> None:
    """In the viewer the new filter (on the linked demographics) drives cards and table."""
    page.goto(f"{base}/dashboard/{dashboard_id}")
    page.locator(f"{ident('metric', cid='metric-2')} .bv-metric-value").wait_for()
    assert metric_text(page, "metric-2") == "342"
    choose(page, ident("filter", cid="filter-1"), "female")
    page.wait_for_function(
        f"() => document.querySelector(`{ident('metric', cid='metric-2')}`)"
        ".innerText.startsWith('165')"
    )
    assert metric_text(page, "metric-1") == "3,862.27 g"
    assert table_rows(page, "table-1") == 165
    page.reload()
    page.locator(f"{ident('metric', cid='metric-2')} .bv-metric-value").wait_for()
    assert metric_text(page, "metric-2") == "165"
    assert table_rows(page, "table-1") == 165


def table_rows(page: Any, cid: str) -> int:
    """How many rows the server says the table's filtered view holds (AG Grid's row count)."""
    script = (
        "async (cid) => { const el = [...document.querySelectorAll('div[id]')].find("
        "e => e.id.startsWith('{') && JSON.parse(e.id).kind === 'grid' "
        "&& JSON.parse(e.id).cid === cid);"
        " const api = await dash_ag_grid.getApiAsync(JSON.parse(el.id));"
        " for (let i = 0; i < 100 && !api.isLastRowIndexKnown(); i++)"
        " { await new Promise(r => setTimeout(r, 200)); }"
        " return api.getDisplayedRowCount(); }"
    )
    page.wait_for_function(
        "(cid) => [...document.querySelectorAll('div[id]')].some(e => e.id.includes('\"grid\"')"
        " && e.id.includes(cid))",
        arg=cid,
    )
    return int(page.evaluate(script, cid))


def test_a_multiqc_plot_is_added_from_an_ingested_report(
    server: tuple[str, Settings], browser: Any
) -> None:
    base, settings = server
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, base, "owner@example.org")
    choose(page, "#new-project", "ampliseq-qc")
    page.fill("#new-title", "Reads by hand")
    page.click("#create-dashboard")
    page.wait_for_url(re.compile(r".*/dashboard-edit/"))
    dashboard_id = page.url.split("/dashboard-edit/")[1].split("?")[0]
    page.locator("#add-component").wait_for()
    add_component(page, "multiqc", "Read counts", {"collection": "sequence_counts", "kind": "plot"})
    saved = components_of(saved_spec(settings, dashboard_id))["multiqc-1"]
    assert (saved["collection"], saved["view"]) == ("sequence_counts", "plot")
    card = page.locator(ident("card", cid="multiqc-1"))
    card.locator(".js-plotly-plot .trace, .bv-error").first.wait_for()
    assert card.locator(".bv-error").count() == 0, card.inner_text()
    # sequence_counts holds unique and duplicate reads per sample: one bar trace for each
    assert card.locator(".js-plotly-plot .trace.bars").count() == 2
    page.close()
