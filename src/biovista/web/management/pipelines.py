"""The workflows page (``/workflows``) and a project's executions
(``/projects/<name>/executions``): what can be run, a form per workflow drawn from its
parameter schema, and what ran.

The form only gathers values: ``services.executions.launch`` checks them (types, required
values, samples) and its message is shown beside the form, so the rules live in one place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import dash_mantine_components as dmc
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from sqlalchemy.orm import Session

from biovista.auth.policy import Action, Principal, allows
from biovista.db.models import Execution, Project, Workflow
from biovista.db.session import session_scope
from biovista.errors import BiovistaError
from biovista.services.samples.records import list_samples
from biovista.services.workflows import executions
from biovista.services.workflows.registry import get_workflow, list_workflows
from biovista.web.common.cookie_auth import WebContext, signed_in
from biovista.web.management.execution_page import execution_page, register_execution_page
from biovista.web.management.run_format import duration, runner_of, status_badge, when

RECENT = 50


def pipeline_page(context: WebContext, principal: Principal, pathname: str | None) -> Any | None:
    """The page for ``pathname`` if it is one of these, else None (the router goes on)."""
    parts = [p for p in (pathname or "").split("/") if p]
    if parts == ["workflows"]:
        return workflows_page(context, principal)
    if len(parts) == 2 and parts[0] == "executions":
        return execution_page(context, principal, parts[1])
    if len(parts) == 3 and parts[0] == "projects" and parts[2] == "executions":
        return project_executions_page(context, principal, parts[1])
    return None


def workflows_page(context: WebContext, principal: Principal) -> Any:
    with session_scope(context.settings.resolved_database_url) as session:
        cards = [_workflow_card(session, principal, w) for w in list_workflows(session, principal)]
    if not cards:
        cards = [
            dmc.Text(
                "No workflow is registered for your projects yet; a server admin adds one "
                "with `biovista workflow register <folder or git URL>`.",
                c="dimmed",
            )
        ]
    return dmc.Stack([dmc.Title("Workflows", order=3), *cards])


def _workflow_card(session: Session, principal: Principal, workflow: Workflow) -> Any:
    project = session.get(Project, workflow.project_id) if workflow.project_id else None
    editor = project is not None and allows(session, principal, project.id, Action.EDIT)
    samples = list_samples(session, principal, project.name) if project else []
    by_type: dict[str, list[str]] = defaultdict(list)
    for sample in samples:
        by_type[sample.sample_type.name].append(sample.name)
    name = workflow.name
    facts = [
        dmc.Badge(workflow.engine, variant="outline"),
        dmc.Text(f"project {project.name}" if project else "bound to no project", size="sm"),
    ]
    if project is not None:
        facts.append(
            dmc.Anchor(
                "recent executions",
                href=f"/projects/{project.name}/executions",
                size="sm",
                className="bv-executions-link",
            )
        )
    if workflow.revision:
        facts.append(dmc.Text(f"revision {workflow.revision[:12]}", size="sm", c="dimmed"))
    fields = [parameter_field(name, spec, disabled=not editor) for spec in workflow.parameters]
    fields.append(
        dmc.MultiSelect(
            id={"kind": "wf-samples", "workflow": name},
            label="Samples",
            description="The project's samples to run the workflow on",
            data=[{"group": kind, "items": names} for kind, names in sorted(by_type.items())],
            placeholder="choose samples" if samples else "the project has no samples yet",
            searchable=True,
            clearable=True,
            required=True,
            disabled=not editor,
        )
    )
    if editor:
        action: Any = dmc.Group(
            [dmc.Button("Launch", id={"kind": "wf-launch", "workflow": name})], mt="xs"
        )
    else:
        why = (
            f"Launched by editors of project {project.name}."
            if project
            else "Bound to no project, so it cannot be launched."
        )
        action = dmc.Text(why, size="sm", c="dimmed", className="bv-no-launch")
    return dmc.Paper(
        dmc.Stack(
            [
                dmc.Title(name, order=4),
                dmc.Group(facts, gap="sm"),
                dmc.Text(workflow.description, size="sm"),
                dmc.SimpleGrid(fields, cols={"base": 1, "sm": 2}, spacing="sm"),
                action,
                html.Div(id={"kind": "wf-error", "workflow": name}),
            ],
            gap="xs",
        ),
        withBorder=True,
        p="md",
        className="bv-workflow",
        **{"data-workflow": name},
    )


def parameter_field(workflow: str, spec: Mapping[str, Any], disabled: bool = False) -> Any:
    """One input for one parameter, by its type, with its default, help text and whether
    it is required; a Switch answers ``checked``, every other input ``value``."""
    name, kind, default = spec["name"], spec.get("type", "str"), spec.get("default")
    common: dict[str, Any] = {
        "label": name,
        "description": spec.get("description") or None,
        "disabled": disabled,
        "className": "bv-param",
        "data-param": name,
    }
    if kind == "bool":
        ident = {"kind": "wf-check", "workflow": workflow, "param": name}
        return dmc.Switch(id=ident, checked=bool(default), mt="md", **common)
    ident = {"kind": "wf-param", "workflow": workflow, "param": name}
    common["required"] = bool(spec.get("required"))
    if kind in ("int", "float"):
        value = default if default is not None else ""
        return dmc.NumberInput(id=ident, value=value, allowDecimal=kind == "float", **common)
    if kind == "choice":
        choices = [str(choice) for choice in spec.get("choices") or []]
        chosen = str(default) if default is not None else None
        return dmc.Select(id=ident, data=choices, value=chosen, allowDeselect=False, **common)
    return dmc.TextInput(id=ident, value="" if default is None else str(default), **common)


def form_values(schema: Sequence[Mapping[str, Any]], raw: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters to launch with: an emptied number or choice is left out (so its
    default applies, or the service reports it as required); an empty text is kept as
    the empty string unless the parameter is required."""
    values: dict[str, Any] = {}
    for spec in schema:
        name = spec["name"]
        value = raw.get(name)
        if value is None:
            continue
        if value == "" and (spec.get("type", "str") != "str" or spec.get("required")):
            continue
        values[name] = value
    return values


def register_pipelines(app: Dash, context: WebContext) -> None:
    register_execution_page(app, context)

    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Output({"kind": "wf-error", "workflow": ALL}, "children"),
        Input({"kind": "wf-launch", "workflow": ALL}, "n_clicks"),
        State({"kind": "wf-param", "workflow": ALL, "param": ALL}, "value"),
        State({"kind": "wf-check", "workflow": ALL, "param": ALL}, "checked"),
        State({"kind": "wf-samples", "workflow": ALL}, "value"),
        prevent_initial_call=True,
    )
    def launch(clicks: list[int | None], *_: Any) -> tuple[Any, list[Any]]:
        slots = [o["id"]["workflow"] for o in ctx.outputs_list[1]]
        trigger = ctx.triggered_id
        if not isinstance(trigger, Mapping) or not any(clicks):
            return no_update, [no_update] * len(slots)  # the form was drawn, not clicked
        name = trigger["workflow"]
        params_raw, checks_raw, samples_raw = ctx.states_list
        raw = {
            s["id"]["param"]: s.get("value")
            for s in [*params_raw, *checks_raw]
            if s["id"]["workflow"] == name
        }
        chosen = next((s.get("value") for s in samples_raw if s["id"]["workflow"] == name), None)
        try:
            with signed_in(context) as (session, principal):
                schema = get_workflow(session, principal, name).parameters
                started = executions.launch(
                    session,
                    context.settings,
                    principal,
                    runner_of(context),
                    name,
                    form_values(schema, raw),
                    list(chosen or []),
                )
                target = f"/executions/{started.id}"
        except BiovistaError as exc:
            return no_update, [_launch_error(exc) if s == name else "" for s in slots]
        return target, ["" for _ in slots]


def _launch_error(exc: BiovistaError) -> Any:
    problems = [str(p) for p in getattr(exc, "problems", [])]
    head = str(exc).splitlines()[0] if problems else str(exc)
    items = [dmc.ListItem(text) for text in problems]
    body = [dmc.Text(head, size="sm"), *([dmc.List(items, size="sm")] if items else [])]
    return dmc.Alert(body, color="red", title="Not launched", className="bv-launch-error")


def project_executions_page(context: WebContext, principal: Principal, project: str) -> Any:
    """The project's recent executions, newest first, each linking to its live page."""
    with session_scope(context.settings.resolved_database_url) as session:
        try:
            found = executions.list_executions(session, principal, project, RECENT)
        except BiovistaError as exc:
            return dmc.Alert(str(exc), title="Not found", color="gray", id="not-found")
        rows = [_execution_row(e) for e in found]
    table = (
        dmc.Table(
            [
                dmc.TableThead(
                    dmc.TableTr(
                        [
                            dmc.TableTh(h)
                            for h in ("status", "workflow", "started", "took", "jobs", "")
                        ]
                    )
                ),
                dmc.TableTbody(rows),
            ],
            striped=True,
            highlightOnHover=True,
        )
        if rows
        else dmc.Text("Nothing has run in this project yet.", c="dimmed")
    )
    return dmc.Stack(
        [
            dmc.Group(
                [
                    dmc.Title(f"Executions of {project}", order=3),
                    dmc.Anchor("Workflows", href="/workflows"),
                ],
                justify="space-between",
            ),
            table,
        ]
    )


def _execution_row(execution: Execution) -> Any:
    jobs = f"{execution.jobs_done} / {execution.jobs_total}" if execution.jobs_total else ""
    cells = [
        status_badge(execution.status),
        execution.workflow.name,
        when(execution.started_at or execution.created_at),
        duration(execution.started_at, execution.finished_at),
        jobs,
        dmc.Anchor("open", href=f"/executions/{execution.id}", className="bv-execution-link"),
    ]
    return dmc.TableTr(
        [dmc.TableTd(cell) for cell in cells],
        className="bv-execution",
        **{"data-execution": str(execution.id), "data-status": execution.status},
    )
