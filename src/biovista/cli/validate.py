"""``biovista validate``: every problem of a project file at once, each with its line."""

from __future__ import annotations

from pathlib import Path

import typer

from biovista.cli.common import EXIT_INVALID, console, err_console, print_json
from biovista.errors import Problem


def validate(
    project_file: Path = typer.Argument(..., help="The project YAML file."),
    no_data: bool = typer.Option(
        False, "--no-data", help="Check the file only, not the data it points to."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable report."),
) -> None:
    """Check a project file and the data it describes; exit 2 when anything is wrong."""
    from biovista.services.projects.validate import validate_project

    report = validate_project(project_file, check_data=not no_data)
    if as_json:
        print_json(report.as_dict())
    else:
        for problem in report.problems:
            err_console.print(_line(project_file, problem, "error"), highlight=False)
        for warning in report.warnings:
            err_console.print(_line(project_file, warning, "warning"), highlight=False)
        _summary(project_file, report.valid, len(report.problems), report.collections)
    if not report.valid:
        raise typer.Exit(EXIT_INVALID)


def _line(project_file: Path, problem: Problem, level: str) -> str:
    """``project.yaml:12: collections.x.files: matched no file (suggestion)``."""
    colour = "red" if level == "error" else "yellow"
    place = f"{project_file}:{problem.line}" if problem.line else str(project_file)
    if problem.where and not problem.line and "/" in problem.where:
        place = problem.where  # a data file: the problem is located in it, not in the YAML
    where = f" {problem.where}:" if problem.where and place != problem.where else ""
    if problem.column is not None and place == problem.where:
        place += f", column {problem.column}"
    text = f"[{colour}]{level}[/{colour}] {place}:{where} {problem.message}"
    if problem.suggestion:
        text += f" ({problem.suggestion})"
    return text


def _summary(
    project_file: Path, valid: bool, count: int, collections: dict[str, dict[str, object]]
) -> None:
    if not valid:
        err_console.print(f"{project_file}: {count} problem(s)", highlight=False)
        return
    found = ", ".join(f"{name}: {info['files']} file(s)" for name, info in collections.items())
    console.print(f"{project_file} is valid" + (f" ({found})" if found else ""), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
