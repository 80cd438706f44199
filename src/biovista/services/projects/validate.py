"""``biovista validate``: check a project file, then check it against the data it names.

Everything found is reported at once; a bad data file becomes a problem naming the file
and line, never an exception.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from biovista.config import get_settings
from biovista.errors import BiovistaError, Problem
from biovista.models.loader import CheckedProject, check_project
from biovista.models.project import RESERVED_COLUMNS, ProjectConfig
from biovista.parsers import detect_format, get_parser
from biovista.parsers.base import ParseError
from biovista.storage.scan import ScanResult, scan_project


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    collections: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        def plain(problem: Problem) -> dict[str, Any]:
            return {
                "where": problem.where,
                "line": problem.line,
                "column": problem.column,
                "message": problem.message,
                "suggestion": problem.suggestion,
            }

        return {
            "valid": self.valid,
            "problems": [plain(p) for p in self.problems],
            "warnings": [plain(p) for p in self.warnings],
            "collections": self.collections,
        }


def validate_project(path: Path, check_data: bool = True) -> ValidationReport:
    checked = check_project(path)
    report = ValidationReport(problems=list(checked.problems))
    if checked.config is None or checked.problems or not check_data:
        return report
    _check_data(checked, checked.config, path.resolve().parent, report)
    return report


def _check_data(
    checked: CheckedProject, config: ProjectConfig, base_dir: Path, report: ValidationReport
) -> None:
    try:
        scan = scan_project(config, base_dir, get_settings())
    except BiovistaError as exc:
        report.problems.append(Problem(str(exc), "runs.root", checked.line_of("runs.root")))
        return
    columns: dict[str, list[str]] = {}
    for name in config.collections:
        found = _check_collection(checked, config, name, scan, report)
        if found is not None:
            columns[name] = found
    _check_links(checked, config, columns, report)


def _check_collection(
    checked: CheckedProject,
    config: ProjectConfig,
    name: str,
    scan: ScanResult,
    report: ValidationReport,
) -> list[str] | None:
    """Check one collection against its first file; return that file's columns."""
    collection = config.collections[name]
    where = f"collections.{name}"
    key = f"{where}.files" if collection.files is not None else f"{where}.path"
    if name in scan.errors:
        report.problems.append(Problem(scan.errors[name], key, checked.line_of(key)))
        return None
    files = scan.files.get(name, [])
    report.collections[name] = {
        "files": len(files),
        "runs": len({f.run for f in files if f.run}),
        "format": collection.format or (detect_format(files[0].path) if files else None),
    }
    if not files:
        report.problems.append(
            Problem(
                "matched no file",
                key,
                checked.line_of(key),
                suggestion=_close_files(scan, collection.files),
            )
        )
        return None
    first = files[0]
    fmt = collection.format or detect_format(first.path)
    if fmt is None:
        report.problems.append(
            Problem(
                f"cannot tell the format of {first.path} from its name",
                f"{where}.format",
                checked.line_of(where),
                suggestion="set 'format:'",
            )
        )
        return None
    try:
        with scan.sources[name].local_path(first.path) as local:
            frame = get_parser(fmt).read(local, collection.options).frame
    except (ParseError, OSError) as exc:
        message = exc.message if isinstance(exc, ParseError) else str(exc)
        line = exc.line if isinstance(exc, ParseError) else None
        report.problems.append(Problem(message, where=first.path, line=line))
        return None
    file_columns = list(frame.columns)
    for column, spec in collection.columns.items():
        if spec.required and column not in file_columns:
            path = f"{where}.columns.{column}"
            report.problems.append(
                Problem(
                    f"column {column!r} is not in {first.path}",
                    path,
                    checked.line_of(path),
                    suggestion=_did_you_mean(column, file_columns),
                )
            )
    for group in config.run_columns():
        if group in file_columns:
            report.warnings.append(
                Problem(
                    f"run pattern group {group!r} is also a column of {first.path}; "
                    "the file's column is kept",
                    "runs.pattern",
                    checked.line_of("runs.pattern"),
                )
            )
    return file_columns + config.run_columns() + list(RESERVED_COLUMNS)


def _check_links(
    checked: CheckedProject,
    config: ProjectConfig,
    columns: dict[str, list[str]],
    report: ValidationReport,
) -> None:
    for index, link in enumerate(config.links):
        for key, ref in (("from", link.source), ("to", link.target)):
            collection, column = ref.split(".")
            available = columns.get(collection)
            if available is None or column in available:
                continue
            where = f"links.{index}.{key}"
            report.problems.append(
                Problem(
                    f"collection {collection!r} has no column {column!r}",
                    where,
                    checked.line_of(where),
                    suggestion=_did_you_mean(column, available),
                )
            )


def _did_you_mean(name: str, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def _close_files(scan: ScanResult, pattern: str | None) -> str | None:
    """Names of files in the runs that look like what the pattern meant to match."""
    if pattern is None:
        return None
    names = sorted(scan.file_names)
    literal = pattern.replace("\\", "")
    close = difflib.get_close_matches(literal, names, n=3, cutoff=0.5)
    return "files that look close: " + ", ".join(close) if close else None
