"""Domain errors shared by every layer; adapters turn them into exit codes or HTTP problems."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with user input, located as precisely as we can."""

    message: str
    where: str = ""
    """A file name, YAML path (``collections.physical.files``) or similar."""
    line: int | None = None
    column: int | str | None = None
    suggestion: str | None = None

    def location(self) -> str:
        parts = [self.where] if self.where else []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}" if self.location() else self.message
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text


class BiovistaError(Exception):
    """Base of every error we expect and explain to the user (never a traceback)."""


class NotFoundError(BiovistaError):
    """A project, collection or other resource does not exist."""


class ForbiddenError(BiovistaError):
    """The caller may see this but not do this (HTTP 403)."""


class InvalidInputError(BiovistaError):
    """User input was rejected; ``problems`` lists everything found at once."""

    def __init__(self, summary: str, problems: list[Problem] | None = None) -> None:
        super().__init__(summary)
        self.problems = problems or []

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class ConflictError(InvalidInputError):
    """The resource already exists (HTTP 409)."""


class StorageError(BiovistaError):
    """The data store could not be read or written."""
