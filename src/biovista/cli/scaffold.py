"""``biovista init``: propose a project file for a folder of workflow outputs.

Writing the first project file by hand means reading every output format first; a draft
inferred from the files themselves gets a user to ``biovista validate`` in one step.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from biovista.cli.common import console, user_errors
from biovista.errors import BiovistaError, InvalidInputError

if TYPE_CHECKING:
    from biovista.models.project import CollectionConfig
    from biovista.services.projects.init.propose import Proposal


def init(
    folder: Path = typer.Argument(..., help="The folder holding the workflow's outputs."),
    output: Path = typer.Option(
        Path("project.yaml"), "--output", "-o", help="Where to write the project file."
    ),
    name: str | None = typer.Option(
        None, "--name", help="Project name (default: the folder's name)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
) -> None:
    """Look at FOLDER's files and write a starter project file to review and edit."""
    with user_errors():
        if output.exists() and not force:
            raise InvalidInputError(f"{output} already exists (use --force to overwrite it)")
        if output.is_dir():
            raise InvalidInputError(f"{output} is a folder; give a file name with --output")
        from biovista.services.projects.init.propose import render_yaml, survey

        proposal = survey(folder, name)
        text = render_yaml(proposal.config, relative_root(folder, output), proposal.notes)
        _write(output, text)
    _print_summary(proposal, folder, output)


def relative_root(folder: Path, output: Path) -> str:
    """``folder`` as seen from the output file's folder, so the project can move with its
    data; absolute when no relative path exists (another drive on Windows)."""
    try:
        relative = os.path.relpath(folder.resolve(), output.resolve().parent)
    except ValueError:
        return folder.resolve().as_posix()
    return Path(relative).as_posix()


def _write(output: Path, text: str) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BiovistaError(f"cannot write {output}: {exc.strerror or exc}") from None


def _print_summary(proposal: Proposal, folder: Path, output: Path) -> None:
    config = proposal.config
    if config.runs is None:
        console.print(f"No run folders found in {folder}.", highlight=False)
    else:
        runs = Text(f"Found {len(proposal.runs)} run folders in {folder}, matched by ")
        runs.append(config.runs.pattern, style="bold")
        console.print(runs)
    table = Table("collection", "files", "columns", "from")
    for collection_name, collection in config.collections.items():
        table.add_row(
            Text(collection_name),
            str(proposal.file_counts[collection_name]),
            str(len(collection.columns)),
            Text(_source(collection)),
        )
    console.print(table)
    for link in config.links:
        console.print(Text(f"link proposed: {link.source} -> {link.target}"))
    if proposal.unused:
        console.print(
            Text(
                f"{len(proposal.unused)} readable files left out "
                "(found in a single run, or too many loose files)."
            )
        )
    console.print(Text(f"Wrote {output}"))
    console.print(Text("Next: review it, then run ").append(f"biovista validate {output}", "bold"))


def _source(collection: CollectionConfig) -> str:
    text = collection.files or collection.path or ""
    table = collection.options.get("table")
    return f"{text} (table {table})" if table is not None else text


def register(app: typer.Typer) -> None:
    """Add ``init`` to the app."""
    app.command("init")(init)
