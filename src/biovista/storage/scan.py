"""Find the run folders of a project and the files that make up each collection."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from biovista.config import Settings
from biovista.errors import StorageError
from biovista.models.project import CollectionConfig, ProjectConfig
from biovista.storage.base import Source, SourceEntry
from biovista.storage.sources import open_source


@dataclass(frozen=True)
class FoundFile:
    """A file that belongs to a collection, with the run it came from."""

    collection: str
    path: str
    """Relative to its source root; the value of the ``_file`` column."""
    run: str | None
    size: int
    mtime_ns: int
    etag: str | None = None


@dataclass
class ScanResult:
    """Runs (name -> named-group values) and, per collection, its files in path order."""

    runs: dict[str, dict[str, str]] = field(default_factory=dict)
    files: dict[str, list[FoundFile]] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    """Per collection, the source its paths are relative to."""
    file_names: set[str] = field(default_factory=set)
    """Names of every file inside a run folder, matched or not (for suggestions)."""
    errors: dict[str, str] = field(default_factory=dict)
    """Per collection, why its files could not be listed (the others go on)."""


def file_matcher(pattern: str) -> re.Pattern[str]:
    """Patterns without '/' match a file name at any depth; others match the relative path."""
    return re.compile(pattern)


def matches(pattern: re.Pattern[str], relative_path: str) -> bool:
    target = relative_path if "/" in pattern.pattern else PurePosixPath(relative_path).name
    return pattern.fullmatch(target) is not None


def split_run(run_pattern: re.Pattern[str], path: str) -> tuple[str, str, dict[str, str]] | None:
    """(run folder, path inside it, named groups) for the shallowest matching folder."""
    parts = path.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        found = run_pattern.fullmatch(folder)
        if found:
            groups = {k: v for k, v in found.groupdict().items() if v is not None}
            return folder, "/".join(parts[depth:]), groups
    return None


def scan_project(config: ProjectConfig, base_dir: Path, settings: Settings) -> ScanResult:
    """Walk the runs root once and sort its files into collections."""
    result = ScanResult()
    run_collections = {n: c for n, c in config.collections.items() if c.files is not None}
    if config.runs is not None and run_collections:
        try:
            source = open_source(config.runs.root, base_dir, settings, config.name)
            _scan_runs(config, run_collections, source, result)
        except StorageError as exc:
            result.errors.update({name: str(exc) for name in run_collections})
    for name, collection in config.collections.items():
        if collection.path is not None:
            try:
                _scan_single(name, collection, base_dir, settings, result)
            except StorageError as exc:
                result.errors[name] = str(exc)
    return result


def _scan_runs(
    config: ProjectConfig,
    collections: dict[str, CollectionConfig],
    source: Source,
    result: ScanResult,
) -> None:
    assert config.runs is not None
    run_pattern = re.compile(config.runs.pattern)
    matchers = {name: file_matcher(c.files or "") for name, c in collections.items()}
    for name in collections:
        result.files[name] = []
        result.sources[name] = source
    for entry in source.walk():
        located = split_run(run_pattern, entry.path)
        if located is None:
            continue
        run, inner, groups = located
        result.file_names.add(PurePosixPath(inner).name)
        for name, matcher in matchers.items():
            if matches(matcher, inner):
                result.runs.setdefault(run, groups)
                result.files[name].append(_found(name, entry, run))


def _scan_single(
    name: str,
    collection: CollectionConfig,
    base_dir: Path,
    settings: Settings,
    result: ScanResult,
) -> None:
    assert collection.path is not None
    folder, _, file_name = collection.path.rpartition("/")
    source = open_source(folder or ".", base_dir, settings)
    result.sources[name] = source
    result.files[name] = [_found(name, source.stat(file_name), None)]


def _found(collection: str, entry: SourceEntry, run: str | None) -> FoundFile:
    return FoundFile(collection, entry.path, run, entry.size, entry.mtime_ns, entry.etag)
