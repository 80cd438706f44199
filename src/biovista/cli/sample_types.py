"""``biovista sample-type``: the kinds of samples a server knows, and what each must say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from biovista.cli.common import console, user_errors
from biovista.cli.remote import remote
from biovista.errors import InvalidInputError, Problem
from biovista.models.yaml_problems import read_yaml

sample_type_app = typer.Typer(
    help="Sample types and their required attributes (see 'biovista login').",
    no_args_is_help=True,
)


def read_attributes(path: Path) -> list[dict[str, Any]]:
    """A YAML list of attribute definitions (name, description, required, allowed, pattern)."""
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    found, _, problem = read_yaml(path)
    if problem is not None:
        located = Problem(problem.message, problem.where or str(path), problem.line, problem.column)
        raise InvalidInputError(f"{path} is not a YAML file we read", [located])
    if not isinstance(found, list) or not all(isinstance(item, dict) for item in found):
        raise InvalidInputError(f"{path}: expected a list of attributes, each a mapping")
    return found


@sample_type_app.command("create")
def create(
    name: str = typer.Argument(..., help="The type's name, e.g. 'colony'."),
    description: str = typer.Option("", help="What samples of this type are."),
    attributes: Path | None = typer.Option(
        None, help="A YAML list of attributes: name, description, required, allowed, pattern."
    ),
) -> None:
    """Define a sample type (server admins; log in with '--scope admin')."""
    with user_errors():
        body = {
            "name": name,
            "description": description,
            "attributes": read_attributes(attributes) if attributes else [],
        }
        created = remote().request("POST", "/api/v1/sample-types", json=body)
    names = ", ".join(a["name"] for a in created["attributes"]) or "no attributes"
    console.print(f"sample type {created['name']} created ({names})", highlight=False)


@sample_type_app.command("list")
def list_types() -> None:
    """The sample types, with their attributes (* marks a required one)."""
    with user_errors():
        found = remote().request("GET", "/api/v1/sample-types")
    table = Table("type", "attributes", "description", box=None)
    for sample_type in found:
        attributes = ", ".join(
            a["name"] + ("*" if a.get("required") else "") for a in sample_type["attributes"]
        )
        table.add_row(sample_type["name"], attributes, sample_type["description"])
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(sample_type_app, name="sample-type")
