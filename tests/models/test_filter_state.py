"""The filter state's URL codec, its stable version, and what each control does to it."""

from __future__ import annotations

import subprocess
import sys

from biovista.models.dashboard import FilterState, Selection
from biovista.models.filter_state import (
    decode_state,
    encode_state,
    next_state,
    selection_from,
    state_version,
)


def test_the_url_round_trips_and_a_plain_link_stays_plain() -> None:
    state = FilterState(
        values={"species": ["Adelie"], "island": "Biscoe"},
        selections={"scatter": Selection(x_range=(1, 2), y_range=(3, 4))},
    )
    query = encode_state(state)
    assert query.startswith("?state=") and " " not in query
    assert decode_state(query) == state
    assert encode_state(FilterState()) == ""
    assert decode_state(None) == FilterState()


def test_a_damaged_bookmark_is_the_unfiltered_view() -> None:
    assert decode_state("?state=%7B%22values%22") == FilterState()  # cut mid-document
    assert decode_state('?state={"nonsense":1}') == FilterState()  # not a filter state


def test_the_version_is_the_same_in_every_process() -> None:
    data = {"values": {"species": ["Adelie"]}, "selections": {}}
    assert state_version(data) == state_version(dict(reversed(list(data.items()))))
    assert state_version(data) != state_version({"values": {}, "selections": {}})
    code = (
        "from biovista.models.filter_state import state_version;"
        "print(state_version({'values': {'species': ['Adelie']}, 'selections': {}}))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )  # another interpreter, another hash() salt
    assert int(other.stdout) == state_version(data)
    assert 0 <= state_version(data) < 10**9


def test_controls_change_the_state_and_empty_values_drop_out() -> None:
    state = next_state(None, {"kind": "filter", "cid": "species"}, ["Adelie"])
    assert state.values == {"species": ["Adelie"]}
    state = next_state(state.model_dump(), {"kind": "filter-switch", "cid": "big"}, 1)
    assert state.values == {"species": ["Adelie"], "big": True}
    state = next_state(state.model_dump(), {"kind": "filter", "cid": "species"}, [])
    assert state.values == {"big": True}
    box = {"range": {"x": [0, 1], "y": [2, 3]}}
    state = next_state(state.model_dump(), {"kind": "graph", "cid": "scatter"}, box)
    assert state.selections == {"scatter": Selection(x_range=(0, 1), y_range=(2, 3))}
    state = next_state(state.model_dump(), {"kind": "graph", "cid": "scatter"}, None)
    assert state.selections == {}


def test_reset_clears_only_when_clicked() -> None:
    previous = FilterState(values={"island": "Dream"}).model_dump()
    assert next_state(previous, "reset", None).values == {"island": "Dream"}  # page drawn
    assert next_state(previous, "reset", 1).is_empty()


def test_a_click_selects_rows_bins_or_categories() -> None:
    assert selection_from({"points": [{"customdata": [4]}, {"customdata": [7]}]}) == Selection(
        rows=[4, 7]
    )
    bars = {"points": [{"customdata": ["bin", 0, 5]}, {"customdata": ["bin", 5, 10]}]}
    assert selection_from(bars) == Selection(x_range=(0, 10))
    assert selection_from({"points": [{"label": "Adelie"}]}) == Selection(categories=["Adelie"])
    assert selection_from({"points": []}) is None
