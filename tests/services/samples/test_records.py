"""Sample types and samples: definitions checked when saved, values checked against them,
every error naming the sample, the attribute and what is wrong; sheets all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from biovista.auth.policy import LOCAL_ADMIN, ForbiddenError, Principal
from biovista.config import Settings
from biovista.db.migrate import upgrade
from biovista.db.models import Project
from biovista.db.session import session_scope
from biovista.errors import ConflictError, InvalidInputError, NotFoundError
from biovista.services.accounts import grants as access
from biovista.services.accounts.users import create_user
from biovista.services.samples import records as samples
from biovista.services.samples import types as sample_types

PASSWORD = "a long enough password"
TISSUE = [
    {"name": "organ", "required": True, "allowed": ["liver", "kidney", "heart"]},
    {"name": "donor", "required": True, "pattern": r"D\d{3}"},
    {"name": "note"},
]


@dataclass
class World:
    url: str
    people: dict[str, Principal]


@pytest.fixture
def world(database_url: str) -> World:
    upgrade(database_url)
    with session_scope(database_url) as session:
        people = {
            name: Principal(
                create_user(session, f"{name}@example.org", PASSWORD).id, "user", "write"
            )
            for name in ("editor", "viewer", "stranger")
        }
        session.add(Project(name="liver", config={}))
        session.flush()
        for role in ("editor", "viewer"):
            access.grant_role(session, LOCAL_ADMIN, "liver", role, f"{role}@example.org")
        sample_types.create_sample_type(session, LOCAL_ADMIN, "tissue", "biopsies", TISSUE)
    return World(database_url, people)


def messages(exc: InvalidInputError) -> list[str]:
    return [str(p) for p in exc.problems]


def test_definitions_are_checked_all_at_once(world: World) -> None:
    bad = [
        {"name": "1st"},
        {"name": "name"},
        {"name": "dup"},
        {"name": "dup"},
        {"name": "code", "pattern": "([A-Z"},
        {"name": "kind", "allowed": []},
        {"name": "level", "allowed": ["low", "HIGH"], "pattern": "[a-z]+"},
        {"name": "x", "colour": "red"},
    ]
    with session_scope(world.url) as session, pytest.raises(InvalidInputError) as raised:
        sample_types.create_sample_type(session, LOCAL_ADMIN, "cells", attributes=bad)
    found = "\n".join(messages(raised.value))
    assert "attribute '1st': a name starts with a letter" in found
    assert "attribute 'name': 'name' is a column of every sample sheet" in found
    assert "attribute 'dup': defined twice" in found
    assert "attribute 'code': pattern '([A-Z' is not a valid regex" in found
    assert "attribute 'kind': 'allowed' lists no value" in found
    assert "allowed value 'HIGH' does not match the pattern '[a-z]+'" in found
    assert "attributes[7].colour: Extra inputs are not permitted" in found


def test_only_admins_define_types_and_used_types_stay(world: World) -> None:
    with session_scope(world.url) as session:
        with pytest.raises(ForbiddenError):
            sample_types.create_sample_type(session, world.people["editor"], "cells")
        with pytest.raises(ConflictError, match="already exists"):
            sample_types.create_sample_type(session, LOCAL_ADMIN, "tissue")
        samples.create_sample(
            session,
            world.people["editor"],
            "liver",
            "S1",
            "tissue",
            {"organ": "liver", "donor": "D001"},
        )
        with pytest.raises(ConflictError, match="1 sample"):
            sample_types.delete_sample_type(session, LOCAL_ADMIN, "tissue")
        with pytest.raises(NotFoundError, match="did you mean 'tissue'"):
            sample_types.get_sample_type(session, "tisue")


def test_values_are_checked_and_each_problem_named(world: World) -> None:
    editor = world.people["editor"]
    with session_scope(world.url) as session, pytest.raises(InvalidInputError) as raised:
        samples.create_sample(
            session,
            editor,
            "liver",
            "S1",
            "tissue",
            {"organ": "lver", "donor": "D12", "colour": "red", "note": "  "},
        )
    found = messages(raised.value)
    assert (
        "attributes.organ: sample 'S1', attribute 'organ': 'lver' is not one of liver, kidney, "
        "heart; did you mean 'liver'?" in found
    )
    assert (
        r"attributes.donor: sample 'S1', attribute 'donor': 'D12' does not match the pattern "
        r"'D\\d{3}'" in found
    )
    assert any("attribute 'colour': type 'tissue' has no such attribute" in m for m in found)
    assert len(found) == 3  # a blank note is no note
    with session_scope(world.url) as session, pytest.raises(InvalidInputError) as raised:
        samples.create_sample(session, editor, "liver", "S1", "tissue", {})
    assert messages(raised.value) == [
        "attributes.organ: sample 'S1', attribute 'organ': required by type 'tissue' but missing",
        "attributes.donor: sample 'S1', attribute 'donor': required by type 'tissue' but missing",
    ]


def test_roles_decide_who_reads_and_who_changes(world: World) -> None:
    values = {"organ": "heart", "donor": "D002"}
    with session_scope(world.url) as session:
        with pytest.raises(ForbiddenError):
            samples.create_sample(session, world.people["viewer"], "liver", "S1", "tissue", values)
        with pytest.raises(NotFoundError, match="no project named 'liver'"):
            samples.list_samples(session, world.people["stranger"], "liver")
        made = samples.create_sample(
            session, world.people["editor"], "liver", "S1", "tissue", values
        )
        assert made.attributes == values
        with pytest.raises(ConflictError):
            samples.create_sample(session, world.people["editor"], "liver", "S1", "tissue", values)
        listed = samples.list_samples(session, world.people["viewer"], "liver")
        assert [s.name for s in listed] == ["S1"]
        changed = samples.update_sample(
            session, world.people["editor"], "liver", "S1", attributes=values | {"note": "ok"}
        )
        assert changed.attributes["note"] == "ok"
        with pytest.raises(InvalidInputError, match="bad name"):
            samples.create_sample(
                session, world.people["editor"], "liver", "bad name", "tissue", values
            )
        samples.delete_sample(session, world.people["editor"], "liver", "S1")
        assert samples.list_samples(session, world.people["viewer"], "liver") == []


def test_a_type_change_that_breaks_samples_is_refused(world: World) -> None:
    with session_scope(world.url) as session:
        samples.create_sample(
            session,
            world.people["editor"],
            "liver",
            "S1",
            "tissue",
            {"organ": "kidney", "donor": "D001"},
        )
        narrower = [{"name": "organ", "required": True, "allowed": ["liver"]}, TISSUE[1]]
        with pytest.raises(ConflictError) as raised:
            sample_types.update_sample_type(session, LOCAL_ADMIN, "tissue", attributes=narrower)
        assert "sample 'S1', attribute 'organ': 'kidney' is not one of liver" in str(raised.value)
        wider = [*TISSUE, {"name": "batch"}]
        updated = sample_types.update_sample_type(session, LOCAL_ADMIN, "tissue", attributes=wider)
        assert [a["name"] for a in updated.attributes] == ["organ", "donor", "note", "batch"]


SHEET = """name,type,organ,donor,note
S1,tissue,liver,D001,
S2,tissue,kidney,D002,second
"""


def test_a_sheet_creates_then_updates(world: World, tmp_path: Path) -> None:
    editor = world.people["editor"]
    with session_scope(world.url) as session:
        first = samples.import_sheet(session, editor, "liver", SHEET)
        assert (first.created, first.updated) == (["S1", "S2"], [])
        again = samples.import_sheet(
            session, editor, "liver", SHEET.replace("second", "changed") + "S3,tissue,heart,D003,\n"
        )
        assert (again.created, again.updated) == (["S3"], ["S1", "S2"])
        found = samples.find_samples(session, world.people["viewer"], "liver", ["S2", "S3"])
        assert found[0].attributes == {"organ": "kidney", "donor": "D002", "note": "changed"}
        settings = Settings(data_dir=tmp_path / "data")
        samples.attach_file(session, found[0], "reads/S2_R1.fastq.gz", 10, "ab" * 32)
        sheet = samples.sample_sheet(settings, found)
    folder = (tmp_path / "data" / "uploads" / "liver").resolve()
    assert sheet[0] == {
        "name": "S2",
        "type": "tissue",
        "attributes": {"organ": "kidney", "donor": "D002", "note": "changed"},
        "files": [str(folder / "reads/S2_R1.fastq.gz")],
    }
    assert sheet[1]["files"] == []


def test_a_sheet_with_any_problem_changes_nothing(world: World) -> None:
    sheet = (
        "name,type,organ,donor,colour\n"
        "S1,tissue,liver,D001,\n"
        "S2,tissue,lung,D002,\n"
        ",tissue,liver,D003,\n"
        "S1,tissue,liver,D004,\n"
        "S5,cells,liver,D005,\n"
        "S6,tissue,heart,D006,red\n"
    )
    with session_scope(world.url) as session, pytest.raises(InvalidInputError) as raised:
        samples.import_sheet(session, world.people["editor"], "liver", sheet)
    assert messages(raised.value) == [
        "organ, line 3: sample 'S2', attribute 'organ': 'lung' is not one of liver, kidney, heart",
        "name, line 4: no sample name",
        "name, line 5: sample 'S1' is already on line 2",
        "type, line 6: unknown sample type 'cells' (types: tissue)",
        "colour, line 7: sample 'S6', attribute 'colour': type 'tissue' has no "
        "such attribute (its attributes: organ, donor, note)",
    ]
    with session_scope(world.url) as session:
        assert samples.list_samples(session, world.people["viewer"], "liver") == []
        with pytest.raises(InvalidInputError, match="must have a column 'type'"):
            samples.import_sheet(session, world.people["editor"], "liver", "name,organ\nS1,x\n")
        with pytest.raises(ForbiddenError):
            samples.import_sheet(session, world.people["viewer"], "liver", SHEET)


def test_unknown_samples_are_all_named(world: World) -> None:
    with session_scope(world.url) as session, pytest.raises(NotFoundError) as raised:
        samples.find_samples(session, world.people["viewer"], "liver", ["A", "B"])
    assert "no sample(s) 'A', 'B'" in str(raised.value)
