"""After an ingest, a linked collection is clustered on its link column, so that a scan for a
few keys skips most row groups; small ingests append without rewriting the table."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
import yaml
from deltalake import DeltaTable

from biovista.config import Settings
from biovista.db.models import Dashboard
from biovista.db.session import session_scope
from biovista.errors import StorageError
from biovista.models.loader import load_project
from biovista.models.project import ProjectConfig
from biovista.services.ingest.clustering import (
    cluster_candidates,
    cluster_columns,
    dashboard_filters,
    decide,
    order_staged,
    presort,
)
from biovista.services.ingest.report import IngestReport
from biovista.services.ingest.run import ingest_project
from biovista.services.ingest.stage import StagedFile
from biovista.services.projects.catalog import get_project
from biovista.storage import layout
from biovista.storage.layout import LayoutState, TableLayout
from biovista.storage.scan import FoundFile
from biovista.storage.tables import TableStore

PROJECT = """\
name: atlas
runs:
  root: ./runs
  pattern: 'run_(?P<run>\\d+)'
collections:
  expression:
    files: 'expression\\.csv'
  samples:
    path: samples.csv
links:
  - {from: samples.sample_id, to: expression.sample_id}
"""
ROWS_PER_RUN = 1500
RUNS = 8


@pytest.fixture(autouse=True)
def small_row_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Row groups of 1,000 rows: 12,000 rows make 12 groups, as 12M rows make about 90."""
    monkeypatch.setattr(layout, "ROW_GROUP_ROWS", 1000)


def write_run(root: Path, run: int, rows: int = ROWS_PER_RUN) -> None:
    """Every run measures every sample, so the rows arrive unclustered on sample_id."""
    folder = root / "runs" / f"run_{run}"
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["sample_id,gene,value"]
    lines += [f"S{(i * 37 + run) % 100:03d},G{i % 50:02d},{i * 10 + run}" for i in range(rows)]
    (folder / "expression.csv").write_text("\n".join(lines) + "\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for run in range(RUNS):
        write_run(tmp_path, run)
    sheet = ["sample_id,tissue"] + [f"S{i:03d},{('liver', 'brain')[i % 2]}" for i in range(100)]
    (tmp_path / "samples.csv").write_text("\n".join(sheet) + "\n")
    (tmp_path / "project.yaml").write_text(PROJECT)
    return tmp_path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "store")


def ingest(project: Path, settings: Settings, full: bool = False) -> IngestReport:
    report = ingest_project(load_project(project / "project.yaml"), settings, full=full)
    assert report.status == "succeeded", report.as_dict()
    return report


def expression_table(settings: Settings) -> DeltaTable:
    with session_scope(settings.resolved_database_url) as session:
        key = next(c.table_key for c in get_project(session, "atlas").collections)
    table = TableStore(settings).open(key)
    assert table is not None
    return table


def recorded_version(settings: Settings) -> int | None:
    with session_scope(settings.resolved_database_url) as session:
        collections = get_project(session, "atlas").collections
        return next(c.delta_version for c in collections if c.name == "expression")


def sample_ranges(table: DeltaTable) -> list[tuple[str, str]]:
    ranges = []
    for uri in table.file_uris():
        meta = pq.ParquetFile(uri).metadata
        column = meta.schema.names.index("sample_id")
        for index in range(meta.num_row_groups):
            stats = meta.row_group(index).column(column).statistics
            ranges.append((stats.min, stats.max))
    return ranges


def test_first_ingest_clusters_the_linked_column(project: Path, settings: Settings) -> None:
    report = ingest(project, settings)

    expression = report.collections["expression"]
    assert expression.layout is not None
    assert (expression.layout.action, expression.layout.cluster_by) == ("cluster", ["sample_id"])
    assert expression.layout.reason == "first clustering"
    samples = report.collections["samples"].layout  # one file: sorted as it is written
    assert samples is not None and (samples.action, samples.version) == ("sorted", 0)
    table = expression_table(settings)
    ranges = sample_ranges(table)
    assert len(ranges) == 12
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ranges))
    # The version the query cache keys on is the one after clustering.
    assert expression.version == recorded_version(settings) == table.version() > 0
    written = pl.read_delta(table.table_uri, version=0).sort("_file", "value")
    assert pl.read_delta(table.table_uri).sort("_file", "value").equals(written)


def test_scan_for_a_few_keys_reads_few_row_groups(
    project: Path, settings: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    ingest(project, settings)
    table = expression_table(settings)
    keys = ["S007", "S042", "S093"]

    ranges = sample_ranges(table)
    candidates = [r for r in ranges if any(lo <= k <= hi for k in keys for lo, hi in [r])]
    assert len(candidates) <= 2 * len(keys) < len(ranges)

    capfd.readouterr()
    with pl.Config(verbose=True):
        found = pl.scan_delta(table).filter(pl.col("sample_id").is_in(keys)).collect()
    log = capfd.readouterr().err
    assert found.height == 3 * RUNS * ROWS_PER_RUN // 100
    read = re.findall(r"reading (\d+) / (\d+) row groups", log)
    if not read:
        pytest.skip("this polars version does not log row-group pruning")
    assert sum(int(n) for n, _ in read) <= len(candidates)
    assert sum(int(total) for _, total in read) == len(ranges)


def test_small_ingest_appends_and_a_large_share_reclusters(
    project: Path, settings: Settings
) -> None:
    ingest(project, settings)
    clustered = set(expression_table(settings).file_uris())

    write_run(project, RUNS, rows=200)
    small = ingest(project, settings).collections["expression"]

    assert small.files_read == 1 and small.layout is None
    after = set(expression_table(settings).file_uris())
    assert clustered < after and len(after - clustered) == 1
    assert small.version == recorded_version(settings)

    for run in range(RUNS + 1, RUNS + 4):
        write_run(project, run)
    large = ingest(project, settings).collections["expression"]

    assert large.layout is not None and large.layout.action == "cluster"
    assert large.layout.reason == "28% of rows written since"
    assert large.total_rows == RUNS * ROWS_PER_RUN + 200 + 3 * ROWS_PER_RUN
    assert all(
        a[1] <= b[0] for a, b in itertools.pairwise(sample_ranges(expression_table(settings)))
    )


def test_full_ingest_reclusters(project: Path, settings: Settings) -> None:
    ingest(project, settings)

    full = ingest(project, settings, full=True).collections["expression"]

    assert full.layout is not None and full.layout.action == "cluster"
    assert full.layout.reason == "100% of rows written since"
    assert full.version == recorded_version(settings)


def test_dashboard_filters_join_the_link_column(project: Path, settings: Settings) -> None:
    ingest(project, settings)
    components = [
        {
            "type": "filter",
            "id": "g",
            "collection": "expression",
            "kind": "select",
            "column": "gene",
        },
        {
            "type": "filter",
            "id": "x",
            "collection": "expression",
            "kind": "select",
            "column": "nope",
        },
        {
            "type": "filter",
            "id": "t",
            "collection": "samples",
            "kind": "select",
            "column": "tissue",
        },
    ]
    with session_scope(settings.resolved_database_url) as session:
        project_id = get_project(session, "atlas").id
        spec = {"tabs": [{"name": "Overview", "components": components}]}
        session.add(Dashboard(project_id=project_id, title="QC", spec=spec))
        session.add(Dashboard(project_id=project_id, title="old", spec={"tabs": "not a list"}))
    filters = dashboard_filters(settings.resolved_database_url, project_id)
    assert filters == {"expression": ["gene", "nope"], "samples": ["tissue"]}

    full = ingest(project, settings, full=True).collections["expression"]

    assert full.layout is not None
    assert full.layout.cluster_by == ["sample_id", "gene"]  # "nope" is not a column


def test_a_failed_layout_change_keeps_the_commit(
    project: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise StorageError("optimizing table t failed: disk full")

    monkeypatch.setattr(TableStore, "optimize", broken)

    report = ingest(project, settings)

    expression = report.collections["expression"]
    assert expression.layout is None
    assert expression.layout_error == "optimizing table t failed: disk full"
    assert expression.total_rows == RUNS * ROWS_PER_RUN
    assert expression.version == recorded_version(settings) == 0


def test_cluster_candidates_and_columns() -> None:
    config = ProjectConfig.model_validate(yaml.safe_load(PROJECT))
    filters = {"expression": ["gene", "sample_id"], "samples": ["tissue"]}
    assert cluster_candidates(config, "expression", filters) == ("sample_id", "gene")
    assert cluster_candidates(config, "samples", {}) == ("sample_id",)
    schema = pl.Schema({"a": pl.String, "b": pl.List(pl.Int64), "c": pl.Int64, "d": pl.Date})
    assert cluster_columns(["a", "b", "missing", "c", "d"], schema) == ["a", "c", "d"]
    assert cluster_columns(["d", "c", "a", "x"], schema) == ["d", "c", "a"]


@pytest.mark.parametrize(
    ("current", "cluster_by", "expected"),
    [
        (TableLayout(900, 1, 1, None), ["k"], None),
        (TableLayout(900, 9, 9, None), ["k"], ("compact", "9 small files")),
        (TableLayout(5000, 1, 1, None), ["k"], ("cluster", "first clustering")),
        (TableLayout(5000, 1, 1, LayoutState((), 5000)), ["k"], ("cluster", "first clustering")),
        (
            TableLayout(5000, 2, 2, LayoutState(("k",), 0)),
            ["k", "g"],
            ("cluster", "columns changed from k"),
        ),
        (TableLayout(5000, 2, 2, LayoutState(("k",), 900)), ["k"], None),
        (
            TableLayout(5000, 2, 2, LayoutState(("k",), 1100)),
            ["k"],
            ("cluster", "22% of rows written since"),
        ),
        (TableLayout(5000, 8, 8, LayoutState(("k",), 900)), ["k"], ("compact", "8 small files")),
        (TableLayout(5000, 8, 8, None), [], ("compact", "8 small files")),
    ],
)
def test_decide(
    current: TableLayout, cluster_by: list[str], expected: tuple[str, str] | None
) -> None:
    assert decide(current, cluster_by) == expected


def test_runs_with_their_own_samples_are_sorted_on_write(project: Path, settings: Settings) -> None:
    for run in range(RUNS):  # each run measures its own samples, listed out of order
        lines = ["sample_id,gene,value"]
        lines += [f"R{run}_S{(i * 7) % 30:02d},G{i % 50:02d},{i}" for i in range(ROWS_PER_RUN)]
        (project / "runs" / f"run_{run}" / "expression.csv").write_text("\n".join(lines) + "\n")

    expression = ingest(project, settings).collections["expression"]

    assert expression.layout is not None
    assert (expression.layout.action, expression.layout.files_removed) == ("sorted", 0)
    table = expression_table(settings)
    assert expression.version == table.version() == 0
    tag = json.loads(table.history(1)[0][layout.LAYOUT_TAG])
    assert tag == {"cluster_by": ["sample_id"], "unclustered_rows": 0, "reason": "sorted on write"}
    ranges = sample_ranges(table)
    hits = [
        sum(lo <= f"R{r}_S{s:02d}" <= hi for lo, hi in ranges)
        for r in range(RUNS)
        for s in (0, 13, 29)
    ]
    assert max(hits) <= 2 < len(ranges)


def staged_file(path: str) -> StagedFile:
    found = FoundFile("expression", path, None, 1, 1)
    return StagedFile(found, "sha", 1, pl.Schema({"k": pl.String}), Path(path))


def test_presort_sorts_one_file_by_the_only_candidate() -> None:
    frame = pl.DataFrame({"k": ["b", None, "a", "c"], "v": [1, 2, 3, 4]})
    ordered, span = presort(frame, ("k",))
    assert ordered["k"].to_list() == ["a", "b", "c", None] and span == ("a", "c")
    assert presort(frame, ("k", "v")) == (frame, None)  # several columns: Z-order later
    assert presort(frame, ("missing",)) == (frame, None)


@pytest.mark.parametrize(
    ("spans", "in_order", "paths"),
    [
        ({"b": ("K5", "K9"), "a": ("K0", "K4")}, True, ["a", "b"]),
        ({"b": ("K4", "K9"), "a": ("K0", "K4")}, True, ["a", "b"]),  # a shared boundary key
        ({"b": ("K3", "K9"), "a": ("K0", "K4")}, False, ["a", "b"]),
        ({"b": ("K5", "K9")}, False, ["b", "a"]),  # "a" was not presorted
        ({"b": ("K5", "K9"), "a": (1, 4)}, False, None),  # types disagree: any order
    ],
)
def test_order_staged(
    spans: dict[str, tuple[object, object]], in_order: bool, paths: list[str] | None
) -> None:
    staged = [staged_file("a"), staged_file("b")]
    assert order_staged(staged, spans) == in_order
    assert paths is None or [s.found.path for s in staged] == paths
    assert order_staged([], spans) is False  # nothing written: nothing sorted
