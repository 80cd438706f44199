"""The benchmark's biovista project, made once per scale and kept in a cache folder.

Generation writes the workflow's files; biovista's own ingestion loads them into Delta
tables with a SQLite database; the dashboard file is imported as a user would, and a
viewer (not an admin) is granted the project, so every open runs the real access checks.
A ``setup.json`` beside them records what was made; a later run reuses it when the data
generator and the dashboard file are unchanged.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from _dashboard_data import SAMPLES, SEED, feature_count, write_project
from _dashboard_spec import dashboard_yaml, spec_digest
from biovista.auth.policy import LOCAL_ADMIN, Principal
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.models.loader import load_project
from biovista.services.accounts.grants import grant_role
from biovista.services.accounts.users import create_user
from biovista.services.dashboards.documents import import_dashboard
from biovista.services.dashboards.open import open_dashboard
from biovista.services.ingest.report import CollectionReport
from biovista.services.ingest.run import ingest_project
from biovista.storage.tables import TableStore

GENERATOR_VERSION = 1
"""Bump when the generated files change, so cached data is made again."""
VIEWER_EMAIL = "bench-viewer@example.org"
VIEWER_PASSWORD = "a benchmark viewer password"  # a throwaway account in a local benchmark store


@dataclass(frozen=True)
class Setup:
    """Where the benchmark's project lives and what it holds."""

    folder: str
    scale: float
    rows: dict[str, int]
    generate_seconds: float
    ingest_seconds: float
    dashboard_id: str
    viewer_id: str
    spec_digest: str
    table_uris: dict[str, str]

    @property
    def settings(self) -> Settings:
        return store_settings(Path(self.folder))

    @property
    def viewer(self) -> Principal:
        return Principal(uuid.UUID(self.viewer_id), "user", "read")


def store_settings(folder: Path) -> Settings:
    """biovista's embedded mode: Delta tables and a SQLite file in ``folder/store``."""
    store = folder / "store"
    return Settings(data_dir=store, database_url=f"sqlite:///{store / 'biovista.db'}")


class _IngestBar:
    """Shows ingestion progress per collection (biovista's IngestProgress protocol)."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, Any] = {}

    def start(self, collection: str, total_files: int) -> None:
        self._tasks[collection] = self._progress.add_task(f"ingest {collection}", total=total_files)

    def advance(self, collection: str, path: str) -> None:
        self._progress.advance(self._tasks[collection])

    def finish(self, collection: str, report: CollectionReport) -> None:
        task = self._tasks.get(collection)
        if task is not None:
            self._progress.update(task, completed=report.files_read + report.files_skipped)


def prepare(data: Path, scale: float, console: Console) -> Setup:
    """The cached project for ``scale`` under ``data``, made (or completed) when needed."""
    folder = data / f"scale-{scale:g}"
    marker = folder / "setup.json"
    if marker.exists():
        saved = json.loads(marker.read_text())
        if saved.get("generator") == _generator_key(scale):
            setup = Setup(**saved["setup"])
            if setup.spec_digest != spec_digest():
                setup = _with_dashboard(setup)
                _save(marker, setup, scale)
            console.print(f"[dim]using the cached project in {folder}[/]")
            return setup
    shutil.rmtree(folder, ignore_errors=True)
    setup = _make(folder, scale, console)
    _save(marker, setup, scale)
    return setup


def _generator_key(scale: float) -> str:
    return f"v{GENERATOR_VERSION}-seed{SEED}-features{feature_count(scale)}"


def _save(marker: Path, setup: Setup, scale: float) -> None:
    marker.write_text(
        json.dumps({"generator": _generator_key(scale), "setup": asdict(setup)}, indent=2)
    )


def _make(folder: Path, scale: float, console: Console) -> Setup:
    project = folder / "project"
    columns = (
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("write sample files", total=SAMPLES)
        started = time.perf_counter()
        rows = write_project(project, scale, lambda n: progress.update(task, completed=n))
        generated = time.perf_counter() - started
        settings = store_settings(folder)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        loaded = load_project(project / "project.yaml")
        report = ingest_project(loaded, settings, progress=_IngestBar(progress))
        ingested = time.perf_counter() - started
    if report.status != "succeeded":
        raise SystemExit(f"ingestion did not succeed: {json.dumps(report.as_dict(), indent=2)}")
    for name, expected in rows.items():
        got = report.collections[name].total_rows
        if got != expected:
            raise SystemExit(f"ingested {got} rows into {name}, expected {expected}")
    with session_scope(settings.resolved_database_url) as session:
        viewer = create_user(session, VIEWER_EMAIL, VIEWER_PASSWORD)
        grant_role(session, LOCAL_ADMIN, "dashboard-bench", "viewer", user_email=VIEWER_EMAIL)
        viewer_id = str(viewer.id)
    made = Setup(
        folder=str(folder),
        scale=scale,
        rows=rows,
        generate_seconds=round(generated, 2),
        ingest_seconds=round(ingested, 2),
        dashboard_id="",
        viewer_id=viewer_id,
        spec_digest="",
        table_uris={},
    )
    return _with_dashboard(made)


def _with_dashboard(setup: Setup) -> Setup:
    """Import the dashboard file (again, when it changed) and note the tables it reads."""
    settings = setup.settings
    text = dashboard_yaml()
    (Path(setup.folder) / "project" / "dashboard.yaml").write_text(text)
    with session_scope(settings.resolved_database_url) as session:
        dashboard = import_dashboard(session, LOCAL_ADMIN, "dashboard-bench", text, "bench.yaml")
        dashboard_id = dashboard.id
    opened = open_dashboard(settings, setup.viewer, dashboard_id)
    store = TableStore(settings)
    uris = {name: store.uri(key) for name, key in opened.table_keys.items()}
    return replace(
        setup, dashboard_id=str(dashboard_id), spec_digest=spec_digest(), table_uris=uris
    )
