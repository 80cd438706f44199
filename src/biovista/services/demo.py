"""Set up the bundled demo projects in the data directory, ready to ingest."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.models.loader import LoadedProject, load_project
from biovista.services.dashboards.documents import import_dashboard, list_dashboards

DEMO_PROJECTS = ("penguins", "multiqc")


def prepare_demo(settings: Settings) -> list[LoadedProject]:
    """Copy the demo data and project files to ``<data_dir>/demo`` (once) and load them.

    The copy lives in the data directory so that the demo's files can be edited and
    re-ingested like any user's project."""
    target = settings.data_dir / "demo"
    package = resources.files("biovista.demo")
    data_target = target / "data"
    if not data_target.exists():
        with resources.as_file(package / "data") as source:
            shutil.copytree(source, data_target)
    loaded = []
    for name in DEMO_PROJECTS:
        project_file = target / f"{name}.yaml"
        if not project_file.exists():
            project_file.write_text((package / f"{name}.yaml").read_text(encoding="utf-8"))
        loaded.append(load_project(project_file))
    return loaded


def demo_root(settings: Settings) -> Path:
    return settings.data_dir / "demo"


DEMO_DASHBOARDS = {"penguins": "penguins", "ampliseq-qc": "multiqc"}


def seed_demo_dashboards(settings: Settings) -> int:
    """Import the bundled dashboards into demo projects that have none; returns how many."""
    made = 0
    with session_scope(settings.resolved_database_url) as session:
        for project_name, file_name in DEMO_DASHBOARDS.items():
            if list_dashboards(session, LOCAL_ADMIN, project_name):
                continue
            text = (
                resources.files("biovista.demo") / "dashboards" / f"{file_name}.yaml"
            ).read_text(encoding="utf-8")
            import_dashboard(session, LOCAL_ADMIN, project_name, text, f"{file_name}.yaml")
            made += 1
    return made
