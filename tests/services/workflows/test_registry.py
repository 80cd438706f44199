"""Registering workflows from a folder or a git repository, by admins only."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from biovista.auth.policy import LOCAL_ADMIN, ForbiddenError, Principal
from biovista.config import Settings
from biovista.db.migrate import ensure_schema
from biovista.db.models import Project
from biovista.db.session import session_scope
from biovista.errors import InvalidInputError
from biovista.services.workflows.registry import list_workflows, register_workflow

WORKFLOW = Path(__file__).resolve().parents[2] / "data" / "workflows" / "penguin-summary"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data")
    ensure_schema(settings.resolved_database_url)
    return settings


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_folder_is_copied_and_its_project_created(settings: Settings, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(WORKFLOW, source)
    with session_scope(settings.resolved_database_url) as session:
        workflow = register_workflow(session, settings, LOCAL_ADMIN, str(source))
        assert (workflow.name, workflow.engine, workflow.revision) == (
            "penguin-summary",
            "snakemake",
            None,
        )
        assert [p["name"] for p in workflow.parameters] == [
            "min_mass",
            "digits",
            "fail_sample",
            "sleep",
        ]
        project = session.get_one(Project, workflow.project_id)
        assert project.name == "penguin-summary"
        copy = Path(workflow.path)
    (source / "Snakefile").write_text("changed at the source afterwards")
    assert "rule summarise" in (copy / "Snakefile").read_text()


def test_a_git_repository_is_cloned_at_a_revision(settings: Settings, tmp_path: Path) -> None:
    repository = tmp_path / "repository"
    shutil.copytree(WORKFLOW, repository)
    git("init", "--quiet", "-b", "main", cwd=repository)
    git("add", ".", cwd=repository)
    git("commit", "--quiet", "-m", "first", cwd=repository)
    first = git("rev-parse", "HEAD", cwd=repository)
    (repository / "README").write_text("second commit")
    git("add", ".", cwd=repository)
    git("commit", "--quiet", "-m", "second", cwd=repository)
    with session_scope(settings.resolved_database_url) as session:
        workflow = register_workflow(
            session, settings, LOCAL_ADMIN, f"file://{repository}", revision=first
        )
        assert workflow.revision == first
        assert not (Path(workflow.path) / "README").exists()
        with pytest.raises(InvalidInputError, match=r"git checkout .* failed"):
            register_workflow(
                session, settings, LOCAL_ADMIN, f"file://{repository}", revision="no-such"
            )


def test_only_admins_register_and_bad_sources_are_explained(
    settings: Settings, tmp_path: Path
) -> None:
    user = Principal(uuid.uuid4(), "user", "write")
    with session_scope(settings.resolved_database_url) as session:
        with pytest.raises(ForbiddenError):
            register_workflow(session, settings, user, str(WORKFLOW))
        with pytest.raises(InvalidInputError, match="not a folder on the server"):
            register_workflow(session, settings, LOCAL_ADMIN, str(tmp_path / "nowhere"))
        with pytest.raises(InvalidInputError, match="give its absolute path"):
            register_workflow(session, settings, LOCAL_ADMIN, "tests/data")
        with pytest.raises(InvalidInputError, match=r"no biovista-workflow\.yaml here"):
            register_workflow(session, settings, LOCAL_ADMIN, "/")  # never copies a whole disk
        broken = tmp_path / "broken"
        shutil.copytree(WORKFLOW, broken)
        manifest = broken / "biovista-workflow.yaml"
        manifest.write_text(manifest.read_text().replace("engine: snakemake", "engine: make"))
        with pytest.raises(InvalidInputError) as failure:
            register_workflow(session, settings, LOCAL_ADMIN, str(broken))
        assert "engine" in str(failure.value) or "engine" in str(failure.value.problems)
        assert list_workflows(session, LOCAL_ADMIN) == []
    leftovers = [p for p in (settings.data_dir / "workflows").rglob("*") if p.is_dir()]
    assert all(not p.name.startswith(".workflow-") for p in leftovers)
