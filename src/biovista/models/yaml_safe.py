"""The one YAML reader for files people hand us (project files, dashboard files, workflow
manifests, sample-type attribute lists): data and the line of every key, in one pass.

A YAML file is a program for the reader: anchors and aliases let 344 bytes stand for
millions of values, and deep nesting exhausts recursion. This reader walks the parser's
event stream with an explicit stack, so nothing is recursive and nothing is visited twice,
and it refuses, at the line and column where it is found, everything our formats never
need: anchors and aliases, merge keys, tags beyond the plain scalar ones, a second
document, keys that are not plain values. It also caps the document's size, its depth,
the number of values and the length of one value, so the work it does is bounded by the
caps, whatever the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from biovista.errors import InvalidInputError, Problem
from biovista.models.yaml_lines import LineIndex, Path

MAX_DOCUMENT_BYTES = 1_000_000
"""A YAML file we read is at most 1 MB (ours are a few KB)."""
MAX_DEPTH = 64
"""Nested mappings and lists, the document itself being level 1."""
MAX_VALUES = 50_000
"""Keys, values and list items in one document (ours have hundreds; reading 50,000 takes
about a third of a second)."""
MAX_SCALAR_CHARS = 100_000
"""One text value (a Markdown block is the longest we expect)."""
MAX_NUMBER_CHARS = 100
"""One number as written; longer ones are a denial of service, not a measurement."""

_TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
"""Tags a scalar may have, resolved from its text or written out (``!!str 007``)."""
_COLLECTION_TAGS = {MappingStartEvent: _TAG + "map", SequenceStartEvent: _TAG + "seq"}
_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when installed (the events are the same, only faster)."""


class YamlRefusedError(InvalidInputError):
    """The text is not YAML we read; ``problem`` says what and where."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"not a YAML file we read: {problem.message}", [problem])
        self.problem = problem


@dataclass
class _Open:
    """A mapping or list being filled, with its YAML path."""

    value: dict[Any, Any] | list[Any]
    path: Path
    key: Any = None
    key_text: str | None = None
    """The raw text of the key whose value comes next (None: a key comes next)."""
    seen: set[str] = field(default_factory=set)


def load_yaml(text: str) -> tuple[Any, LineIndex]:
    """The document's data (None when empty) and the line of each key and item.

    Raises YamlRefusedError, located by line and column, for invalid YAML and for anything
    past the caps or outside what our files use."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_DOCUMENT_BYTES:
        raise YamlRefusedError(
            Problem(f"the document is {size:,} bytes; at most {MAX_DOCUMENT_BYTES:,} are read")
        )
    loader = _Loader(text)
    try:
        return _build(loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlRefusedError(_marked(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlRefusedError(Problem(f"not valid YAML: {exc}")) from None
    except RecursionError:  # not expected (nothing here recurses); never a server error
        raise YamlRefusedError(Problem(f"nested deeper than {MAX_DEPTH} levels")) from None
    finally:
        loader.dispose()


def _build(loader: Any) -> tuple[Any, LineIndex]:
    index = LineIndex()
    stack: list[_Open] = []
    root: Any = None
    documents = values = 0
    while True:
        event: Event = loader.get_event()
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _refused(
                    event, "a second document ('---') is not read; a file holds one document"
                )
            continue
        if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            done = stack.pop()
            if stack:
                _attach(stack[-1], done.value)
            continue
        if isinstance(event, StreamEndEvent):
            return root, index
        if not isinstance(event, NodeEvent):
            continue
        if isinstance(event, AliasEvent):
            raise _refused(
                event, f"aliases (*{event.anchor}) are not read; write the value out instead"
            )
        if event.anchor is not None:
            raise _refused(
                event, f"anchors (&{event.anchor}) are not read; write the value out instead"
            )
        values += 1
        if values > MAX_VALUES:
            raise _refused(event, f"more than {MAX_VALUES:,} values in one document")
        parent = stack[-1] if stack else None
        if parent is not None and isinstance(parent.value, dict) and parent.key_text is None:
            _take_key(parent, event, loader, index)
            continue
        path = _child_path(parent, event, index)
        if isinstance(event, ScalarEvent):
            scalar = _scalar(event, loader)
            if parent is None:
                root = scalar
            else:
                _attach(parent, scalar)
            continue
        assert isinstance(event, CollectionStartEvent)
        if len(stack) >= MAX_DEPTH:
            raise _refused(event, f"nested deeper than {MAX_DEPTH} levels")
        expected = _COLLECTION_TAGS[type(event)]
        if event.tag not in (None, "!", expected):
            raise _refused(
                event, f"the tag {_short(event.tag)} is not read; only plain mappings and lists"
            )
        opened = _Open({} if isinstance(event, MappingStartEvent) else [], path)
        if parent is None:
            root = opened.value
        stack.append(opened)


def _take_key(mapping: _Open, event: NodeEvent, loader: Any, index: LineIndex) -> None:
    """Record a key, its line, and whether the mapping already had it."""
    if not isinstance(event, ScalarEvent):
        raise _refused(event, "a key must be a plain value, not a mapping or a list")
    mapping.key, mapping.key_text = _scalar(event, loader, as_key=True), str(event.value)
    path = (*mapping.path, mapping.key_text)
    line = _position(event)[0]
    if mapping.key_text in mapping.seen:
        index.duplicates.append(
            Problem(
                f"duplicate key {mapping.key_text!r} (only the last one would be used)",
                where=".".join(map(str, path)),
                line=line,
            )
        )
    mapping.seen.add(mapping.key_text)
    index.lines[path] = line


def _child_path(parent: _Open | None, event: NodeEvent, index: LineIndex) -> Path:
    """The YAML path of the value ``event`` starts, recorded in the line index."""
    line = _position(event)[0]
    if parent is None:
        index.lines[()] = line
        return ()
    if isinstance(parent.value, list):
        path = (*parent.path, len(parent.value))
        index.lines[path] = line
        return path
    assert parent.key_text is not None
    return (*parent.path, parent.key_text)


def _attach(parent: _Open, value: Any) -> None:
    if isinstance(parent.value, list):
        parent.value.append(value)
        return
    parent.value[parent.key] = value  # a duplicate keeps the last value, as YAML loaders do
    parent.key = parent.key_text = None


def _scalar(event: ScalarEvent, loader: Any, as_key: bool = False) -> Any:
    """The Python value of a scalar, by the YAML 1.1 rules PyYAML's safe loader applies."""
    text = event.value
    if len(text) > MAX_SCALAR_CHARS:
        raise _refused(
            event, f"a value of {len(text):,} characters; at most {MAX_SCALAR_CHARS:,} are read"
        )
    tag = event.tag
    if tag in (None, "!"):
        tag = loader.resolve(yaml.ScalarNode, text, event.implicit)
    if tag == _TAG + "merge" and as_key:
        raise _refused(event, "merge keys ('<<') are not read; write the keys out instead")
    if tag == _TAG + "value":
        tag = _TAG + "str"
    if tag not in SCALAR_TAGS:
        raise _refused(
            event, f"the tag {_short(tag)} is not read; only text, numbers, booleans and dates"
        )
    if tag in (_TAG + "int", _TAG + "float") and len(text) > MAX_NUMBER_CHARS:
        raise _refused(
            event, f"a number of {len(text):,} characters; at most {MAX_NUMBER_CHARS} are read"
        )
    node = yaml.ScalarNode(tag, text, style=event.style)
    try:
        return loader.yaml_constructors[tag](loader, node)
    except (ValueError, TypeError, OverflowError):
        raise _refused(event, f"{text[:40]!r} is not a valid {tag.removeprefix(_TAG)}") from None


def _short(tag: str | None) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag and tag.startswith(_TAG) else repr(tag)


def _position(event: Event) -> tuple[int, int]:
    """Line and column (from 1) where ``event`` starts."""
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _refused(event: Event, what: str) -> YamlRefusedError:
    line, column = _position(event)
    return YamlRefusedError(Problem(what, line=line, column=column))


def _marked(exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    reason = exc.problem or exc.context or str(exc)
    if mark is None:
        return Problem(f"not valid YAML: {reason}")
    return Problem(f"not valid YAML: {reason}", line=mark.line + 1, column=mark.column + 1)
