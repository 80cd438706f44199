"""The live page of one execution (``/executions/<id>``): status, progress, jobs and log.

An interval asks the services again each second while the execution is active, and stops
once it has finished and its log has been read to the end. The log is read by byte offset
(the offset is kept in the browser) and only the new text is sent and appended to what the
page shows, so a long log costs nothing per tick; the rest of the page is sent again only
when something in it changed.
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import Dash, Input, Output, Patch, State, dcc, html, no_update

from biovista.auth.policy import Action, Principal, allows
from biovista.db.models import Project
from biovista.db.session import session_scope
from biovista.errors import BiovistaError, NotFoundError
from biovista.models.statuses import EXECUTION_ACTIVE
from biovista.services.workflows import executions
from biovista.web.common.callback_guard import uuid_of
from biovista.web.common.cookie_auth import WebContext, signed_in
from biovista.web.management import execution_views as views
from biovista.web.management.run_format import runner_of

TICK_MS = 1000
LOG_CHUNK = 256 * 1024
"""Bytes of log sent per tick at most: a long log arrives over a few ticks, in order."""
FOLLOW_LOG = """
function(_children) {
    const log = document.getElementById("ex-log");
    if (!log) { return window.dash_clientside.no_update; }
    if (!log.dataset.bound) {
        // Follow the end of the log until the reader scrolls up; follow again at the end.
        log.dataset.bound = "1";
        log.dataset.follow = "1";
        log.addEventListener("scroll", function() {
            const gap = log.scrollHeight - log.scrollTop - log.clientHeight;
            log.dataset.follow = gap < 40 ? "1" : "0";
        });
    }
    if (log.dataset.follow === "1") {
        setTimeout(function() { log.scrollTop = log.scrollHeight; }, 0);
    }
    return window.dash_clientside.no_update;
}
"""


def execution_page(context: WebContext, principal: Principal, raw_id: str) -> Any:
    """The frame of the page, with what does not change (parameters, samples); the first
    tick fills in the rest."""
    with session_scope(context.settings.resolved_database_url) as session:
        try:
            execution = executions.get_execution(
                session, principal, uuid_of(raw_id, "the execution")
            )
        except (ValueError, NotFoundError):
            return dmc.Alert(
                "There is no execution here, or you may not see it.",
                title="Not found",
                color="gray",
                id="not-found",
            )
        project = session.get(Project, execution.project_id) if execution.project_id else None
        editor = project is not None and allows(session, principal, project.id, Action.EDIT)
        heading = views.heading(execution, project)
        inputs = views.inputs_of(execution)
    return dmc.Stack(
        [
            dcc.Store(id="ex-id", data=raw_id),
            dcc.Store(id="ex-editor", data=editor),
            dcc.Store(id="ex-offset", data=0),
            dcc.Store(id="ex-seen"),
            dcc.Store(id="ex-scroll"),
            dcc.Interval(id="ex-tick", interval=TICK_MS),
            heading,
            html.Div(id="ex-summary"),
            html.Div(id="ex-outcome"),
            dmc.Group(id="ex-actions", gap="xs"),
            html.Div(id="ex-action-note"),
            inputs,
            dmc.Title("Jobs", order=5),
            dag.AgGrid(
                id="ex-jobs",
                rowData=[],
                columnDefs=views.JOB_COLUMNS,
                getRowId="params.data.id",
                defaultColDef={"resizable": True, "sortable": True, "minWidth": 90, "flex": 1},
                dashGridOptions={"domLayout": "autoHeight", "rowSelection": "single"},
                className="ag-theme-quartz",
            ),
            dmc.Text("Click a job to see its output.", size="xs", c="dimmed"),
            html.Div(id="ex-job-detail"),
            dmc.Title("Log", order=5),
            html.Pre(
                [],
                id="ex-log",
                style={
                    "maxHeight": "420px",
                    "overflow": "auto",
                    "margin": 0,
                    "padding": "8px",
                    "fontSize": "12px",
                    "whiteSpace": "pre-wrap",
                    "border": "1px solid var(--mantine-color-default-border)",
                    "borderRadius": "4px",
                },
            ),
        ],
        gap="sm",
    )


def register_execution_page(app: Dash, context: WebContext) -> None:
    @app.callback(
        Output("ex-summary", "children"),
        Output("ex-outcome", "children"),
        Output("ex-actions", "children"),
        Output("ex-jobs", "rowData"),
        Output("ex-seen", "data"),
        Output("ex-log", "children"),
        Output("ex-offset", "data"),
        Output("ex-tick", "disabled"),
        Input("ex-tick", "n_intervals"),
        State("ex-id", "data"),
        State("ex-offset", "data"),
        State("ex-seen", "data"),
        State("ex-editor", "data"),
    )
    def tick(
        _: int | None, raw_id: str, offset: int | None, seen: str | None, editor: bool | None
    ) -> tuple[Any, ...]:
        try:
            with signed_in(context) as (session, principal):
                execution_id = uuid_of(raw_id, "the execution")
                execution = executions.get_execution(session, principal, execution_id)
                log = executions.read_log(session, principal, execution_id, offset or 0, LOG_CHUNK)
                finished = execution.status not in EXECUTION_ACTIVE and log.complete
                signature = views.signature(execution)
                if signature == seen:
                    page: tuple[Any, ...] = (no_update,) * 5
                else:
                    page = (
                        views.summary(execution),
                        views.outcome(session, principal, execution),
                        views.actions(execution) if editor else [],
                        [views.job_row(job) for job in execution.jobs],
                        signature,
                    )
        except BiovistaError as exc:
            alert = dmc.Alert(str(exc), color="red", id="ex-problem")
            return (alert, *(no_update,) * 6, True)
        appended: Any = no_update
        if log.text:
            appended = Patch()
            appended.append(log.text)
        return (*page, appended, log.next_offset, finished)

    app.clientside_callback(  # type: ignore[no-untyped-call]
        FOLLOW_LOG, Output("ex-scroll", "data"), Input("ex-log", "children")
    )

    @app.callback(
        Output("ex-job-detail", "children"),
        Input("ex-jobs", "cellClicked"),
        State("ex-id", "data"),
        prevent_initial_call=True,
    )
    def show_job(clicked: dict[str, Any] | None, raw_id: str) -> Any:
        if not clicked or not clicked.get("rowId"):
            return no_update
        try:
            with signed_in(context) as (session, principal):
                execution = executions.get_execution(
                    session, principal, uuid_of(raw_id, "the execution")
                )
                job = next((j for j in execution.jobs if str(j.id) == clicked["rowId"]), None)
                return views.job_detail(job) if job else no_update
        except BiovistaError as exc:
            return dmc.Alert(str(exc), color="red")

    @app.callback(
        Output("ex-action-note", "children"),
        Input("ex-cancel", "n_clicks"),
        State("ex-id", "data"),
        prevent_initial_call=True,
    )
    def cancel(clicked: int | None, raw_id: str) -> Any:
        if not clicked:
            return no_update
        try:
            with signed_in(context) as (session, principal):
                executions.cancel(session, principal, uuid_of(raw_id, "the execution"))
        except BiovistaError as exc:
            return dmc.Alert(str(exc), color="red", className="bv-action-error")
        return dmc.Text("Cancelling: running jobs are being stopped.", size="sm", c="dimmed")

    for button, resume in (("ex-rerun", False), ("ex-resume", True)):
        _register_rerun(app, context, button, resume)


def _register_rerun(app: Dash, context: WebContext, button: str, resume: bool) -> None:
    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Output("ex-action-note", "children", allow_duplicate=True),
        Input(button, "n_clicks"),
        State("ex-id", "data"),
        prevent_initial_call=True,
    )
    def again(clicked: int | None, raw_id: str) -> tuple[Any, Any]:
        if not clicked:
            return no_update, no_update
        try:
            with signed_in(context) as (session, principal):
                made = executions.rerun(
                    session,
                    context.settings,
                    principal,
                    runner_of(context),
                    uuid_of(raw_id, "the execution"),
                    resume=resume,
                )
                target = f"/executions/{made.id}"
        except BiovistaError as exc:
            return no_update, dmc.Alert(str(exc), color="red", className="bv-action-error")
        return target, ""
