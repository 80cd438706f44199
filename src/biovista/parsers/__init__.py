"""Registry of file parsers: the format name or file ending picks the parser.

A new parser is a module here that calls :func:`biovista.parsers.registry.register` at its
bottom, named in :func:`_load_builtin`.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from biovista.parsers.base import ParsedTable, ParseError, Parser
from biovista.parsers.registry import PARSERS as _REGISTRY


def formats() -> set[str]:
    """Every format name a project file may use."""
    _load_builtin()
    return set(_REGISTRY)


def get_parser(name: str) -> Parser:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ParseError(f"unknown format {name!r} (known: {known})") from None


def detect_format(path: str) -> str | None:
    """The format whose file ending matches ``path`` best (longest ending wins)."""
    _load_builtin()
    name = PurePosixPath(path).name.lower()
    best: tuple[int, str] | None = None
    for parser in _REGISTRY.values():
        for ending in parser.extensions:
            if name.endswith(ending) and (best is None or len(ending) > best[0]):
                best = (len(ending), parser.name)
    return best[1] if best else None


def _load_builtin() -> None:
    """Import the built-in parser modules once; each registers itself."""
    if _REGISTRY:
        return
    from biovista.parsers import delimited, excel, jsonlines, multiqc, parquet  # noqa: F401


__all__ = ["ParseError", "ParsedTable", "Parser", "detect_format", "formats", "get_parser"]
