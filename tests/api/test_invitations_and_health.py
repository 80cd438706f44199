"""What the review could learn or do it should not have: ``/health/ready`` showed anyone the
absolute data path; ``POST /groups/{g}/members`` told whether an e-mail had an account (200
against 404) and put people in groups without asking them. Now details are for server admins,
inviting answers the same for any e-mail, and nobody joins a group before accepting. Against
``biovista serve`` in its own process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from tests.server_process import PASSWORD, ServerProcess, serve_process, server_settings

from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PEOPLE = ("chief", "invitee", "other", "viewer")


@dataclass(frozen=True)
class World:
    server: ServerProcess
    who: dict[str, dict[str, str]]

    def call(self, method: str, path: str, caller: str | None, **kwargs: Any) -> httpx.Response:
        headers = self.who[caller] if caller else {}
        return httpx.request(
            method, f"{self.server.url}{path}", headers=headers, timeout=30, **kwargs
        )

    def members(self, group: str) -> list[str]:
        listed = self.call("GET", "/api/v1/groups", "chief").json()
        return [m["email"] for g in listed if g["name"] == group for m in g["members"]]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = server_settings(tmp_path_factory.mktemp("invitations"))
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
        for name in PEOPLE:
            create_user(session, f"{name}@example.org", PASSWORD)
    with serve_process(settings) as server:
        who = {name: server.login(f"{name}@example.org") for name in ("admin", *PEOPLE)}
        yield World(server, who)


def _group(world: World, name: str) -> None:
    made = world.call("POST", "/api/v1/groups", "chief", json={"name": name})
    assert made.status_code == 201, made.text


def _invite(world: World, group: str, email: str, **extra: Any) -> httpx.Response:
    return world.call(
        "POST", f"/api/v1/groups/{group}/members", "chief", json={"email": email, **extra}
    )


def _mine(world: World, caller: str) -> list[dict[str, Any]]:
    answer = world.call("GET", "/api/v1/invitations", caller)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()
    return found


def test_ready_details_are_for_server_admins(world: World) -> None:
    data_dir = str(world.server.settings.data_dir)
    for caller in (None, "viewer"):
        answer = world.call("GET", "/health/ready", caller)
        assert answer.status_code == 200, answer.text
        assert data_dir not in answer.text
        checks = answer.json()["checks"]
        assert set(checks) == {"database", "storage", "cache", "broker"}
        assert all(check == {"status": "ok"} for check in checks.values()), checks
    forged = httpx.get(
        f"{world.server.url}/health/ready",
        headers={"Authorization": "Bearer not-a-token"},
        timeout=30,
    )
    assert forged.status_code == 200 and data_dir not in forged.text
    admin = world.call("GET", "/health/ready", "admin").json()
    assert data_dir in admin["checks"]["storage"]["detail"]
    assert admin["checks"]["database"]["detail"] == "sqlite"


def test_inviting_answers_the_same_for_any_e_mail(world: World) -> None:
    _group(world, "uniform")
    known = _invite(world, "uniform", "invitee@example.org")
    unknown = _invite(world, "uniform", "nobody-here@example.org")
    assert known.status_code == unknown.status_code == 202
    assert set(known.json()) == set(unknown.json())
    assert known.json()["status"] == unknown.json()["status"] == "pending"
    assert known.json()["detail"].replace("invitee", "X") == unknown.json()["detail"].replace(
        "nobody-here", "X"
    )
    pending = world.call("GET", "/api/v1/groups/uniform/invitations", "chief").json()
    assert [i["email"] for i in pending] == ["invitee@example.org", "nobody-here@example.org"]
    # Removing shows nothing either: the same 404 for an account and for no account.
    gone = [
        world.call("DELETE", f"/api/v1/groups/uniform/members/{email}", "chief")
        for email in ("other@example.org", "nobody-here@example.org")
    ]
    assert [g.status_code for g in gone] == [404, 404]
    assert [g.json()["detail"].split(" ", 1)[1] for g in gone] == [
        "is not a member of 'uniform'",
        "is not a member of 'uniform'",
    ]


def test_nobody_joins_before_accepting_and_only_the_invitee_can(world: World) -> None:
    _group(world, "consent")
    assert _invite(world, "consent", "invitee@example.org", admin=True).status_code == 202
    assert world.members("consent") == ["chief@example.org"]
    (invitation,) = [i for i in _mine(world, "invitee") if i["group"] == "consent"]
    assert invitation["invited_by"] == "chief@example.org"
    assert invitation["is_admin"] is True
    assert [i for i in _mine(world, "other") if i["group"] == "consent"] == []

    accept = f"/api/v1/invitations/{invitation['id']}/accept"
    for stranger in ("other", "chief", "admin"):  # not theirs: it looks missing
        assert world.call("POST", accept, stranger).status_code == 404
    assert world.members("consent") == ["chief@example.org"]
    assert world.call("POST", accept, None).status_code == 401

    joined = world.call("POST", accept, "invitee")
    assert joined.status_code == 200, joined.text
    assert {"email": "invitee@example.org", "is_admin": True} in joined.json()["members"]
    assert world.members("consent") == ["chief@example.org", "invitee@example.org"]
    assert world.call("POST", accept, "invitee").status_code == 404  # spent
    assert world.call("GET", "/api/v1/groups/consent/invitations", "chief").json() == []


def test_declining_keeps_the_invitee_out(world: World) -> None:
    _group(world, "declined")
    assert _invite(world, "declined", "invitee@example.org").status_code == 202
    (invitation,) = [i for i in _mine(world, "invitee") if i["group"] == "declined"]
    decline = f"/api/v1/invitations/{invitation['id']}/decline"
    assert world.call("POST", decline, "other").status_code == 404
    assert world.call("POST", decline, "invitee").status_code == 204
    assert world.members("declined") == ["chief@example.org"]
    assert [i for i in _mine(world, "invitee") if i["group"] == "declined"] == []
    accept = f"/api/v1/invitations/{invitation['id']}/accept"
    assert world.call("POST", accept, "invitee").status_code == 404


def test_group_admins_see_and_withdraw_pending_invitations(world: World) -> None:
    _group(world, "withdrawn")
    assert _invite(world, "withdrawn", "Invitee@Example.org").status_code == 202
    listing = "/api/v1/groups/withdrawn/invitations"
    assert world.call("GET", listing, "invitee").status_code == 404  # not in the group
    pending = world.call("GET", listing, "chief").json()
    assert [i["email"] for i in pending] == ["invitee@example.org"]
    (invitation,) = [i for i in _mine(world, "invitee") if i["group"] == "withdrawn"]
    withdraw = "/api/v1/groups/withdrawn/invitations/invitee@example.org"
    assert world.call("DELETE", withdraw, "other").status_code == 404
    assert world.call("DELETE", withdraw, "chief").status_code == 204
    assert world.call("DELETE", withdraw, "chief").status_code == 404
    accept = f"/api/v1/invitations/{invitation['id']}/accept"
    assert world.call("POST", accept, "invitee").status_code == 404
    assert world.members("withdrawn") == ["chief@example.org"]


def test_only_group_admins_invite(world: World) -> None:
    _group(world, "closed")
    assert (
        world.call(
            "POST", "/api/v1/groups/closed/members", "other", json={"email": "x@example.org"}
        ).status_code
        == 404
    )
    assert _invite(world, "closed", "not an address").status_code == 422
