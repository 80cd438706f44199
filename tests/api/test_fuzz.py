"""Fuzz every operation of the OpenAPI schema: no server errors, responses as documented.

The app is built at import time (schemathesis needs the schema to generate tests), in a
temporary folder of its own, with an admin logged in and the penguins project ingested.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from tests.penguins import make_project

from biovista.api.app import create_app
from biovista.api.pagination import encode_cursor
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PASSWORD = "a long enough password"
ROOT = Path(tempfile.mkdtemp(prefix="biovista-fuzz-"))
APP = create_app(Settings(data_dir=ROOT / "data"))
with session_scope(APP.state.settings.resolved_database_url) as _session:
    create_user(_session, "admin@example.org", PASSWORD, role="admin")
_client = TestClient(APP)
_token = _client.post(
    "/api/v1/auth/login", json={"email": "admin@example.org", "password": PASSWORD}
).json()["access_token"]
HEADERS = {"Authorization": f"Bearer {_token}"}
_project = make_project(ROOT / "penguins")
_client.post(
    "/api/v1/projects",
    content=_project.read_text().replace("./data", str(_project.parent / "data")),
    headers=HEADERS | {"content-type": "application/yaml"},
)

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)

CURSOR_LENGTH = 500
SEMANTIC_BODIES = {
    "POST /api/v1/projects": "a project file names server folders, regexes and links",
    "PUT /api/v1/projects/{name}": "the same project file rules",
    "POST /api/v1/projects/{name}/dashboards/import": "a dashboard file names collections",
    "POST /api/v1/workflows": "the source must be a workflow folder or repository",
    "POST /api/v1/sample-types": "attribute names are unique; allowed values match patterns",
    "PATCH /api/v1/sample-types/{type_name}": "the same attribute rules",
}
"""Operations whose bodies carry rules across fields or about the server's contents, which
JSON Schema cannot state: breaking them is a documented 422 with every problem listed.
Every other operation must accept every request its schema allows."""


def _with_server_cursor(case: schemathesis.Case) -> None:
    """A cursor is opaque: clients only send what a previous page gave them. Generated
    text becomes a cursor of the form the server hands out (its value is still random)."""
    if not case.query or not isinstance(case.query.get("cursor"), str):
        return
    value = case.query["cursor"]
    if case.operation.path.endswith("/ingestions"):  # newest first: (created_at, id)
        key = [datetime.now(UTC).isoformat(), str(uuid.uuid5(uuid.NAMESPACE_URL, value))]
        case.query["cursor"] = encode_cursor(key)
        return
    while len(encode_cursor([value])) > CURSOR_LENGTH:
        value = value[: len(value) // 2]
    case.query["cursor"] = encode_cursor([value])


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    shutil.rmtree(ROOT, ignore_errors=True)


@schema.exclude(name=list(SEMANTIC_BODIES)).parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_contract(case: schemathesis.Case) -> None:
    _with_server_cursor(case)
    case.call_and_validate(headers=HEADERS)


@schema.include(name=list(SEMANTIC_BODIES)).parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_contract_of_semantic_bodies(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=HEADERS, excluded_checks=[positive_data_acceptance])


def test_semantic_exceptions_name_real_operations() -> None:
    """The list above stays true: every entry is an operation of the API."""
    labels = {
        f"{method.upper()} {path}"
        for path, operations in APP.openapi()["paths"].items()
        for method in operations
    }
    assert set(SEMANTIC_BODIES) <= labels, set(SEMANTIC_BODIES) - labels
