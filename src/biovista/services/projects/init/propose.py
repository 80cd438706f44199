"""Propose a project file for a folder of workflow outputs, so nobody starts from a blank page.

The guesses only need to be a good first draft: ``biovista init`` writes them as commented
YAML for the user to review, and ``biovista validate`` checks the result.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from biovista.errors import InvalidInputError, StorageError
from biovista.models.project import (
    PROJECT_NAME,
    RESERVED_COLUMNS,
    CollectionConfig,
    ProjectConfig,
    RunsConfig,
)
from biovista.parsers import detect_format, formats, get_parser
from biovista.services.projects.init.columns import (
    Sample,
    infer_columns,
    propose_links,
    read_sample,
    table_names,
)
from biovista.services.projects.init.patterns import (
    Signature,
    Template,
    file_regex,
    identifier,
    run_pattern,
    run_words,
    signature,
    strip_ending,
    unique,
)
from biovista.services.projects.init.write_yaml import render_yaml
from biovista.storage.scan import file_matcher, matches
from biovista.storage.sources import LocalSource

SAMPLE_FILES = 3
"""Files read per collection to infer columns: enough to see variation, quick on big data."""
MAX_SINGLE_FILES = 20
"""Files outside the runs proposed one collection each; past this the file gets unreadable."""

_TABLE_OPTION = {"xlsx": "sheet"}
"""Parsers whose option choosing one table of a file is not called ``table``."""

__all__ = ["Proposal", "propose_project", "render_yaml", "survey"]


@dataclass(frozen=True)
class Proposal:
    """A proposed project and what was found on the way, for the summary shown to the user."""

    config: ProjectConfig
    """Its ``runs.root`` and ``path`` values are relative to the scanned folder."""
    runs: list[str]
    """Run folders, relative to the scanned folder."""
    file_counts: dict[str, int]
    notes: dict[str, list[str]]
    """Per collection, remarks worth a comment in the YAML."""
    unused: list[str]
    """Readable files left out: found in a single run, or past the single-file limit."""


@dataclass
class _Draft:
    """A collection in the making: which files, and which of them to read."""

    stem: str
    fmt: str
    members: list[str]
    """Paths relative to the scanned folder."""
    sample: list[str]
    files: str | None = None
    path: str | None = None
    where: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    explicit_format: bool = False


def propose_project(root: Path, name: str | None = None) -> ProjectConfig:
    """A project file for ``root``; paths in it are relative to ``root``."""
    return survey(root, name).config


def survey(root: Path, name: str | None = None) -> Proposal:
    """Find runs and recurring files, read samples, and propose collections and links."""
    data = _data_files(root)
    runs = find_runs(list(data))
    depth, run_set = (runs[0].count("/") + 1 if runs else 0), frozenset(runs)
    located = {path: _locate(path, run_set, depth) for path in data}
    in_runs = [(*place, data[path]) for path, place in located.items() if place is not None]
    drafts, unused = _run_drafts(in_runs, runs)
    outside = [path for path, place in located.items() if place is None]
    drafts += [_single_draft(path, data[path]) for path in outside[:MAX_SINGLE_FILES]]
    unused += outside[MAX_SINGLE_FILES:]
    drafts = [table for draft in drafts for table in _split_tables(root, draft)]
    if not drafts:
        raise InvalidInputError(
            f"no collection to propose in {root}: no file recurs across the run folders"
        )
    names = _collection_names(drafts)
    samples = {n: read_sample(root, d.fmt, d.options, d.sample) for n, d in names.items()}
    collections, notes = _collections(names, samples)
    columns = {c for collection in collections.values() for c in collection.columns}
    config = ProjectConfig(
        name=_project_name(root, name),
        description=f"Outputs found in {root.resolve().name or root}",
        runs=_runs_config(runs, columns) if runs else None,
        collections=collections,
        links=propose_links({n: s.frames for n, s in samples.items()}),
    )
    counts = {n: len(d.members) for n, d in names.items()}
    return Proposal(config, runs, counts, notes, unused)


def _data_files(root: Path) -> dict[str, str]:
    """Relative path -> format of every visible file a parser can read."""
    if not root.is_dir():
        raise InvalidInputError(f"{root} is not a folder")
    try:
        entries = [entry.path for entry in LocalSource(root).walk()]
    except (StorageError, OSError) as exc:
        raise InvalidInputError(f"cannot list {root}: {exc}") from None
    found = {path: detect_format(path) for path in entries}
    data = {path: fmt for path, fmt in found.items() if fmt is not None}
    if not data:
        known = ", ".join(sorted(formats()))
        raise InvalidInputError(
            f"no files biovista can read in {root} ({len(entries)} files; formats: {known})"
        )
    return data


def find_runs(paths: list[str]) -> list[str]:
    """Run folders: at the shallowest depth with two or more sibling folders sharing files.

    Files are compared by signature, so ``sample1.tsv`` and ``sample2.tsv`` count as shared;
    folders sharing nothing with the others (``docs/``) are not runs."""
    deepest = max((p.count("/") for p in paths), default=0)
    for depth in range(1, deepest + 1):
        inside: dict[str, list[str]] = defaultdict(list)
        for path in paths:
            parts = path.split("/")
            if len(parts) > depth:
                inside["/".join(parts[:depth])].append("/".join(parts[depth:]))
        specific = run_words(list(inside))
        layouts = {
            folder: {signature(inner, specific[folder]) for inner in files}
            for folder, files in inside.items()
        }
        seen: dict[Signature, int] = defaultdict(int)
        for layout in layouts.values():
            for key in layout:
                seen[key] += 1
        runs = sorted(f for f, layout in layouts.items() if any(seen[k] > 1 for k in layout))
        if len(runs) >= 2:
            return runs
    return []


def _locate(path: str, runs: frozenset[str], depth: int) -> tuple[str, str] | None:
    """(run folder, path inside it), or None for a file outside every run."""
    parts = path.split("/")
    run = "/".join(parts[:depth])
    return (run, "/".join(parts[depth:])) if len(parts) > depth and run in runs else None


def _run_drafts(
    in_runs: list[tuple[str, str, str]], runs: list[str]
) -> tuple[list[_Draft], list[str]]:
    """Group the (run, inner path, format) files by kind; kinds in a single run are left out."""
    specific = run_words(runs)
    groups: dict[tuple[Signature, str], list[tuple[str, str]]] = defaultdict(list)
    for run, inner, fmt in in_runs:
        groups[(signature(inner, specific[run]), fmt)].append((run, inner))
    inner_paths = [inner for _, inner, _ in in_runs]
    drafts: list[_Draft] = []
    unused: list[str] = []
    for (_, fmt), members in sorted(groups.items(), key=lambda item: item[1][0][1]):
        full = [f"{run}/{inner}" for run, inner in members]
        if len({run for run, _ in members}) < 2:
            unused += full
            continue
        template = Template.of([inner for _, inner in members])
        drafts.append(
            _Draft(
                stem=_stem(template, fmt),
                fmt=fmt,
                members=full,
                sample=_spread(members),
                files=_choose_regex(template, {i for _, i in members}, inner_paths),
                where=_describe(template) + " in each run folder",
            )
        )
    return drafts, unused


def _choose_regex(template: Template, own: set[str], inner_paths: list[str]) -> str:
    """The most readable regex that claims exactly this group's files in every run."""
    candidates = [
        file_regex(template.file_name(), tight=False),
        file_regex(template.file_name(), tight=True),
        file_regex(template, tight=False),
        file_regex(template, tight=True),
    ]
    for candidate in candidates:
        matcher = file_matcher(candidate)
        if {p for p in inner_paths if matches(matcher, p)} == own:
            return candidate
    return candidates[-1]


def _spread(members: list[tuple[str, str]]) -> list[str]:
    """The first file of each of the first runs: variation between runs shows more."""
    picked: dict[str, str] = {}
    for run, inner in sorted(members):
        picked.setdefault(run, f"{run}/{inner}")
    return list(picked.values())[:SAMPLE_FILES]


def _stem(template: Template, fmt: str) -> str:
    """``physical_features.csv`` -> ``physical_features``; ``s1.counts.tsv`` -> ``counts``."""
    text = strip_ending(template.file_name().literal_text(), get_parser(fmt).extensions)
    if not identifier(text):
        folders = [p for p in template.parts[:-1] if isinstance(p, str) and p != "/"]
        text = folders[-1] if folders else ""
    return identifier(text) or fmt


def _describe(template: Template) -> str:
    if all(isinstance(p, str) for p in template.parts):
        return template.example()
    return f"files like {template.example()}"


def _single_draft(path: str, fmt: str) -> _Draft:
    stem = identifier(strip_ending(PurePosixPath(path).name, get_parser(fmt).extensions))
    return _Draft(stem or fmt, fmt, [path], [path], path=path, where=path)


def _split_tables(root: Path, draft: _Draft) -> list[_Draft]:
    """A file holding several tables (MultiQC report, workbook) becomes one collection per
    table. A MultiQC report always does: which table a collection holds is worth saying."""
    tables = table_names(root, draft.fmt, draft.sample)
    if not tables or (len(tables) == 1 and draft.fmt != "multiqc"):
        return [draft]
    option = _TABLE_OPTION.get(draft.fmt, "table")
    return [
        _Draft(
            stem=identifier(table) or draft.stem,
            fmt=draft.fmt,
            members=draft.members,
            sample=draft.sample,
            files=draft.files,
            path=draft.path,
            where=f"{option} {table} of {draft.where}",
            options={**draft.options, option: table},
            explicit_format=True,
        )
        for table in tables
    ]


def _collection_names(drafts: list[_Draft]) -> dict[str, _Draft]:
    named: dict[str, _Draft] = {}
    for draft in drafts:
        named[unique(draft.stem, named)] = draft
    return named


def _collections(
    drafts: dict[str, _Draft], samples: dict[str, Sample]
) -> tuple[dict[str, CollectionConfig], dict[str, list[str]]]:
    collections: dict[str, CollectionConfig] = {}
    notes: dict[str, list[str]] = {}
    for name, draft in drafts.items():
        sample = samples[name]
        columns, total = infer_columns(sample.frames)
        collections[name] = CollectionConfig(
            files=draft.files,
            path=draft.path,
            format=draft.fmt if draft.explicit_format else None,
            description=draft.where,
            columns=columns,
            options=draft.options,
        )
        notes[name] = _notes(draft, sample, len(columns), total)
    return collections, notes


def _notes(draft: _Draft, sample: Sample, listed: int, total: int) -> list[str]:
    if len(draft.members) == 1:
        notes = ["columns inferred from this file"] if sample.frames else []
    else:
        notes = [f"{len(draft.members)} files found; columns inferred from {len(sample.frames)}"]
    if total > listed:
        notes.append(f"{total - listed} more columns are not listed; add any worth describing")
    notes += [f"could not read {error}" for error in sample.errors]
    return notes


def _runs_config(runs: list[str], columns: set[str]) -> RunsConfig:
    """Shared leading folders go into ``root`` so the pattern only says what varies."""
    shared, pattern = run_pattern(runs, columns | set(RESERVED_COLUMNS))
    relative = [run[len(shared) + 1 :] if shared else run for run in runs]
    if not all(re.fullmatch(pattern, run) for run in relative):
        pattern = "/".join(["[^/]+"] * (relative[0].count("/") + 1))
    return RunsConfig(root=shared or ".", pattern=pattern)


def _project_name(root: Path, name: str | None) -> str:
    """The given name must be valid as is; one derived from the folder is made valid."""
    if name is not None:
        if not re.fullmatch(PROJECT_NAME, name) or len(name) > 100:
            raise InvalidInputError(
                f"invalid project name {name!r}: use letters, digits, '.', '_' and '-', "
                "starting with a letter or digit"
            )
        return name
    derived = re.sub(r"[^A-Za-z0-9_.-]+", "-", root.resolve().name).strip("-._")[:100]
    return derived or "project"
