"""Domain errors shared by every layer; adapters turn them into exit codes or HTTP problems.

Each error class carries its HTTP status and problem title once, as class attributes
(``status``, ``title``): the API, the web apps and the client read them from here, and the
client turns a status back into the class with :func:`error_for_status`. A subclass inherits
its parent's status; its title is its own name without ``Error`` unless it sets one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


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

    status: ClassVar[int] = 500
    """The HTTP status it is answered with (a subclass with none of its own: its parent's)."""
    title: ClassVar[str] = "Biovista"
    """The problem document's ``title``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "title" not in cls.__dict__:
            cls.title = cls.__name__.removesuffix("Error")


class AuthenticationError(BiovistaError):
    """Missing, malformed, expired or revoked credentials (HTTP 401)."""

    status = 401


class ForbiddenError(BiovistaError):
    """The caller may see this but not do this (HTTP 403)."""

    status = 403


class NotFoundError(BiovistaError):
    """A project, collection or other resource does not exist (HTTP 404)."""

    status = 404


class InvalidInputError(BiovistaError):
    """User input was rejected; ``problems`` lists everything found at once (HTTP 422)."""

    status = 422

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

    status = 409


class StorageError(BiovistaError):
    """The data store could not be read or written (HTTP 500)."""


ANSWERED: tuple[type[BiovistaError], ...] = (
    AuthenticationError,
    ForbiddenError,
    NotFoundError,
    ConflictError,
    InvalidInputError,
)
"""The errors a client recognises by the status a server answered with."""


def error_for_status(status: int) -> type[BiovistaError] | None:
    """The error class a server's ``status`` stands for; None for one of no class of ours."""
    return next((kind for kind in ANSWERED if kind.status == status), None)
