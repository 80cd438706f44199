"""Filters travel along the project's links: a filter on one collection restricts another.

Links are followed both ways and over several hops (the shortest path, found breadth-first),
as semi-joins, so only the join keys move between collections, never whole rows. Each
filtered collection restricts the target on its own; the results are intersected."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence

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
) -> pl.LazyFrame:
    """Rows of ``collection`` that meet its conditions and those of linked collections.

    ``tables`` are the raw scans by collection name; each gets the stable row id
    :data:`ROW_COLUMN` here, before any filter. Conditions on collections that are not
    connected to ``collection`` through ``links`` (or not in ``tables``) are ignored."""
    if collection not in tables:
        raise InvalidInputError(
            f"unknown collection {collection!r}; collections: {', '.join(sorted(tables))}"
        )
    by_collection: dict[str, list[Condition]] = {}
    for condition in conditions:
        by_collection.setdefault(condition.collection, []).append(condition)
    indexed = {name: frame.with_row_index(ROW_COLUMN) for name, frame in tables.items()}
    result = apply(indexed[collection], by_collection.get(collection, []))
    graph = _graph(links, set(indexed))
    for other, own in by_collection.items():
        if other == collection or other not in indexed:
            continue
        path = _path(graph, other, collection)
        if path is None:
            continue
        keys = apply(indexed[other], own)
        for edge in path:
            _check_link(indexed, edge)
            _, source_column, target, target_column = edge
            following = indexed[target]
            dtype = following.collect_schema()[target_column]
            values = keys.select(
                pl.col(source_column).cast(dtype, strict=False).alias(target_column)
            ).unique()
            keys = (result if target == collection else following).join(
                values, on=target_column, how="semi", maintain_order="left"
            )
        result = keys
    return result


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
