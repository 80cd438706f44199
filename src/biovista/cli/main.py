"""Entry point of the ``biovista`` command; each module below adds its commands."""

from __future__ import annotations

import os
import sys

import typer

from biovista import __version__
from biovista.cli import (
    browse,
    download,
    ingest,
    pipelines,
    remote,
    sample_types,
    scaffold,
    serve,
    transfer,
    users,
    validate,
    worker,
)
from biovista.cli.common import EXIT_FAILED, err_console

app = typer.Typer(
    name="biovista",
    help="Dashboards over the outputs of bioinformatics workflows.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"biovista {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Dashboards over the outputs of bioinformatics workflows."""


for module in (
    scaffold,
    validate,
    ingest,
    browse,
    serve,
    users,
    remote,
    worker,
    pipelines,
    transfer,
    sample_types,
    download,
):
    module.register(app)


def run() -> None:
    """The console entry point: an unexpected error is one line, not a traceback.

    Set BIOVISTA_DEBUG=1 to see the traceback when reporting a bug."""
    try:
        app()
    except Exception as exc:
        if os.environ.get("BIOVISTA_DEBUG"):
            raise
        err_console.print(
            f"[red]internal error:[/red] {type(exc).__name__}: {exc} "
            "(set BIOVISTA_DEBUG=1 to see the traceback)",
            highlight=False,
        )
        sys.exit(EXIT_FAILED)
