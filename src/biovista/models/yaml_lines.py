"""Where each key of a YAML document is, so a problem can name its line.

PyYAML's node tree keeps the position of every key; we index it by path
(``("collections", "physical", "files")``) and also report duplicate keys, which
``yaml.safe_load`` would silently collapse to the last one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

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


def index_lines(node: yaml.Node | None) -> LineIndex:
    index = LineIndex()
    if node is not None:
        index.lines[()] = node.start_mark.line + 1
        _walk(node, (), index)
    return index


def _walk(node: yaml.Node, path: Path, index: LineIndex) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            line = key_node.start_mark.line + 1
            if key in seen:
                index.duplicates.append(
                    Problem(
                        f"duplicate key {key!r} (only the last one would be used)",
                        where=".".join(map(str, child)),
                        line=line,
                    )
                )
            seen.add(key)
            index.lines[child] = line
            _walk(value_node, child, index)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            child = (*path, position)
            index.lines[child] = item.start_mark.line + 1
            _walk(item, child, index)
