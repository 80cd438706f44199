"""The policy's two forms agree: what ``capabilities``/``allows`` say a caller may do is
exactly what ``authorize_project``/``authorize_dashboard`` let through, and a token's scope
caps every role (server admins' included)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

import pytest

from biovista.auth.policy import (
    LOCAL_ADMIN,
    NOTHING,
    Action,
    Capabilities,
    ForbiddenError,
    Principal,
    allows,
    authorize_dashboard,
    authorize_project,
    capabilities,
    capabilities_of,
)
from biovista.db.migrate import upgrade
from biovista.db.models import Project
from biovista.db.session import session_scope
from biovista.errors import NotFoundError
from biovista.services.accounts import grants as access
from biovista.services.accounts import groups
from biovista.services.accounts.users import create_user
from biovista.services.dashboards import documents as dashboards

PASSWORD = "a long enough password"
SCOPES = ("read", "write", "admin")
USER = uuid.UUID(int=1)


@pytest.mark.parametrize(
    ("role", "scope", "expected"),
    [
        ("viewer", "read", (True, False, False)),
        ("viewer", "write", (True, False, False)),
        ("editor", "read", (True, False, False)),
        ("editor", "write", (True, True, False)),
        ("editor", "admin", (True, True, False)),
        ("owner", "read", (True, False, False)),
        ("owner", "write", (True, True, True)),
        ("owner", "admin", (True, True, True)),
    ],
)
def test_a_role_allows_what_its_rank_and_the_token_scope_both_allow(
    role: str, scope: str, expected: tuple[bool, bool, bool]
) -> None:
    allowed = capabilities_of(Principal(USER, "user", scope), role)
    assert (allowed.view, allowed.edit, allowed.manage) == expected
    assert allowed.role == role
    assert [allowed.allows(a) for a in (Action.VIEW, Action.EDIT, Action.MANAGE)] == list(expected)


def test_no_role_allows_nothing() -> None:
    assert capabilities_of(LOCAL_ADMIN, None) == NOTHING == Capabilities(None)
    assert not any(NOTHING.allows(action) for action in Action)


@dataclass
class World:
    url: str
    project: uuid.UUID
    dashboard: uuid.UUID
    people: dict[str, Principal]


@pytest.fixture(scope="module")
def world(module_database_url: str) -> World:
    """A project with an owner, an editor through a group, a viewer and a stranger."""
    upgrade(module_database_url)
    with session_scope(module_database_url) as session:
        people = {
            name: Principal(
                create_user(session, f"{name}@example.org", PASSWORD).id, "user", "write"
            )
            for name in ("owner", "member", "viewer", "stranger")
        }
        session.add(Project(name="birds", config={}))
        session.flush()
        access.grant_role(session, LOCAL_ADMIN, "birds", "owner", "owner@example.org")
        access.grant_role(session, LOCAL_ADMIN, "birds", "viewer", "viewer@example.org")
        groups.create_group(session, people["owner"], "lab", "the lab")
        groups.invite_member(session, people["owner"], "lab", "member@example.org")
        (invitation,) = groups.my_invitations(session, people["member"])
        groups.accept_invitation(session, people["member"], invitation.id)
        access.grant_role(session, LOCAL_ADMIN, "birds", "editor", group_name="lab")
        board = dashboards.create_dashboard(session, LOCAL_ADMIN, "birds", "Counts", {})
        project = session.query(Project).filter_by(name="birds").one()
        people["admin"] = replace(LOCAL_ADMIN, user_id=uuid.uuid4())
        return World(module_database_url, project.id, board.id, people)


def test_capabilities_follow_the_role_directly_or_through_a_group(world: World) -> None:
    with session_scope(world.url) as session:
        found = {
            name: capabilities(session, principal, world.project)
            for name, principal in world.people.items()
        }
    assert {name: (c.role, c.view, c.edit, c.manage) for name, c in found.items()} == {
        "owner": ("owner", True, True, True),
        "member": ("editor", True, True, False),
        "viewer": ("viewer", True, False, False),
        "stranger": (None, False, False, False),
        "admin": ("owner", True, True, True),
    }


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("action", list(Action))
def test_the_raising_form_lets_through_exactly_what_allows_says(
    world: World, scope: str, action: Action
) -> None:
    """For every caller, scope and action, on the project and on its dashboard."""
    for person in world.people.values():
        principal = replace(person, scope=scope)
        with session_scope(world.url) as session:
            allowed = allows(session, principal, world.project, action)
            visible = capabilities(session, principal, world.project).role is not None
        for authorize in (
            lambda s, p: authorize_project(s, p, "birds", action),
            lambda s, p: authorize_dashboard(s, p, world.dashboard, action),
        ):
            with session_scope(world.url) as session:
                if allowed:
                    authorize(session, principal)
                    continue
                expected = ForbiddenError if visible else NotFoundError
                with pytest.raises(expected):
                    authorize(session, principal)


def test_a_read_token_caps_even_a_server_admin(world: World) -> None:
    read_only = replace(world.people["admin"], scope="read")
    with session_scope(world.url) as session:
        assert allows(session, read_only, world.project, Action.VIEW)
        assert not allows(session, read_only, world.project, Action.EDIT)
        assert not allows(session, read_only, world.project, Action.MANAGE)
    with session_scope(world.url) as session, pytest.raises(ForbiddenError, match="scope"):
        authorize_project(session, read_only, "birds", Action.EDIT)


def test_the_refusal_says_which_rule_was_not_met(world: World) -> None:
    with session_scope(world.url) as session, pytest.raises(ForbiddenError, match="you need owner"):
        authorize_project(session, world.people["member"], "birds", Action.MANAGE)
    read_owner = replace(world.people["owner"], scope="read")
    with (
        session_scope(world.url) as session,
        pytest.raises(ForbiddenError, match="scope is 'read'; 'write' is needed"),
    ):
        authorize_project(session, read_owner, "birds", Action.MANAGE)
