"""What a person does with workflows in the browser: launch one from its form and watch it
run to the end, read a failed job's stderr, cancel a long run; a viewer only looks.

The workflow is the small real Snakemake one of the service tests, registered into this
worker's server with two samples; each test launches its own execution."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.models import Workflow
from biovista.db.session import session_scope
from biovista.errors import NotFoundError
from biovista.runtime import handlers_for
from biovista.services.accounts.grants import grant_role
from biovista.services.samples.records import attach_file, create_sample, list_samples
from biovista.services.samples.types import create_sample_type, get_sample_type
from biovista.services.workflows import executions
from biovista.services.workflows.registry import register_workflow
from biovista.storage.sources import uploads_folder
from biovista.tasks import ThreadRunner
from tests.web.conftest import sign_in
from tests.web.management.test_app import fresh_user

DATA = Path(__file__).resolve().parents[2] / "data" / "workflows"
WORKFLOW = "penguin-summary"
SAMPLE_TYPE = "web-colony"
SAMPLES = ("colony_a", "colony_b")
RUN_TIMEOUT = 90_000
"""A real Snakemake run on a busy 2-core machine: seconds, but allow for a crowd."""
FINISHED = re.compile("^(succeeded|failed|cancelled)$")


@pytest.fixture(scope="module")
def pipeline(server: tuple[str, Settings]) -> tuple[str, Settings]:
    """The fixture workflow, its project and two samples with files, once per server."""
    base, settings = server
    url = settings.resolved_database_url
    with session_scope(url) as session:
        if session.scalar(select(Workflow).where(Workflow.name == WORKFLOW)) is None:
            register_workflow(session, settings, LOCAL_ADMIN, str(DATA / WORKFLOW))
    with session_scope(url) as session:
        try:
            get_sample_type(session, SAMPLE_TYPE)
        except NotFoundError:
            create_sample_type(session, LOCAL_ADMIN, SAMPLE_TYPE)
        have = {s.name for s in list_samples(session, LOCAL_ADMIN, WORKFLOW)}
        folder = uploads_folder(settings, WORKFLOW)
        folder.mkdir(parents=True, exist_ok=True)
        for name in SAMPLES:
            if name in have:
                continue
            sample = create_sample(session, LOCAL_ADMIN, WORKFLOW, name, SAMPLE_TYPE)
            shutil.copy(DATA / "samples" / f"{name}.csv", folder / f"{name}.csv")
            data = (folder / f"{name}.csv").read_bytes()
            attach_file(session, sample, f"{name}.csv", len(data), hashlib.sha256(data).hexdigest())
    return base, settings


def open_workflow(page: Any, base: str) -> Any:
    """From the home page to the workflow's card, as a person goes."""
    page.goto(f"{base}/")
    page.get_by_role("link", name="Workflows", exact=True).click()
    card = page.locator(f".bv-workflow[data-workflow='{WORKFLOW}']")
    card.wait_for()
    return card


def pick_samples(page: Any, card: Any, names: tuple[str, ...]) -> None:
    card.get_by_label("Samples").click()
    for name in names:
        page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")
    for name in names:
        expect(card.locator(".mantine-MultiSelect-pill", has_text=name)).to_be_visible()


def launch_from(page: Any, card: Any) -> str:
    """Press Launch; the execution page opens. Answers the execution's id."""
    card.get_by_role("button", name="Launch").click()
    page.wait_for_url(re.compile(r"/executions/[0-9a-f-]{36}$"))
    return str(page.url.rsplit("/", 1)[1])


def job_rows(page: Any) -> Any:
    return page.locator("#ex-jobs .ag-center-cols-container .ag-row")


def log_sent(responses: list[Any]) -> str:
    """The log text the server sent, from the page's callback responses: each is a patch
    appending new text (a response re-sending the whole log would fail here)."""
    sent = []
    for response in responses:
        body = json.loads(response.text())
        children = body.get("response", {}).get("ex-log", {}).get("children")
        if children is None:
            continue
        assert isinstance(children, dict) and "__dash_patch_update" in children, children
        for operation in children["operations"]:
            assert operation["operation"] == "Append", operation
            sent.append(operation["params"]["value"])
    return "".join(sent)


def wait_status(page: Any, status: str) -> None:
    """Wait for the execution to finish; a different ending fails at once, with its error."""
    badge = page.locator("#ex-status")
    expect(badge).to_have_attribute("data-status", FINISHED, timeout=RUN_TIMEOUT)
    ended = badge.get_attribute("data-status")
    shown = page.locator("#ex-error").all_inner_texts()
    assert ended == status, f"the execution {ended}: {shown}"


def test_an_editor_launches_a_workflow_and_watches_it_succeed(
    pipeline: tuple[str, Settings], browser: Any
) -> None:
    base, _ = pipeline
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "owner@example.org")
    card = open_workflow(page, base)
    assert "snakemake" in card.text_content()
    assert "Summarise each sample's penguin measurements per species" in card.inner_text()
    assert f"project {WORKFLOW}" in card.inner_text()
    assert card.get_by_label("digits").input_value() == "1"  # the default, filled in

    card.get_by_role("button", name="Launch").click()  # no sample chosen: the service says so
    expect(card.locator(".bv-launch-error")).to_contain_text("choose at least one sample")

    card.get_by_label("digits").fill("2")
    pick_samples(page, card, SAMPLES)
    updates: list[Any] = []
    page.on("response", lambda r: updates.append(r) if "_dash-update" in r.url else None)
    execution = launch_from(page, card)
    wait_status(page, "succeeded")
    expect(page.locator("#ex-count")).to_have_text(re.compile(r"^(\d+) / \1 jobs$"))
    expect(job_rows(page).filter(has_text="summarise")).to_have_count(2)
    expect(job_rows(page).filter(has_text="colony_b")).not_to_have_count(0)
    expect(page.locator("#ex-log")).to_contain_text("Finished job", timeout=RUN_TIMEOUT)
    expect(page.locator("#ex-log")).to_contain_text("steps (100%) done", timeout=RUN_TIMEOUT)
    for _ in range(40):  # the last tick may still be on its way
        log = page.locator("#ex-log").text_content()
        if log_sent(updates) == log:  # appended by byte offset: each byte sent once
            break
        page.wait_for_timeout(250)
    assert log_sent(updates) == log
    assert log.count("Building DAG of jobs") == 1 and "summarise" in log, log
    assert "digits: 2" in page.inner_text("#ex-params")
    assert sorted(page.inner_text("#ex-samples").split()[1:]) == list(SAMPLES)
    expect(page.locator("#ex-done")).to_contain_text(f"Outputs ingested into {WORKFLOW}")
    expect(page.get_by_role("button", name="Re-run")).to_be_visible()
    assert page.get_by_role("button", name="Cancel").count() == 0
    assert page.get_by_role("button", name="Resume").count() == 0  # nothing to resume

    page.get_by_role("link", name=f"Executions of {WORKFLOW}").click()
    row = page.locator(f".bv-execution[data-execution='{execution}']")
    expect(row).to_have_attribute("data-status", "succeeded")
    context.close()


def test_a_failed_job_shows_its_stderr_when_its_row_is_clicked(
    pipeline: tuple[str, Settings], browser: Any
) -> None:
    base, _ = pipeline
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "owner@example.org")
    card = open_workflow(page, base)
    card.get_by_label("fail_sample").fill("colony_b")
    pick_samples(page, card, SAMPLES)
    first = launch_from(page, card)
    wait_status(page, "failed")
    expect(page.locator("#ex-error")).to_contain_text("colony_b")
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    expect(page.get_by_role("button", name="Re-run")).to_be_visible()
    assert page.get_by_role("button", name="Cancel").count() == 0

    failed = job_rows(page).filter(has=page.locator(".ag-cell[col-id='status']", has_text="failed"))
    expect(failed).to_have_count(1)
    failed.locator(".ag-cell[col-id='name']").click()
    expect(page.locator("#ex-job-name")).to_contain_text("colony_b")
    expect(page.locator("#ex-job-stderr")).to_contain_text("colony_b")

    page.get_by_role("button", name="Resume").click()  # only the failed job runs again
    page.wait_for_url(re.compile(r"/executions/(?!" + first + r")[0-9a-f-]{36}$"))
    expect(page.get_by_role("link", name="resumed from")).to_have_attribute(
        "href", f"/executions/{first}"
    )
    wait_status(page, "failed")  # it fails again: the parameters are the same
    expect(page.locator("#ex-count")).to_have_text("0 / 1 jobs")
    expect(job_rows(page)).to_have_count(1)
    context.close()


def test_a_viewer_only_looks_while_an_editor_cancels(
    pipeline: tuple[str, Settings], browser: Any
) -> None:
    base, settings = pipeline
    reader = fresh_user(settings)
    runner = ThreadRunner(settings, handlers_for(settings))
    with session_scope(settings.resolved_database_url) as session:
        grant_role(session, LOCAL_ADMIN, WORKFLOW, "viewer", user_email=reader)
        started = executions.launch(
            session, settings, LOCAL_ADMIN, runner, WORKFLOW, {"sleep": 30}, ["colony_a"]
        )
        execution = str(started.id)
    viewer_context, owner_context = browser.new_context(), browser.new_context()
    try:
        viewer = viewer_context.new_page()
        sign_in(viewer, base, reader)
        card = open_workflow(viewer, base)
        expect(card.locator(".bv-no-launch")).to_contain_text(f"editors of project {WORKFLOW}")
        assert card.get_by_role("button", name="Launch").count() == 0
        expect(card.get_by_label("digits")).to_be_disabled()

        viewer.goto(f"{base}/executions/{execution}")
        expect(viewer.locator("#ex-status")).to_have_attribute(
            "data-status", re.compile("queued|running")
        )
        assert viewer.locator("#ex-actions button").count() == 0

        owner = owner_context.new_page()
        sign_in(owner, base, "owner@example.org")
        owner.goto(f"{base}/executions/{execution}")
        owner.get_by_role("button", name="Cancel").click()
        wait_status(owner, "cancelled")
        expect(owner.get_by_role("button", name="Resume")).to_be_visible()

        wait_status(viewer, "cancelled")
        assert viewer.locator("#ex-actions button").count() == 0
        viewer.goto(f"{base}/executions/{uuid.uuid4()}")
        expect(viewer.locator("#not-found")).to_be_visible()
    finally:
        viewer_context.close()
        owner_context.close()
        runner.shutdown()
