"""Each error class carries its HTTP status and problem title once; the client reads a
status back into the same class."""

from __future__ import annotations

import httpx
import pytest

from biovista.auth.policy import ForbiddenError
from biovista.auth.tokens import AuthenticationError
from biovista.client.http import _error
from biovista.client.resumable import server_error
from biovista.errors import (
    BiovistaError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    StorageError,
    error_for_status,
)
from biovista.services.accounts.logins import TooManyAttemptsError
from biovista.services.dashboards.screenshots import (
    SnapshotBusyError,
    SnapshotFailedError,
    SnapshotTimeoutError,
    SnapshotUnavailableError,
)
from biovista.services.samples.resumable import ChecksumMismatchError, OffsetMismatchError


@pytest.mark.parametrize(
    ("kind", "status", "title"),
    [
        (BiovistaError, 500, "Biovista"),
        (AuthenticationError, 401, "Authentication"),
        (ForbiddenError, 403, "Forbidden"),
        (NotFoundError, 404, "NotFound"),
        (ConflictError, 409, "Conflict"),
        (OffsetMismatchError, 409, "OffsetMismatch"),
        (InvalidInputError, 422, "InvalidInput"),
        (ChecksumMismatchError, 422, "ChecksumMismatch"),
        (TooManyAttemptsError, 429, "TooManyAttempts"),
        (StorageError, 500, "Storage"),
        (SnapshotFailedError, 502, "SnapshotFailed"),
        (SnapshotUnavailableError, 503, "SnapshotUnavailable"),
        (SnapshotBusyError, 503, "SnapshotBusy"),
        (SnapshotTimeoutError, 504, "SnapshotTimeout"),
    ],
)
def test_each_error_class_carries_its_status_and_title(
    kind: type[BiovistaError], status: int, title: str
) -> None:
    assert (kind.status, kind.title) == (status, title)


def test_the_policy_and_token_errors_are_the_shared_classes() -> None:
    from biovista import errors

    assert ForbiddenError is errors.ForbiddenError
    assert AuthenticationError is errors.AuthenticationError


@pytest.mark.parametrize(
    "kind", [AuthenticationError, ForbiddenError, NotFoundError, ConflictError, InvalidInputError]
)
def test_a_status_reads_back_into_its_class(kind: type[BiovistaError]) -> None:
    assert error_for_status(kind.status) is kind


@pytest.mark.parametrize("status", [400, 429, 500, 503])
def test_a_status_of_no_class_reads_back_as_none(status: int) -> None:
    assert error_for_status(status) is None


def _answer(status: int, body: dict[str, object]) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


def test_the_client_raises_the_class_of_the_servers_status() -> None:
    forbidden = _error(_answer(403, {"detail": "your role on project 'p' is viewer"}))
    assert type(forbidden) is ForbiddenError
    assert str(forbidden) == "your role on project 'p' is viewer"
    assert type(_error(_answer(404, {"detail": "no project"}))) is NotFoundError
    busy = _error(_answer(503, {"detail": "busy"}))
    assert type(busy) is BiovistaError
    assert str(busy) == "the server answered 503: busy"


def test_the_upload_client_keeps_each_listed_problem() -> None:
    listed = [{"field": "path", "message": "must be relative", "line": None}]
    invalid = server_error(_answer(422, {"detail": "bad", "errors": listed}), "a.txt")
    assert isinstance(invalid, InvalidInputError)
    assert [(p.where, p.message) for p in invalid.problems] == [("path", "must be relative")]
    conflict = server_error(_answer(409, {"detail": "exists"}), "a.txt")
    assert type(conflict) is ConflictError
    assert str(conflict) == "a.txt: exists"
