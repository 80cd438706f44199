"""``biovista collections`` and ``biovista show``: look at what was ingested."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from biovista.cli.common import console, print_json, user_errors
from biovista.config import get_settings

SHORT_TYPES = {
    "String": "str",
    "Int64": "int",
    "Float64": "float",
    "Boolean": "bool",
    "Date": "date",
    "Datetime(time_unit='us', time_zone=None)": "datetime",
}


REMOTE_HELP = "Ask the server you logged in to ('biovista login') instead of this machine."


def collections(
    project: str = typer.Argument(..., help="Project name, or its project YAML file."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable output."),
    remote: bool = typer.Option(False, "--remote", help=REMOTE_HELP),
) -> None:
    """List a project's collections with row counts, schema and the runs they came from."""
    from biovista.services.projects.catalog import resolve_project_name

    with user_errors():
        name = resolve_project_name(project)
        summaries = _remote_collections(name) if remote else _local_collections(name)
    if as_json:
        print_json(summaries)
        return
    table = Table(title=f"Collections of {name}")
    for header in ("collection", "rows", "files", "runs", "columns"):
        table.add_column(header, justify="right" if header in ("rows", "files") else "left")
    for item in summaries:
        columns = ", ".join(
            f"{c['name']} ({SHORT_TYPES.get(c['type'], c['type'])})"
            for c in item["columns"]
            if c["name"] not in ("_run", "_file")
        )
        table.add_row(
            item["name"], f"{item['rows']:,}", str(item["files"]), ", ".join(item["runs"]), columns
        )
    console.print(table)


def _local_collections(name: str) -> list[dict[str, Any]]:
    from biovista.services.projects.rows import describe_collections

    return [s.as_dict() for s in describe_collections(get_settings(), name)]


def _remote_collections(name: str) -> list[dict[str, Any]]:
    from biovista.cli.remote import remote_collections

    return remote_collections(name)


def show(
    project: str = typer.Argument(..., help="Project name, or its project YAML file."),
    collection: str = typer.Argument(..., help="Collection name."),
    limit: int = typer.Option(20, "--limit", "-n", help="How many rows to print."),
    where: str | None = typer.Option(
        None,
        "--where",
        help="Keep rows meeting a condition, e.g. \"body_mass_g > 4000 AND species = 'gentoo'\": "
        "comparisons, AND/OR/NOT, IN (...), BETWEEN, LIKE/ILIKE, IS [NOT] NULL over the "
        "collection's columns (not SQL).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print rows as a JSON list of objects."),
    remote: bool = typer.Option(False, "--remote", help=REMOTE_HELP),
) -> None:
    """Print rows of a collection."""
    from biovista.services.projects.catalog import resolve_project_name

    with user_errors():
        name = resolve_project_name(project)
        if remote:
            from biovista.cli.remote import remote_rows

            page = remote_rows(name, collection, limit, where)
        else:
            from biovista.services.projects.rows import read_rows

            local = read_rows(get_settings(), name, collection, limit, where)
            page = {"rows": local.rows.to_dicts(), "matching": local.matching, "total": local.total}
    if as_json:
        print_json(page["rows"])
        return
    rows: list[dict[str, Any]] = page["rows"]
    table = Table(
        title=f"{collection}: {len(rows):,} of {page['matching']:,} matching rows "
        f"({page['total']:,} in all)"
    )
    for column in rows[0] if rows else []:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row.values()))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("collections")(collections)
    app.command("show")(show)
