"""Filters travel along the project's links: a filter on one collection restricts another.

Links are followed both ways and over several hops (the shortest path, found breadth-first),
as semi-joins, so only the join keys move between collections, never whole rows. Each
filtered collection restricts the target on its own; the results are intersected."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping, MutableMapping, Sequence

import polars as pl

from biovista.errors import InvalidInputError
from biovista.models.project import LinkConfig
from biovista.query.conditions import ROW_COLUMN, Condition, apply

Edge = tuple[str, str, str, str]
"""(from collection, from column, to collection, to column)."""


def restrict(
    tables: Mapping[str, pl.LazyFrame],
    links: Sequence[LinkConfig],
    conditions: Sequence[Condition],
    collection: str,
    keys: MutableMapping[str, pl.Series] | None = None,
) -> pl.LazyFrame:
    """Rows of ``collection`` that meet its conditions and those of linked collections.

    ``tables`` are the raw scans by collection name; each gets the stable row id
    :data:`ROW_COLUMN` here (unless it has one), before any filter. Conditions on another
    collection arrive as the set of link keys they keep (see :func:`link_keys`), applied as
    a semi-join predicate (``is_in``), which the Parquet reader can push down to skip row
    groups. Conditions on collections that are not connected to ``collection`` (or not in
    ``tables``) are ignored."""
    if collection not in tables:
        raise InvalidInputError(
            f"unknown collection {collection!r}; collections: {', '.join(sorted(tables))}"
        )
    indexed = _Indexed(tables)
    own = [c for c in conditions if c.collection == collection]
    result = apply(indexed[collection], own)
    for column, kept in link_keys(indexed, links, conditions, collection, keys):
        result = result.filter(pl.col(column).is_in(kept.implode()))
    return result


def link_keys(
    tables: Mapping[str, pl.LazyFrame],
    links: Sequence[LinkConfig],
    conditions: Sequence[Condition],
    collection: str,
    keys: MutableMapping[str, pl.Series] | None = None,
) -> list[tuple[str, pl.Series]]:
    """For each other collection with conditions: the column of ``collection`` its link
    arrives at, and the key values the conditions keep, resolved hop by hop. ``keys``
    memoises the sets, so that the components of one request resolve each filter once."""
    indexed = tables if isinstance(tables, _Indexed) else _Indexed(tables)
    names = indexed.names
    by_collection: dict[str, list[Condition]] = {}
    for condition in conditions:
        by_collection.setdefault(condition.collection, []).append(condition)
    graph = _graph(links, names)
    memo: MutableMapping[str, pl.Series] = {} if keys is None else keys
    found: list[tuple[str, pl.Series]] = []
    for other, own in by_collection.items():
        path = _path(graph, other, collection) if other != collection else None
        if path is None or other not in names:
            continue
        following = apply(indexed[other], own)
        for hop, edge in enumerate(path):
            _check_link(indexed, edge)
            _, source_column, target, target_column = edge
            name = json.dumps([other, repr(own), path[: hop + 1]])
            if name not in memo:
                dtype = indexed[target].collect_schema()[target_column]
                memo[name] = _keys(following, source_column, dtype)
            if target == collection:
                found.append((target_column, memo[name]))
            else:
                following = indexed[target].filter(
                    pl.col(target_column).is_in(memo[name].implode())
                )
    return found


def connected(links: Sequence[LinkConfig], source: str, target: str) -> bool:
    """Whether conditions on ``source`` reach ``target`` (itself, or through links)."""
    if source == target:
        return True
    names = {part.split(".")[0] for link in links for part in (link.source, link.target)}
    return _path(_graph(links, names), source, target) is not None


class _Indexed(dict[str, pl.LazyFrame]):
    """The tables with their row ids, each made when first used (others are never opened)."""

    def __init__(self, tables: Mapping[str, pl.LazyFrame]) -> None:
        super().__init__()
        self._tables = tables
        self.names = set(tables)

    def __missing__(self, name: str) -> pl.LazyFrame:
        frame = self._tables[name]
        if ROW_COLUMN not in frame.collect_schema().names():
            frame = frame.with_row_index(ROW_COLUMN)
        self[name] = frame
        return frame


def _keys(frame: pl.LazyFrame, column: str, dtype: pl.DataType) -> pl.Series:
    """The distinct values of ``column``, as the linked column's type (text for categoricals)."""
    target = pl.String if dtype == pl.Categorical else dtype
    values = frame.select(pl.col(column).cast(target, strict=False).unique().drop_nulls())
    try:
        return values.collect()[column]
    except pl.exceptions.PolarsError as exc:
        raise InvalidInputError(f"the link filter on {column!r} failed: {exc}") from None


def _check_link(tables: Mapping[str, pl.LazyFrame], edge: Edge) -> None:
    source, source_column, target, target_column = edge
    for name, column in ((source, source_column), (target, target_column)):
        names = tables[name].collect_schema().names()
        if column not in names:
            known = ", ".join(n for n in names if n != ROW_COLUMN)
            raise InvalidInputError(
                f"link {source}.{source_column} - {target}.{target_column}: column {column!r} "
                f"is not in collection {name!r}; columns: {known}"
            )


def _graph(links: Sequence[LinkConfig], known: set[str]) -> dict[str, list[Edge]]:
    """Both directions of every link between two collections that have tables."""
    graph: dict[str, list[Edge]] = {}
    for link in links:
        a, a_column = link.source.split(".")
        b, b_column = link.target.split(".")
        if a in known and b in known and a != b:
            graph.setdefault(a, []).append((a, a_column, b, b_column))
            graph.setdefault(b, []).append((b, b_column, a, a_column))
    return graph


def _path(graph: Mapping[str, list[Edge]], start: str, goal: str) -> list[Edge] | None:
    """The shortest chain of links from ``start`` to ``goal``, or None when unconnected."""
    queue: deque[tuple[str, list[Edge]]] = deque([(start, [])])
    seen = {start}
    while queue:
        node, path = queue.popleft()
        for edge in graph.get(node, []):
            following = edge[2]
            if following == goal:
                return [*path, edge]
            if following not in seen:
                seen.add(following)
                queue.append((following, [*path, edge]))
    return None
