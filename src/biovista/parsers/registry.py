"""The parsers by format name. Each parser module registers itself here when it is
imported; :mod:`biovista.parsers` imports the built-in ones before its first lookup.

Kept apart from the package's ``__init__`` (which imports the parser modules) so that a
parser module depends only on this table and on :mod:`biovista.parsers.base`.
"""

from __future__ import annotations

from biovista.parsers.base import Parser

PARSERS: dict[str, Parser] = {}


def register(parser: Parser) -> Parser:
    """Make ``parser`` available under its name (one call at the bottom of each module)."""
    PARSERS[parser.name] = parser
    return parser
