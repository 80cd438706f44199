"""The render service: exact answers from memory or storage, cached, never stale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.models.dashboard import FilterState
from biovista.models.loader import load_project
from biovista.query import codec as render_codec
from biovista.query.dashboard import OpenedDashboard
from biovista.query.render import render
from biovista.query.shared import SharedReads
from biovista.services.dashboards.documents import import_dashboard
from biovista.services.dashboards.open import open_dashboard
from biovista.services.ingest.run import ingest_project
from tests.penguins import make_project

DASHBOARD = """\
version: 1
title: Penguins
tabs:
  - name: All
    components:
      - {type: filter, id: sex, collection: demographics, kind: select, column: sex}
      - {type: metric, id: birds, collection: physical, agg: count}
      - {type: metric, id: mass, collection: physical, agg: mean, column: body_mass_g}
      - {type: metric, id: median, collection: physical, agg: median, column: body_mass_g}
      - {type: figure, id: species, collection: demographics, kind: bar, x: species}
      - {type: figure, id: masses, collection: physical, kind: histogram, x: body_mass_g}
      - {type: figure, id: box, collection: physical, kind: box, y: flipper_length_mm}
      - {type: figure, id: bills, collection: physical, kind: scatter, x: bill_length_mm,
         y: bill_depth_mm}
      - {type: table, id: rows, collection: demographics}
"""
FEMALE = FilterState(values={"sex": "female"})


def penguins(root: Path, **options: Any) -> tuple[Settings, Path]:
    project = make_project(root / "penguins")
    settings = Settings(data_dir=root / "data", **options)
    ingest_project(load_project(project), settings)
    with session_scope(settings.resolved_database_url) as session:
        import_dashboard(session, LOCAL_ADMIN, "penguins", DASHBOARD, "penguins.yaml")
    return settings, project


def opened(settings: Settings) -> OpenedDashboard:
    from biovista.db.models import Dashboard

    with session_scope(settings.resolved_database_url) as session:
        dashboard_id = session.query(Dashboard).one().id
    return open_dashboard(settings, LOCAL_ADMIN, dashboard_id)


def answers(settings: Settings, reads: SharedReads, state: FilterState) -> dict[str, Any]:
    """Every answer; the table's first page as its size (two ingests of the same files may
    store rows in another order) and point rows without their ids, sorted."""
    results = render(settings, reads, opened(settings), state).results
    assert not [r.error for r in results.values() if r.error]
    found = {cid: render_codec.as_json(r.value) for cid, r in results.items()}
    found["rows"]["rows"] = len(found["rows"]["rows"])
    found["bills"]["rows"] = sorted(row[:2] for row in found["bills"]["rows"])
    return found


def test_a_new_ingest_is_never_answered_from_the_cache(tmp_path: Path) -> None:
    settings, project = penguins(tmp_path)
    reads = SharedReads.for_settings(settings)
    before = render(settings, reads, opened(settings), FEMALE).results
    assert before["birds"].value.value == 165
    again = render(settings, reads, opened(settings), FEMALE).results
    assert again["birds"].cached and again["masses"].cached
    runs = project.parent / "data"
    physical = next(runs.glob("run_1_*/physical_features.csv"))
    demographics = physical.parent / "demographic_data.csv"
    physical.write_text(physical.read_text() + "adelie_999,40.0,18.0,190.0,4000.0\n")
    demographics.write_text(demographics.read_text() + "adelie_999,Dream,female,2009,Adelie\n")
    ingest_project(load_project(project), settings)
    after = render(settings, reads, opened(settings), FEMALE).results
    assert not after["birds"].cached
    assert (after["birds"].value.value, after["birds"].value.unfiltered) == (166, 343)
    assert after["rows"].value.total == 166


def test_memory_and_storage_give_the_same_answers(tmp_path: Path) -> None:
    in_memory, _ = penguins(tmp_path / "memory")
    scanned, _ = penguins(tmp_path / "scanned", hot_tables_max_bytes=0, cache_max_bytes=0)
    memory_reads = SharedReads.for_settings(in_memory)
    scanned_reads = SharedReads.for_settings(scanned)
    for state in (FilterState(), FEMALE):
        assert answers(in_memory, memory_reads, state) == answers(scanned, scanned_reads, state)
    again = render(scanned, scanned_reads, opened(scanned), FEMALE).results
    assert not any(r.cached for r in again.values())


def test_results_are_shared_between_processes_through_redis(tmp_path: Path, redis_url: str) -> None:
    settings, _ = penguins(tmp_path, redis_url=redis_url)
    reads = SharedReads.for_settings(settings)
    try:
        first = render(settings, reads, opened(settings), FEMALE).results
        assert not first["mass"].cached
        elsewhere = SharedReads.for_settings(settings)  # another process: the same Redis
        second = render(settings, elsewhere, opened(settings), FEMALE).results
        assert second["mass"].cached and second["bills"].cached
        assert second["mass"].value == first["mass"].value
    finally:
        reads.cache.clear()
