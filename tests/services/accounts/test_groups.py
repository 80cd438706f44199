"""Deleting a group: its admins and server admins may; the roles it held go with it."""

from __future__ import annotations

import pytest

from biovista.auth.policy import LOCAL_ADMIN, ForbiddenError, Principal, project_role
from biovista.db.migrate import upgrade
from biovista.db.models import Project
from biovista.db.session import session_scope
from biovista.errors import NotFoundError
from biovista.services.accounts import grants as access
from biovista.services.accounts import groups
from biovista.services.accounts.users import create_user

PASSWORD = "a long enough password"


def test_deleting_a_group_takes_its_roles_away(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        people = {
            name: Principal(
                create_user(session, f"{name}@example.org", PASSWORD).id, "user", "write"
            )
            for name in ("chief", "member", "outsider")
        }
        session.add(Project(name="birds", config={}))
        groups.create_group(session, people["chief"], "lab", "the lab")
        groups.invite_member(session, people["chief"], "lab", "member@example.org")
        (invitation,) = groups.my_invitations(session, people["member"])
        groups.accept_invitation(session, people["member"], invitation.id)
        access.grant_role(session, LOCAL_ADMIN, "birds", "editor", group_name="lab")
        project_id = session.query(Project).filter_by(name="birds").one().id
        assert project_role(session, people["member"], project_id) == "editor"
    with session_scope(database_url) as session, pytest.raises(ForbiddenError, match="only admins"):
        groups.delete_group(session, people["member"], "lab")
    with session_scope(database_url) as session, pytest.raises(NotFoundError, match="no group"):
        groups.delete_group(session, people["outsider"], "lab")
    with session_scope(database_url) as session:
        groups.delete_group(session, people["chief"], "lab")
    with session_scope(database_url) as session:
        assert groups.list_groups(session, LOCAL_ADMIN) == []
        assert access.list_grants(session, LOCAL_ADMIN, "birds") == []
        assert project_role(session, people["member"], project_id) is None
    with session_scope(database_url) as session, pytest.raises(NotFoundError, match="no group"):
        groups.delete_group(session, LOCAL_ADMIN, "lab")
