"""The launch form without a browser: one input per parameter type, and what it sends.

The browser tests use a workflow with numbers and text only; switches and choices are
checked here, on the components the form is drawn from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import dash_mantine_components as dmc

from biovista.web.management.pipelines import form_values, parameter_field
from biovista.web.management.run_format import duration

SCHEMA: list[dict[str, Any]] = [
    {"name": "depth", "type": "int", "default": 3, "description": "Reads", "required": False},
    {"name": "ratio", "type": "float", "default": None, "description": "", "required": True},
    {"name": "trim", "type": "bool", "default": True, "description": "Trim adapters"},
    {"name": "mode", "type": "choice", "default": 2, "choices": [1, 2], "required": False},
    {"name": "label", "type": "str", "default": "x", "description": "", "required": False},
    {"name": "tag", "type": "str", "default": None, "description": "", "required": True},
]


def test_each_type_gets_its_input_with_default_help_and_required_mark() -> None:
    depth, ratio, trim, mode, label, tag = (parameter_field("wf", s) for s in SCHEMA)
    assert isinstance(depth, dmc.NumberInput) and depth.value == 3 and not depth.allowDecimal
    assert depth.description == "Reads" and depth.required is False
    assert isinstance(ratio, dmc.NumberInput) and ratio.allowDecimal and ratio.required is True
    assert isinstance(trim, dmc.Switch) and trim.checked is True
    assert trim.id == {"kind": "wf-check", "workflow": "wf", "param": "trim"}
    assert isinstance(mode, dmc.Select) and mode.data == ["1", "2"] and mode.value == "2"
    assert isinstance(label, dmc.TextInput) and label.value == "x"
    assert tag.id == {"kind": "wf-param", "workflow": "wf", "param": "tag"} and tag.required


def test_a_viewer_sees_the_form_disabled() -> None:
    assert all(parameter_field("wf", s, disabled=True).disabled for s in SCHEMA)


def test_emptied_fields_fall_back_to_defaults_but_an_empty_optional_text_is_sent() -> None:
    raw = {"depth": "", "ratio": 0.5, "trim": False, "mode": None, "label": "", "tag": ""}
    assert form_values(SCHEMA, raw) == {"ratio": 0.5, "trim": False, "label": ""}


def test_durations_read_as_people_say_them() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert duration(start, start + timedelta(seconds=42)) == "42 s"
    assert duration(start, start + timedelta(seconds=185)) == "3 min 5 s"
    assert duration(start.replace(tzinfo=None), start + timedelta(hours=2, minutes=4)) == (
        "2 h 4 min"
    )
    assert duration(start, None) == ""
