"""How a component's result travels: to the cache and as JSON (each kind computes its own,
:mod:`biovista.query.kinds`).

Cached results are stored as bytes: a JSON header and, for frames, Arrow IPC. Never pickle:
a cache shared through Redis must not be able to make a server run code.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from biovista.query.results import Reduced

FORMAT = 1
"""Bump when an encoded result changes shape, so old cache entries are not read."""
FULL_POINTS = 2_000_000
"""'Show all points' still stops somewhere: a browser cannot draw more."""


@dataclass(frozen=True)
class Page:
    """The first rows of a table, gallery or MultiQC table, and how many rows match."""

    frame: pl.DataFrame
    total: int


@dataclass(frozen=True)
class Metric:
    value: Any
    unfiltered: Any


def encode(value: Any) -> bytes:
    if isinstance(value, Reduced):
        return _pack({"kind": "reduced", "shown": value.shown, "total": value.total}, value.frame)
    if isinstance(value, Page):
        return _pack({"kind": "page", "total": value.total}, value.frame)
    return _pack({"kind": "plain", "value": value})


def decode(blob: bytes) -> Any:
    (size,) = struct.unpack_from(">I", blob)
    header = json.loads(blob[4 : 4 + size])
    body = blob[4 + size :]
    frame = pl.read_ipc(io.BytesIO(body)) if body else None
    kind = header["kind"]
    if kind == "reduced":
        assert frame is not None
        return Reduced(frame, header["shown"], header["total"])
    if kind == "page":
        assert frame is not None
        return Page(frame, header["total"])
    return header["value"]


def _pack(header: dict[str, Any], frame: pl.DataFrame | None = None) -> bytes:
    text = json.dumps(header, default=_plain).encode()
    body = io.BytesIO()
    if frame is not None:
        frame.write_ipc(body)
    return struct.pack(">I", len(text)) + text + body.getvalue()


def as_json(value: Any) -> Any:
    """A result as the API returns it: frames as column names and rows."""
    if isinstance(value, Reduced):
        return {
            **_frame_json(value.frame),
            "shown": value.shown,
            "total": value.total,
            "reduced": value.reduced,
        }
    if isinstance(value, Page):
        return {**_frame_json(value.frame), "total": value.total}
    if isinstance(value, Metric):
        return {"value": _plain_value(value.value), "unfiltered": _plain_value(value.unfiltered)}
    return _plain_value(value)


def _frame_json(frame: pl.DataFrame) -> dict[str, Any]:
    return {"columns": frame.columns, "rows": _plain_value(frame.rows())}


def _plain_value(value: Any) -> Any:
    """``value`` as JSON carries it: dates as ISO text, anything unknown as text."""
    return json.loads(json.dumps(value, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
