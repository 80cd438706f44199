"""The callback guard on its own: bodies checked against the callback's declaration by
position, dashboard references checked for shape, domain errors answered as 4xx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from dash import ALL, MATCH, Dash, Input, Output, State, html

from biovista.auth.keys import KeyRing
from biovista.auth.ratelimit import LoginLimiter
from biovista.config import Settings
from biovista.errors import InvalidInputError, NotFoundError
from biovista.runtime import Runtime
from biovista.web.common import callback_guard
from biovista.web.common.callback_guard import reference, references
from biovista.web.common.cookie_auth import WebContext


def _app(tmp_path: Path) -> Dash:
    app = Dash("guarded", suppress_callback_exceptions=True)
    app.layout = html.Div(id="root")
    settings = Settings(data_dir=tmp_path)
    context = WebContext(settings, KeyRing(tmp_path / "keys"), LoginLimiter(), Runtime(settings))
    callback_guard.install(app, context)

    @app.callback(
        Output("out", "children"),
        Input({"kind": "field", "name": ALL}, "value"),
        State("ref", "data"),
    )
    def with_ref(values: list[Any], ref: Any) -> str:
        if ref and ref.get("id") == "00000000-0000-0000-0000-00000000dead":
            raise NotFoundError("no dashboard like that")
        return json.dumps([values, ref])

    @app.callback(
        Output({"kind": "grid", "cid": MATCH}, "rows"),
        Input({"kind": "grid", "cid": MATCH}, "request"),
    )
    def matched(request: Any) -> Any:
        return request

    return app


def _body(ref: Any, fields: Any = None) -> dict[str, Any]:
    return {
        "output": "out.children",
        "outputs": {"id": "out", "property": "children"},
        "inputs": [fields if fields is not None else []],
        "state": [{"id": "ref", "property": "data", "value": ref}],
        "changedPropIds": [],
    }


def test_a_fitting_body_yields_its_references(tmp_path: Path) -> None:
    app = _app(tmp_path)
    ref = {"id": "6f1d3f4e-8a35-4a6c-8d0e-0a0a0a0a0a0a", "link": None}
    field = [{"id": {"kind": "field", "name": "x"}, "property": "value", "value": 1}]
    assert references(app.callback_map, _body(ref, field)) == [ref]
    assert references(app.callback_map, _body(None)) == [None]
    single = {
        "output": '{"cid":["MATCH"],"kind":"grid"}.rows',
        "outputs": {"id": {"kind": "grid", "cid": "t"}, "property": "rows"},
        "inputs": [{"id": {"kind": "grid", "cid": "t"}, "property": "request", "value": {}}],
    }
    assert references(app.callback_map, single) == []


@pytest.mark.parametrize(
    "change",
    [
        {"inputs": None},
        {"inputs": [[], []]},
        {"state": []},
        {"state": [{"id": "decoy", "property": "data", "value": None}]},
        {"state": [{"id": "ref", "property": "children", "value": None}]},
        {"inputs": [{"id": {"kind": "field", "name": "x"}, "property": "value"}]},
        {"inputs": [[{"id": {"kind": "other", "name": "x"}, "property": "value"}]]},
        {"inputs": [[{"id": {"kind": "field", "name": ["x"]}, "property": "value"}]]},
        {"outputs": {"id": "elsewhere", "property": "children"}},
        {"changedPropIds": [1]},
        {"output": ["out.children"]},
    ],
)
def test_bodies_that_do_not_fit_the_declaration_are_refused(
    tmp_path: Path, change: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInputError):
        references(_app(tmp_path).callback_map, _body(None) | change)


def test_unknown_callbacks_are_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        references(_app(tmp_path).callback_map, _body(None) | {"output": "nothing.here"})


@pytest.mark.parametrize(
    "value",
    ["text", ["a"], {"id": 3}, {"id": "not-a-uuid"}, {"link": ""}, {"link": "x" * 300}, {"x": 1}],
)
def test_malformed_references_are_refused(value: Any) -> None:
    with pytest.raises(InvalidInputError):
        reference(value)


def test_over_http_errors_are_problem_documents(tmp_path: Path) -> None:
    client = _app(tmp_path).server.test_client()
    url = "/_dash-update-component"
    bad_json = client.post(url, data=b"{nope", content_type="application/json")
    assert bad_json.status_code == 400
    assert bad_json.content_type == "application/problem+json"
    shapeless = client.post(url, json=[1, 2])
    assert shapeless.status_code == 422 and shapeless.json["status"] == 422
    missing = client.post(url, json=_body({"id": "00000000-0000-0000-0000-00000000dead"}))
    assert missing.status_code == 404 and "no dashboard" in missing.json["detail"]
    fine = client.post(url, json=_body(None))
    assert fine.status_code == 200, fine.text
