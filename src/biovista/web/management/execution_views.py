"""How the live execution page draws an execution: its summary (status, progress, times),
outcome, action buttons, inputs and jobs, as plain functions of the rows, so the page's
callbacks only decide when to draw them."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import dash_mantine_components as dmc
from dash import html
from sqlalchemy.orm import Session

from biovista.auth.policy import Principal
from biovista.db.models import Execution, ExecutionJob, Project
from biovista.models.statuses import EXECUTION_ACTIVE, JOB_DONE, ExecutionStatus
from biovista.services.dashboards import documents as dashboards
from biovista.web.management.run_format import clock, duration, status_badge, when

JOB_COLUMNS = [
    {"field": "name", "headerName": "Job", "flex": 2, "minWidth": 180},
    {
        "field": "status",
        "headerName": "Status",
        "cellStyle": {
            "styleConditions": [
                {"condition": "params.value == 'failed'", "style": {"color": "#e03131"}},
                {"condition": "params.value == 'succeeded'", "style": {"color": "#2f9e44"}},
                {"condition": "params.value == 'running'", "style": {"color": "#1971c2"}},
            ]
        },
    },
    {"field": "started", "headerName": "Started"},
    {"field": "finished", "headerName": "Finished"},
    {"field": "duration", "headerName": "Duration"},
    {"field": "exit_code", "headerName": "Exit code"},
    {"field": "samples", "headerName": "Samples", "flex": 2},
]
"""Times in the grid are clock times (UTC): the summary above gives the date."""


def heading(execution: Execution, project: Project | None) -> Any:
    """The workflow's name, where it was resumed from, and the way back to the lists."""
    links = [dmc.Anchor("Workflows", href="/workflows", size="sm")]
    if project is not None:
        href = f"/projects/{project.name}/executions"
        links.insert(0, dmc.Anchor(f"Executions of {project.name}", href=href, size="sm"))
    resumed = (
        [dmc.Anchor("resumed from", href=f"/executions/{execution.resumed_from_id}", size="sm")]
        if execution.resumed_from_id
        else []
    )
    return dmc.Group(
        [
            dmc.Group(
                [dmc.Title(f"{execution.workflow.name}", order=3), *resumed],
                gap="sm",
                align="baseline",
            ),
            dmc.Group(links, gap="md"),
        ],
        justify="space-between",
    )


def inputs_of(execution: Execution) -> Any:
    """What the execution ran with: these never change, so the page draws them once."""
    params = [
        dmc.Text([html.B(f"{name}: "), json.dumps(value)], size="sm", className="bv-ex-param")
        for name, value in sorted(execution.params.items())
    ]
    samples = [
        dmc.Badge(
            str(s.get("name", s)) if isinstance(s, dict) else str(s), variant="outline", tt="none"
        )
        for s in execution.samples
    ]
    return dmc.SimpleGrid(
        [
            dmc.Stack([dmc.Title("Parameters", order=5), *params], gap=2, id="ex-params"),
            dmc.Stack(
                [dmc.Title("Samples", order=5), dmc.Group(samples, gap=4)], gap=2, id="ex-samples"
            ),
        ],
        cols={"base": 1, "sm": 2},
    )


def signature(execution: Execution) -> str:
    """A digest of what the page shows but the log: when it is unchanged, nothing is sent."""
    state = [
        execution.status,
        execution.jobs_done,
        execution.jobs_total,
        execution.error,
        when(execution.started_at),
        when(execution.finished_at),
        execution.ingestion_id and str(execution.ingestion_id),
        [(str(j.id), j.status, when(j.started_at), when(j.finished_at)) for j in execution.jobs],
    ]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()


def summary(execution: Execution) -> Any:
    """Status badge (``#ex-status``), jobs done of total, times and a progress bar."""
    total, done = execution.jobs_total, execution.jobs_done
    if not total and execution.status not in EXECUTION_ACTIVE and execution.jobs:
        # The engine reported no progress (a run that failed at its first job): count rows.
        total = len(execution.jobs)
        done = sum(job.status in JOB_DONE for job in execution.jobs)
    percent = 100.0 * min(done, total) / total if total else 0.0
    if execution.status == ExecutionStatus.SUCCEEDED:
        percent = 100.0
    count = f"{done} / {total} jobs" if total else "jobs not known yet"
    times = [f"queued {when(execution.created_at)}"]
    if execution.started_at:
        times.append(f"started {when(execution.started_at)}")
    if execution.finished_at:
        took = duration(execution.started_at, execution.finished_at)
        times.append(f"finished {when(execution.finished_at)}" + (f" ({took})" if took else ""))
    return dmc.Stack(
        [
            dmc.Group(
                [
                    status_badge(execution.status, size="lg", id="ex-status"),
                    dmc.Text(count, size="sm", id="ex-count"),
                    dmc.Text(" · ".join(times) + " (UTC)", size="sm", c="dimmed"),
                ],
                gap="md",
            ),
            dmc.Progress(
                value=percent,
                animated=execution.status in EXECUTION_ACTIVE,
                striped=execution.status in EXECUTION_ACTIVE,
                color="red" if execution.status == ExecutionStatus.FAILED else "blue",
                id="ex-progress",
            ),
        ],
        gap=6,
    )


def outcome(session: Session, principal: Principal, execution: Execution) -> Any:
    """Where to go next: the error of a failed execution, or the dashboards of the
    project its outputs were ingested into."""
    if execution.status == ExecutionStatus.FAILED:
        return dmc.Alert(
            html.Pre(execution.error or "the execution failed", style={"margin": 0}),
            title="Failed",
            color="red",
            id="ex-error",
        )
    if execution.status != ExecutionStatus.SUCCEEDED or execution.project_id is None:
        return None
    project = session.get_one(Project, execution.project_id)
    boards = dashboards.list_dashboards(session, principal, project.name)
    links = [
        dmc.Anchor(b.title, href=f"/dashboard/{b.id}", refresh=True, className="bv-result-link")
        for b in boards
    ] or [dmc.Anchor("open the project on the home page", href="/", refresh=True)]
    return dmc.Alert(
        dmc.Group([dmc.Text(f"Outputs ingested into {project.name}:", size="sm"), *links]),
        title="Succeeded",
        color="green",
        id="ex-done",
    )


def actions(execution: Execution) -> list[Any]:
    """Buttons for editors: Cancel while active; Re-run when finished, and Resume (keeping
    the jobs that finished) when it failed or was cancelled."""
    if execution.status in EXECUTION_ACTIVE:
        return [dmc.Button("Cancel", id="ex-cancel", color="red", variant="light")]
    buttons = [dmc.Button("Re-run", id="ex-rerun", variant="light")]
    if execution.status in (ExecutionStatus.FAILED, ExecutionStatus.CANCELLED):
        buttons.append(dmc.Button("Resume", id="ex-resume"))
    return buttons


def job_row(job: ExecutionJob) -> dict[str, Any]:
    """A grid row without the job's output: that is fetched when the row is clicked."""
    return {
        "id": str(job.id),
        "name": job.name,
        "status": job.status,
        "started": clock(job.started_at),
        "finished": clock(job.finished_at),
        "duration": duration(job.started_at, job.finished_at),
        "exit_code": job.exit_code,
        "samples": ", ".join(map(str, job.samples)),
    }


def job_detail(job: ExecutionJob) -> Any:
    """A clicked job's stderr first (why it failed), then its stdout."""

    def stream(title: str, text: str, ident: str) -> Any:
        return dmc.Stack(
            [
                dmc.Text(title, fw=600, size="sm"),
                html.Pre(
                    text or "(empty)",
                    id=ident,
                    style={"maxHeight": "300px", "overflow": "auto", "margin": 0},
                ),
            ],
            gap=2,
        )

    return dmc.Paper(
        dmc.Stack(
            [
                dmc.Group([dmc.Text(job.name, fw=700, id="ex-job-name"), status_badge(job.status)]),
                stream("stderr", job.stderr, "ex-job-stderr"),
                stream("stdout", job.stdout, "ex-job-stdout"),
            ],
            gap="xs",
        ),
        withBorder=True,
        p="sm",
    )
