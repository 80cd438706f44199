"""Where each key of a YAML document is, so a problem can name its line.

:func:`biovista.models.yaml_safe.load_yaml` fills the index while it reads the document,
in the same single pass, by path (``("collections", "physical", "files")``); it also
reports duplicate keys, which a YAML loader would silently collapse to the last one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from biovista.errors import Problem

Path = tuple[str | int, ...]


@dataclass
class LineIndex:
    lines: dict[Path, int] = field(default_factory=dict)
    duplicates: list[Problem] = field(default_factory=list)

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, or of its closest ancestor that is in the file."""
        for length in range(len(path), -1, -1):
            line = self.lines.get(path[:length])
            if line is not None:
                return line
        return None
