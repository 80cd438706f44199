"""The Dash apps' callbacks as an outsider calls them: raw POSTs to ``_dash-update-component``
against ``biovista serve`` in its own process, with no browser to keep them honest.

The editor answers only signed-in editors of the dashboard's project (anonymous callers,
share links, viewers and users without a role are refused before any callback runs); the
viewer's callbacks read only what the saved dashboard shows; malformed bodies, unknown
dashboards and unknown components are 4xx with a short problem document, never a 500.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.services.accounts import grants as access
from biovista.services.accounts.users import create_user
from biovista.services.dashboards import documents as dashboards
from biovista.services.demo import prepare_demo
from biovista.services.ingest.run import ingest_project
from tests.server_process import PASSWORD, ServerProcess, serve_process, server_settings

SPEC = {
    "tabs": [
        {
            "name": "Only these",
            "components": [
                {"type": "metric", "id": "birds", "collection": "physical", "agg": "count"},
                {
                    "type": "table",
                    "id": "shown",
                    "collection": "physical",
                    "columns": ["species", "bill_length_mm"],
                },
            ],
        }
    ]
}
ROLES = {"editor": "editor", "viewer": "viewer"}
PEOPLE = ("editor", "viewer", "norole")


@dataclass(frozen=True)
class World:
    server: ServerProcess
    dashboard: str
    link: str
    cookies: dict[str, dict[str, str]]
    deps: dict[str, list[dict[str, Any]]]

    def post(self, app: str, body: Any, who: str | None = None) -> httpx.Response:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return httpx.post(
            f"{self.server.url}/{app}{'/' if app else ''}_dash-update-component",
            content=content,
            headers={"content-type": "application/json"},
            cookies=self.cookies.get(who or "", {}),
            timeout=60,
        )

    def get(self, path: str, who: str | None = None) -> httpx.Response:
        return httpx.get(
            f"{self.server.url}{path}", cookies=self.cookies.get(who or "", {}), timeout=60
        )


def _seed(settings: Settings) -> tuple[str, str]:
    ensure_schema(settings.resolved_database_url)
    penguins = next(p for p in prepare_demo(settings) if p.config.name == "penguins")
    ingest_project(penguins, settings)
    with session_scope(settings.resolved_database_url) as session:
        for name in PEOPLE:
            create_user(session, f"{name}@example.org", PASSWORD)
        for name, role in ROLES.items():
            access.grant_role(session, LOCAL_ADMIN, "penguins", role, f"{name}@example.org")
        made = dashboards.create_dashboard(session, LOCAL_ADMIN, "penguins", "Narrow", SPEC)
        dashboards.set_public(session, LOCAL_ADMIN, made.id, True)
        link = dashboards.make_link(session, LOCAL_ADMIN, made.id)
        return str(made.id), link


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = server_settings(tmp_path_factory.mktemp("callbacks"))
    dashboard, link = _seed(settings)
    with serve_process(settings) as server:
        cookies = {}
        for name in PEOPLE:
            token = server.login(f"{name}@example.org")["Authorization"].removeprefix("Bearer ")
            cookies[name] = {"biovista_access": token}
        deps = {
            app: httpx.get(
                f"{server.url}/{app}{'/' if app else ''}_dash-dependencies",
                cookies=cookies["editor"],
                timeout=60,
            ).json()
            for app in ("dashboard", "dashboard-edit", "")
        }
        yield World(server, dashboard, link, cookies, deps)


def _callback(world: World, app: str, output: str) -> dict[str, Any]:
    """The declaration of the app's callback whose output key contains ``output``."""
    return next(d for d in world.deps[app] if output in d["output"])


def _body(
    declared: dict[str, Any], values: dict[str, Any], outputs: Any, changed: list[str]
) -> dict[str, Any]:
    """What the Dash renderer sends: one entry per declared input and state, in order.
    Pattern dependencies take their entries from ``values`` as they are (lists for ALL)."""

    def entry(dep: dict[str, Any]) -> Any:
        key = f"{dep['id']}.{dep['property']}"
        if dep["id"].startswith("{"):
            return values.get(key, [])
        return {"id": dep["id"], "property": dep["property"], "value": values.get(key)}

    return {
        "output": declared["output"],
        "outputs": outputs,
        "inputs": [entry(d) for d in declared["inputs"]],
        "state": [entry(d) for d in declared["state"]],
        "changedPropIds": changed,
    }


def _fields(world: World, ref: Any) -> dict[str, Any]:
    """The editor's "fields" callback, asked for the columns of an unused collection."""
    declared = _callback(world, "dashboard-edit", "form-fields.children")
    values = {
        "form-kind.value": "scatter",
        "form-collection.value": "demographics",
        "form-type.value": "figure",
        "ref.data": ref,
    }
    outputs = {"id": "form-fields", "property": "children"}
    return _body(declared, values, outputs, ["form-collection.value"])


def _preview(world: World, ref: Any) -> dict[str, Any]:
    """The editor's live preview of an unsaved table of every demographics column."""
    declared = _callback(world, "dashboard-edit", "form-preview.children")
    values = {
        "form-type.value": "table",
        "form-collection.value": "demographics",
        "form-title.value": "all of it",
        "ref.data": ref,
    }
    outputs = {"id": "form-preview", "property": "children"}
    return _body(declared, values, outputs, ["form-kind.value"])


def _ref(world: World, link: bool = False) -> dict[str, Any]:
    return {"id": None, "link": world.link} if link else {"id": world.dashboard, "link": None}


def _refused(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"] == "application/problem+json", answer.text[:200]
    assert "island" not in answer.text and "year" not in answer.text


@pytest.mark.parametrize("ask", [_fields, _preview])
def test_the_editor_serves_nothing_to_anyone_but_editors(world: World, ask: Any) -> None:
    _refused(world.post("dashboard-edit", ask(world, _ref(world))), 401)
    _refused(world.post("dashboard-edit", ask(world, _ref(world, link=True))), 401)
    _refused(world.post("dashboard-edit", ask(world, _ref(world)), "viewer"), 403)
    _refused(world.post("dashboard-edit", ask(world, _ref(world)), "norole"), 404)
    _refused(world.post("dashboard-edit", ask(world, _ref(world, link=True)), "editor"), 403)
    granted = world.post("dashboard-edit", ask(world, _ref(world)), "editor")
    assert granted.status_code == 200, granted.text[:500]
    assert "island" in granted.text


def test_the_editor_checks_the_ref_where_the_callback_reads_it(world: World) -> None:
    """Dash passes values by position: a ref under another id is still the callback's ref."""
    body = _fields(world, _ref(world))
    at = next(n for n, e in enumerate(body["state"]) if isinstance(e, dict) and e["id"] == "ref")
    body["state"][at]["id"] = "something-else"
    _refused(world.post("dashboard-edit", body, "viewer"), 422)
    body["state"].insert(0, body["state"].pop(at))  # the ref moved to another position
    _refused(world.post("dashboard-edit", body, "editor"), 422)


def test_editor_pages_and_dash_routes_need_a_sign_in(world: World) -> None:
    page = world.get(f"/dashboard-edit/{world.dashboard}")
    assert page.status_code == 303 and page.headers["location"] == "/login"
    for route in ("_dash-layout", "_dash-dependencies"):
        _refused(world.get(f"/dashboard-edit/{route}"), 401)
        assert world.get(f"/dashboard-edit/{route}", "viewer").status_code == 200
    assert world.get(f"/dashboard-edit/{world.dashboard}", "editor").status_code == 200


def _refresh(world: World, ref: Any, metrics: list[str], tables: list[str]) -> dict[str, Any]:
    """The viewer's data callback, asked for these metric and table outputs."""
    declared = _callback(world, "dashboard", "dashboard-view.data-ready")

    def listed(kind: str, prop: str, ids: list[str]) -> list[dict[str, Any]]:
        return [{"id": {"kind": kind, "cid": c}, "property": prop} for c in ids]

    outputs = [
        [],
        [],
        [],
        listed("metric", "children", metrics),
        listed("table", "children", tables),
        {"id": "dashboard-view", "property": "data-ready"},
    ]
    values = {"state.data": {}, "ref.data": ref}
    return _body(declared, values, outputs, ["state.data"])


def _rows(world: World, ref: Any, request: dict[str, Any], cid: str = "shown") -> dict[str, Any]:
    """The viewer's grid rows callback for table ``cid``."""
    declared = _callback(world, "dashboard", "getRowsResponse")
    ident = {"kind": "grid", "cid": cid, "v": 1}
    body = _body(declared, {"state.data": {}, "ref.data": ref}, None, [])
    body["inputs"] = [{"id": ident, "property": "getRowsRequest", "value": request}]
    body["outputs"] = {"id": ident, "property": "getRowsResponse"}
    changed = json.dumps(ident, sort_keys=True, separators=(",", ":"))
    body["changedPropIds"] = [f"{changed}.getRowsRequest"]
    return body


@pytest.mark.parametrize("link", [False, True])
def test_the_viewer_reads_what_the_saved_dashboard_shows(world: World, link: bool) -> None:
    ref = _ref(world, link)
    shown = world.post("dashboard", _refresh(world, ref, ["birds"], ["shown"]))
    assert shown.status_code == 200, shown.text[:500]
    rows = world.post("dashboard", _rows(world, ref, {"startRow": 0, "endRow": 5}))
    assert rows.status_code == 200, rows.text[:500]
    page = rows.json()["response"]
    first = next(iter(page.values()))["getRowsResponse"]
    assert set(first["rowData"][0]) <= {"species", "bill_length_mm", "_row"}


@pytest.mark.parametrize("link", [False, True])
def test_the_viewer_refuses_components_it_does_not_show(world: World, link: bool) -> None:
    ref = _ref(world, link)
    _refused(world.post("dashboard", _refresh(world, ref, ["ghost"], [])), 404)
    _refused(world.post("dashboard", _refresh(world, ref, [], ["birds"])), 404)
    _refused(world.post("dashboard", _rows(world, ref, {"startRow": 0, "endRow": 5}, "ghost")), 404)


@pytest.mark.parametrize("link", [False, True])
def test_the_viewer_refuses_to_sort_or_filter_by_hidden_columns(world: World, link: bool) -> None:
    """Sorting or filtering by a column the table does not show would tell its values apart."""
    ref = _ref(world, link)
    by_hidden = {"startRow": 0, "endRow": 5, "sortModel": [{"colId": "body_mass_g", "sort": "asc"}]}
    _refused(world.post("dashboard", _rows(world, ref, by_hidden)), 422)
    filtered = {
        "startRow": 0,
        "endRow": 5,
        "filterModel": {
            "body_mass_g": {"filterType": "number", "type": "greaterThan", "filter": 1}
        },
    }
    _refused(world.post("dashboard", _rows(world, ref, filtered)), 422)


def test_unknown_dashboards_answer_404(world: World) -> None:
    stranger = {"id": str(uuid.uuid4()), "link": None}
    _refused(world.post("dashboard", _refresh(world, stranger, ["birds"], [])), 404)
    _refused(world.post("dashboard", _refresh(world, stranger, ["birds"], []), "viewer"), 404)
    gone = {"id": None, "link": "no-such-link"}
    _refused(world.post("dashboard", _refresh(world, gone, ["birds"], [])), 404)
    _refused(world.post("dashboard-edit", _fields(world, stranger), "editor"), 404)


def _asking(world: World, app: str, ref: Any) -> dict[str, Any]:
    """A callback of ``app`` that reads a dashboard reference."""
    if app == "dashboard":
        return _refresh(world, ref, ["birds"], [])
    return _fields(world, ref)


@pytest.mark.parametrize("app", ["dashboard", "dashboard-edit", ""])
def test_malformed_callback_bodies_answer_4xx(world: World, app: str) -> None:
    bodies: list[Any] = [b"{not json", [], {"output": 3}, {"output": "no-such.children"}]
    if app:
        good = _asking(world, app, _ref(world))
        bodies += [
            {k: v for k, v in good.items() if k != "inputs"},
            good | {"inputs": "everything"},
            good | {"state": [*good["state"], {"id": "x", "property": "y"}]},
            good | {"changedPropIds": "state.data"},
            _asking(world, app, "not a ref"),
            _asking(world, app, ["a", "list"]),
            _asking(world, app, {"id": "not-a-uuid", "link": None}),
            _asking(world, app, {"id": 7, "link": None}),
        ]
    if app == "dashboard":
        bodies += [
            _rows(world, _ref(world), "junk"),  # type: ignore[arg-type]
            _rows(world, _ref(world), {"startRow": "first", "endRow": 5}),
            _rows(world, _ref(world), {"startRow": 5, "endRow": 0}),
            _rows(world, _ref(world), {"sortModel": [{"nothing": 1}]}),
            _rows(world, _ref(world), {"filterModel": ["species"]}),
        ]
    for body in bodies:
        answer = world.post(app, body, "editor")
        assert 400 <= answer.status_code < 500, (body, answer.status_code, answer.text[:300])
        assert answer.headers["content-type"] == "application/problem+json", body


def test_management_callbacks_answer_4xx_for_ids_that_are_not_ids(world: World) -> None:
    """A role change for a grant whose id is not an id (the page never sends one)."""
    declared = next(
        d
        for d in world.deps[""]
        if d["inputs"][0]["id"].startswith('{"id":["ALL"],"kind":"grant-role"')
    )
    ident = {"id": "not-an-id", "kind": "grant-role", "role": "viewer"}
    body = _body(declared, {"share-target.data": world.dashboard}, None, [])
    body["inputs"] = [[{"id": ident, "property": "value", "value": "editor"}]]
    body["outputs"] = {"id": "share-holders", "property": declared["output"].split(".", 1)[1]}
    changed = json.dumps(ident, sort_keys=True, separators=(",", ":"))
    body["changedPropIds"] = [f"{changed}.value"]
    answer = world.post("", body, "editor")
    assert answer.status_code == 422, answer.text[:300]
    assert "the grant must be an id" in answer.json()["detail"]
