"""What every command shares: settings, the console, and turning errors into exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

from biovista.errors import BiovistaError, InvalidInputError, NotFoundError

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

EXIT_INVALID = 2
"""Bad input (project file, arguments, data that fails validation)."""
EXIT_FAILED = 1
"""Anything else we expected could go wrong (missing project, storage unreachable)."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Report a BiovistaError as a plain message and exit code; never a traceback."""
    try:
        yield
    except InvalidInputError as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
        raise typer.Exit(EXIT_INVALID) from None
    except (NotFoundError, BiovistaError) as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(EXIT_FAILED) from None


def print_json(payload: Any) -> None:
    """Machine-readable output goes to stdout alone, unstyled."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")
