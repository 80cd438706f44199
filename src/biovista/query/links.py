"""Filters travel along the project's links: a filter on one collection restricts another.

Links are followed both ways and over several hops (a breadth-first path), as semi-joins,
so only the join keys move between collections, never whole rows."""

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
    """Rows of ``collection`` that meet its conditions and those of linked collections."""
    if collection not in tables:
        raise InvalidInputError(
            f"unknown collection {collection!r}; collections: {', '.join(sorted(tables))}"
        )
    by_collection: dict[str, list[Condition]] = {}
    for condition in conditions:
        by_collection.setdefault(condition.collection, []).append(condition)
    indexed = {name: frame.with_row_index(ROW_COLUMN) for name, frame in tables.items()}
    result = apply(indexed[collection], by_collection.get(collection, []), collection)
    graph = _graph(links, set(indexed))
    for other, own in by_collection.items():
        if other == collection or other not in indexed:
            continue
        path = _path(graph, other, collection)
        if path is None:
            continue
        keys = apply(indexed[other], own, other)
        for _, source_column, target, target_column in path[:-1]:
            keys = indexed[target].join(
                keys.select(pl.col(source_column).alias(target_column)).unique(),
                on=target_column,
                how="semi",
            )
        _, source_column, _, target_column = path[-1]
        values = keys.select(pl.col(source_column).alias(target_column)).unique()
        result = result.join(values, on=target_column, how="semi")
    return result


def _graph(links: Sequence[LinkConfig], known: set[str]) -> dict[str, list[Edge]]:
    graph: dict[str, list[Edge]] = {}
    for link in links:
        a, a_column = link.source.split(".")
        b, b_column = link.target.split(".")
        if a in known and b in known:
            graph.setdefault(a, []).append((a, a_column, b, b_column))
            graph.setdefault(b, []).append((b, b_column, a, a_column))
    return graph


def _path(graph: dict[str, list[Edge]], start: str, goal: str) -> list[Edge] | None:
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
