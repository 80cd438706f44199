"""Sharing a dashboard grants roles on its project; only owners may, whatever the caller sends."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from biovista.auth.policy import LOCAL_ADMIN, Action, ForbiddenError, Principal, allows
from biovista.db.migrate import upgrade
from biovista.db.models import Dashboard, Project
from biovista.db.session import session_scope
from biovista.errors import InvalidInputError, NotFoundError
from biovista.services.accounts import grants as access
from biovista.services.accounts import groups
from biovista.services.accounts.users import create_user
from biovista.services.dashboards import documents as dashboards
from biovista.services.dashboards import sharing

PASSWORD = "a long enough password"
PEOPLE = ("owner", "editor", "viewer", "stranger", "newcomer", "member")


@dataclass
class World:
    url: str
    dashboard: uuid.UUID
    people: dict[str, Principal]


@pytest.fixture(scope="module")
def world(module_database_url: str) -> World:
    """One project shared by the module: each test leaves the roles as it found them."""
    database_url = module_database_url
    upgrade(database_url)
    with session_scope(database_url) as session:
        people = {
            name: _principal(create_user(session, f"{name}@example.org", PASSWORD).id)
            for name in PEOPLE
        }
        session.add(Project(name="birds", config={}, description="field data"))
        session.flush()
        board = dashboards.create_dashboard(session, LOCAL_ADMIN, "birds", "Counts", {})
        for role in ("owner", "editor", "viewer"):
            access.grant_role(session, LOCAL_ADMIN, "birds", role, f"{role}@example.org")
        groups.create_group(session, people["member"], "lab")
        return World(database_url, board.id, people)


def _principal(user_id: uuid.UUID) -> Principal:
    return Principal(user_id, "user", "write")


def shown(world: World) -> list[tuple[str, str, bool, int, str]]:
    with session_scope(world.url) as session:
        found = sharing.sharing_of(session, LOCAL_ADMIN, world.dashboard)
        return [(h.name, h.role, h.is_group, h.members, h.project) for h in found.holders]


def test_an_owner_shares_changes_and_withdraws_a_role(world: World) -> None:
    owner = world.people["owner"]
    with session_scope(world.url) as session:
        sharing.share(session, owner, world.dashboard, " Newcomer@Example.org ", "viewer")
        sharing.share(session, owner, world.dashboard, "lab", "editor")
    assert shown(world) == [
        ("editor@example.org", "editor", False, 0, "birds"),
        ("newcomer@example.org", "viewer", False, 0, "birds"),
        ("owner@example.org", "owner", False, 0, "birds"),
        ("viewer@example.org", "viewer", False, 0, "birds"),
        ("lab", "editor", True, 1, "birds"),
    ]
    with session_scope(world.url) as session:
        board = dashboards.get_dashboard(session, world.people["newcomer"], world.dashboard)
        assert board.title == "Counts"
        found = sharing.sharing_of(session, owner, world.dashboard)
        grant = next(h.grant_id for h in found.holders if h.name == "newcomer@example.org")
        lab = next(h.grant_id for h in found.holders if h.name == "lab")
        sharing.change_role(session, owner, world.dashboard, grant, "editor")
    assert ("newcomer@example.org", "editor", False, 0, "birds") in shown(world)
    with session_scope(world.url) as session:
        sharing.unshare(session, owner, world.dashboard, grant)
        sharing.unshare(session, owner, world.dashboard, lab)
    assert [name for name, *_ in shown(world)] == [
        "editor@example.org",
        "owner@example.org",
        "viewer@example.org",
    ]
    with (
        session_scope(world.url) as session,
        pytest.raises(NotFoundError, match="no dashboard"),
    ):
        dashboards.get_dashboard(session, world.people["newcomer"], world.dashboard)


def test_the_dialog_state_tells_public_and_link(world: World) -> None:
    owner = world.people["owner"]
    with session_scope(world.url) as session:
        dashboards.set_public(session, owner, world.dashboard, False)
        dashboards.revoke_link(session, owner, world.dashboard)
        before = sharing.sharing_of(session, owner, world.dashboard)
        dashboards.set_public(session, owner, world.dashboard, True)
        dashboards.make_link(session, owner, world.dashboard)
        after = sharing.sharing_of(session, owner, world.dashboard)
    assert (before.title, before.project, before.public, before.has_link) == (
        "Counts",
        "birds",
        False,
        False,
    )
    assert (after.public, after.has_link) == (True, True)


def exposure(world: World) -> tuple[bool, str | None]:
    with session_scope(world.url) as session:
        record = session.get_one(Dashboard, world.dashboard)
        return record.is_public, record.link_token_hash


Attempt = Callable[[Session, Principal, uuid.UUID, uuid.UUID], object]
ATTEMPTS: dict[str, Attempt] = {
    "read": lambda s, p, d, g: sharing.sharing_of(s, p, d),
    "share": lambda s, p, d, g: sharing.share(s, p, d, "newcomer@example.org", "owner"),
    "change": lambda s, p, d, g: sharing.change_role(s, p, d, g, "owner"),
    "remove": lambda s, p, d, g: sharing.unshare(s, p, d, g),
    "public": lambda s, p, d, g: dashboards.set_public(s, p, d, True),
    "link": lambda s, p, d, g: dashboards.make_link(s, p, d),
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS))
@pytest.mark.parametrize(
    ("caller", "refusal"),
    [("editor", ForbiddenError), ("viewer", ForbiddenError), ("stranger", NotFoundError)],
)
def test_only_owners_share_even_when_the_page_is_bypassed(
    world: World, attempt: str, caller: str, refusal: type[Exception]
) -> None:
    before = shown(world), exposure(world)
    with session_scope(world.url) as session:
        viewer_grant = next(
            g.id for g in access.list_grants(session, LOCAL_ADMIN, "birds") if g.role == "viewer"
        )
    with session_scope(world.url) as session, pytest.raises(refusal):
        ATTEMPTS[attempt](session, world.people[caller], world.dashboard, viewer_grant)
    assert (shown(world), exposure(world)) == before


def test_mistakes_are_named(world: World) -> None:
    owner = world.people["owner"]
    cases = [
        ("nobody@example.org", "viewer", NotFoundError, "no user with e-mail nobody@example.org"),
        ("ghosts", "viewer", NotFoundError, "no group named 'ghosts'"),
        ("  ", "viewer", InvalidInputError, "name a user by e-mail or a group by name"),
        ("newcomer@example.org", "boss", InvalidInputError, "unknown role 'boss'"),
    ]
    for who, role, error, message in cases:
        with session_scope(world.url) as session, pytest.raises(error, match=message):
            sharing.share(session, owner, world.dashboard, who, role)
    with session_scope(world.url) as session:
        found = sharing.sharing_of(session, owner, world.dashboard)
        mine = next(h.grant_id for h in found.holders if h.name == "owner@example.org")
    with (
        session_scope(world.url) as session,
        pytest.raises(InvalidInputError, match="keeps at least one owner"),
    ):
        sharing.unshare(session, owner, world.dashboard, mine)
    with (
        session_scope(world.url) as session,
        pytest.raises(InvalidInputError, match="keeps at least one owner"),
    ):
        sharing.change_role(session, owner, world.dashboard, mine, "viewer")
    with session_scope(world.url) as session, pytest.raises(NotFoundError, match="has no grant"):
        sharing.change_role(session, owner, world.dashboard, uuid.uuid4(), "viewer")
    assert ("owner@example.org", "owner", False, 0, "birds") in shown(world)


def test_only_owners_and_admins_may_share(world: World) -> None:
    with session_scope(world.url) as session:
        project = session.query(Project).filter_by(name="birds").one()
        allowed = {
            name: allows(session, principal, project.id, Action.MANAGE)
            for name, principal in world.people.items()
        }
        admin = allows(session, LOCAL_ADMIN, project.id, Action.MANAGE)
        read_only = Principal(world.people["owner"].user_id, "user", "read")
        read_token = allows(session, read_only, project.id, Action.MANAGE)
    assert allowed == {
        "owner": True,
        "editor": False,
        "viewer": False,
        "stranger": False,
        "newcomer": False,
        "member": False,
    }
    assert (admin, read_token) == (True, False)
