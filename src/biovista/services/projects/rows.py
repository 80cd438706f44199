"""Read what was ingested: collection summaries and pages of rows with a filter.

The filter is the ``where`` language of :mod:`biovista.query.filter_language`, never SQL:
its text is translated into a polars expression over the collection's own columns."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from biovista.config import Settings
from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.errors import InvalidInputError, NotFoundError
from biovista.query.filter_language import compile_filter
from biovista.services.projects.catalog import (
    CollectionSummary,
    get_collection,
    get_project,
    summarize_collections,
)
from biovista.storage.tables import TableStore

MAX_LIMIT = 10_000


@dataclass(frozen=True)
class RowPage:
    rows: pl.DataFrame
    matching: int
    """How many rows match the filter (the page shows at most ``limit`` of them)."""
    total: int


def describe_collections(settings: Settings, project_name: str) -> list[CollectionSummary]:
    url = settings.resolved_database_url
    ensure_schema(url)
    with session_scope(url) as session:
        return summarize_collections(get_project(session, project_name))


def read_rows(
    settings: Settings,
    project_name: str,
    collection_name: str,
    limit: int = 20,
    where: str | None = None,
    offset: int = 0,
    sort: list[str] | None = None,
) -> RowPage:
    """Rows of a collection matching a ``where`` condition, read with pushdown."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(f"--limit must be between 1 and {MAX_LIMIT:,}, got {limit}")
    url = settings.resolved_database_url
    ensure_schema(url)
    with session_scope(url) as session:
        collection = get_collection(session, get_project(session, project_name), collection_name)
        table_key, total = collection.table_key, collection.row_count
        if collection.delta_version is None:
            raise NotFoundError(
                f"collection {collection_name!r} has no rows yet; run 'biovista ingest' first"
            )
    frame = TableStore(settings).scan(table_key)
    if where:
        frame = frame.filter(compile_filter(where, frame.collect_schema()))
    if sort:
        frame = _sorted(frame, sort)
    try:
        matching = frame.select(pl.len()).collect().item()
        rows = frame.slice(offset, limit).collect()
    except pl.exceptions.PolarsError:
        # The engine's message may quote stored values or paths: it is never shown.
        message = "where: the filter could not be evaluated" if where else "cannot read the rows"
        raise InvalidInputError(message) from None
    return RowPage(rows=rows, matching=int(matching), total=total)


def _sorted(frame: pl.LazyFrame, sort: list[str]) -> pl.LazyFrame:
    """Sort by columns, ``-name`` for descending; ties keep table order (a stable sort)."""
    columns = frame.collect_schema().names()
    names = [key.removeprefix("-") for key in sort]
    unknown = [name for name in names if name not in columns]
    if unknown:
        raise InvalidInputError(
            f"cannot sort by {', '.join(map(repr, unknown))}; columns: {', '.join(columns)}"
        )
    descending = [key.startswith("-") for key in sort]
    return frame.sort(names, descending=descending, maintain_order=True, nulls_last=True)
