"""``biovista collections`` and ``biovista show``: look at what was ingested."""

from __future__ import annotations

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


def collections(
    project: str = typer.Argument(..., help="Project name, or its project YAML file."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable output."),
) -> None:
    """List a project's collections with row counts, schema and the runs they came from."""
    from biovista.services.browse import describe_collections
    from biovista.services.projects import resolve_project_name

    with user_errors():
        summaries = describe_collections(get_settings(), resolve_project_name(project))
    if as_json:
        print_json([s.as_dict() for s in summaries])
        return
    table = Table(title=f"Collections of {project}")
    for header in ("collection", "rows", "files", "runs", "columns"):
        table.add_column(header, justify="right" if header in ("rows", "files") else "left")
    for item in summaries:
        columns = ", ".join(
            f"{c['name']} ({SHORT_TYPES.get(c['type'], c['type'])})"
            for c in item.columns
            if c["name"] not in ("_run", "_file")
        )
        table.add_row(
            item.name, f"{item.row_count:,}", str(item.file_count), ", ".join(item.runs), columns
        )
    console.print(table)


def show(
    project: str = typer.Argument(..., help="Project name, or its project YAML file."),
    collection: str = typer.Argument(..., help="Collection name."),
    limit: int = typer.Option(20, "--limit", "-n", help="How many rows to print."),
    where: str | None = typer.Option(
        None, "--where", help="SQL filter, e.g. \"body_mass_g > 4000 AND sex = 'male'\"."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print rows as a JSON list of objects."),
) -> None:
    """Print rows of a collection."""
    from biovista.services.browse import read_rows
    from biovista.services.projects import resolve_project_name

    with user_errors():
        page = read_rows(get_settings(), resolve_project_name(project), collection, limit, where)
    if as_json:
        print_json(page.rows.to_dicts())
        return
    table = Table(
        title=f"{collection}: {page.rows.height:,} of {page.matching:,} matching rows "
        f"({page.total:,} in all)"
    )
    for name in page.rows.columns:
        table.add_column(name, overflow="fold")
    for row in page.rows.iter_rows():
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("collections")(collections)
    app.command("show")(show)
