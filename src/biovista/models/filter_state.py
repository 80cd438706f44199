"""How a viewer's filter state changes, and how it travels in the page URL.

The viewer (Dash), the picture and CSV exports (Flask) and any future client read the same
``?state=`` query, so its codec and the rules for what a control does to the state live
here, beside :class:`FilterState`, free of any web framework. A damaged bookmark decodes as
the unfiltered view rather than an error: a URL is user input that may have been cut.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, quote

from biovista.models.dashboard import FilterState, Selection

EMPTY_VALUES: tuple[Any, ...] = (None, "", [], False)
"""A filter holding one of these filters nothing, so it is dropped from the state."""


def decode_state(search: str | None) -> FilterState:
    """The state in a URL query (``?state=<json>``); the empty state when absent or damaged."""
    raw = parse_qs((search or "").lstrip("?")).get("state", [""])[0]
    if not raw:
        return FilterState()
    try:
        return FilterState.model_validate(json.loads(raw))
    except ValueError:
        return FilterState()  # a damaged bookmark shows the unfiltered view


def encode_state(state: FilterState) -> str:
    """The URL query of ``state`` (``""`` for the empty state, so a plain link stays plain)."""
    if state.is_empty():
        return ""
    compact = json.dumps(
        state.model_dump(exclude_none=True, exclude_defaults=True), separators=(",", ":")
    )
    return "?state=" + quote(compact)


def state_version(state_data: Any) -> int:
    """A number that changes when the state does and is the same in every process (unlike
    ``hash()``, salted per process): grids are keyed by it, so several server workers
    must agree on it."""
    text = json.dumps(state_data, sort_keys=True, default=str)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % 10**9


def next_state(previous: dict[str, Any] | None, trigger: Any, value: Any) -> FilterState:
    """The state after a control fired: ``trigger`` is ``"reset"`` or the control's id
    (``{"kind": "filter" | "filter-switch" | "graph", "cid": ...}``), ``value`` what it holds.

    Drawing a page fires every control at once, "reset" among them unclicked (``value``
    falsy): that must keep the state the URL brought."""
    state = FilterState.model_validate(previous or {})
    if trigger == "reset":
        if value:
            state = FilterState()
    elif isinstance(trigger, dict):
        cid = trigger["cid"]
        if trigger["kind"] == "filter":
            state.values[cid] = value
        elif trigger["kind"] == "filter-switch":
            state.values[cid] = bool(value)
        else:
            selection = selection_from(value)
            if selection is None:
                state.selections.pop(cid, None)
            else:
                state.selections[cid] = selection
    state.values = {k: v for k, v in state.values.items() if v not in EMPTY_VALUES}
    return state


def selection_from(event: dict[str, Any] | None) -> Selection | None:
    """A Plotly selection or click as a Selection: a box becomes ranges, points their ids."""
    if not event:
        return None
    box = event.get("range")
    if box and "x" in box and "y" in box:
        return Selection(x_range=tuple(box["x"]), y_range=tuple(box["y"]))
    points = event.get("points") or []
    if not points:
        return None
    bins = [p["customdata"][1:] for p in points if (p.get("customdata") or [None])[0] == "bin"]
    if bins:  # histogram bars: the values from the first bin's start to the last one's end
        return Selection(x_range=(min(b[0] for b in bins), max(b[1] for b in bins)))
    rows = [p["customdata"][0] for p in points if p.get("customdata")]
    if rows:
        return Selection(rows=rows)
    categories = [p.get("label", p.get("x")) for p in points]
    return Selection(categories=[c for c in categories if c is not None])
