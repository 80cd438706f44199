"""Cursor pagination with a stable order: ``limit`` and an opaque ``cursor``.

A page is read with one row more than asked; when there is more, the response carries
``Link: <…?cursor=…>; rel="next"`` (and ``X-Next-Cursor``). A cursor holds the sort key of
the last row shown, so pages never repeat or skip a row while others are added.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response

from biovista.errors import InvalidInputError

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
Cursor = Annotated[
    str | None, Query(max_length=500, description="From a previous page's Link header")
]


def decode_cursor(cursor: str | None) -> list[Any] | None:
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=="))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInputError("cursor is not one this server gave out") from None
    if not isinstance(key, list):
        raise InvalidInputError("cursor is not one this server gave out")
    return key


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps([str(part) for part in key]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def finish_page(
    items: list[T],
    limit: int,
    key: Callable[[T], Sequence[Any]],
    request: Request,
    response: Response,
) -> list[T]:
    """Trim the look-ahead row and announce the next page when there is one."""
    if len(items) <= limit:
        return items
    page = items[:limit]
    cursor = encode_cursor(key(page[-1]))
    following = request.url.include_query_params(cursor=cursor, limit=limit)
    response.headers["Link"] = f'<{following}>; rel="next"'
    response.headers["X-Next-Cursor"] = cursor
    return page


def page_of(
    items: Sequence[T],
    key: Callable[[T], Sequence[Any]],
    limit: int,
    cursor: str | None,
    request: Request,
    response: Response,
) -> list[T]:
    """Paginate a list a service already holds whole (a user's groups, a project's members).

    Such lists are bounded by what one person or project owns, so sorting them in memory is
    cheaper than a keyset query per resource, and the contract (limit, cursor, Link) stays
    the same as for database-backed pages. The key must be unique for pages not to skip.
    """
    after = decode_cursor(cursor)

    def sort_key(item: T) -> list[str]:
        return [str(part) for part in key(item)]

    ordered = sorted(items, key=sort_key)
    if after is not None:
        ordered = [item for item in ordered if sort_key(item) > after]
    return finish_page(ordered[: limit + 1], limit, key, request, response)
