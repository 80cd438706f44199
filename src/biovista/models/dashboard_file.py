"""Dashboards as YAML files: read with every problem located, write in a stable layout."""

from __future__ import annotations

from typing import Any

import yaml

from biovista.errors import InvalidInputError, Problem
from biovista.models.dashboard import DashboardSpec, with_layout
from biovista.models.yaml_lines import LineIndex
from biovista.models.yaml_problems import validated
from biovista.models.yaml_safe import YamlRefusedError, load_yaml


def read_dashboard_yaml(text: str, source: str = "dashboard.yaml") -> DashboardSpec:
    """Parse (once, with the safe reader's caps) and validate a dashboard file; components
    without a layout are placed."""
    data, lines = _load(text, source)
    return with_layout(validate_document(data, source, lines))


def validate_document(data: Any, source: str, lines: LineIndex | None = None) -> DashboardSpec:
    """Validate a dashboard document (from YAML or JSON); problems carry YAML lines when known."""
    lines = lines or LineIndex()
    if not isinstance(data, dict):
        found = type(data).__name__
        raise InvalidInputError(
            f"{source} is not a dashboard file",
            [Problem(f"expected keys at the top level, found a {found}", source, 1)],
        )
    spec, problems = validated(DashboardSpec, data, lines)
    if spec is None or problems:
        located = [
            Problem(p.message, p.where or source, p.line, p.column, p.suggestion) for p in problems
        ]
        raise InvalidInputError(f"{source} is not a valid dashboard file", located)
    return spec


def write_dashboard_yaml(spec: DashboardSpec) -> str:
    """YAML a person can read and edit: defaults left out, keys in the models' order."""
    document = spec.model_dump(mode="json", exclude_defaults=True)
    document = {"version": spec.version, **document}
    document["tabs"] = [
        {
            "name": tab.name,
            "components": [
                {"type": c.type, **c.model_dump(mode="json", exclude_defaults=True)}
                for c in tab.components
            ],
        }
        for tab in spec.tabs
    ]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _load(text: str, source: str) -> tuple[Any, LineIndex]:
    try:
        data, lines = load_yaml(text)
    except YamlRefusedError as exc:
        problem = exc.problem
        raise InvalidInputError(
            f"{source} is not a dashboard file we read: {problem.message}",
            [Problem(problem.message, source, problem.line, problem.column)],
        ) from None
    if data is None:
        raise InvalidInputError(
            f"{source} is empty", [Problem("a dashboard needs at least 'tabs'", source, 1)]
        )
    return data, lines
