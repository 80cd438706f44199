"""What each editor action does to the dashboard spec: pure functions, saved by the editor."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from biovista.errors import BiovistaError, InvalidInputError
from biovista.models.dashboard import DashboardSpec, GridPosition, Tab, with_layout


def problem_text(exc: Exception) -> str:
    """One line per problem, naming the setting, for a failed save or preview."""
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'component'}: {_plain(e['msg'])}"
            for e in exc.errors()
        )
    if isinstance(exc, BiovistaError):
        return str(exc)
    return f"unexpected error: {exc}"


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ")


def new_id(spec: DashboardSpec, kind_of: str) -> str:
    """The first free ``<type>-<n>`` id, so new components get short, readable ids."""
    taken = {c.id for c in spec.components()}
    number = 1
    while f"{kind_of}-{number}" in taken:
        number += 1
    return f"{kind_of}-{number}"


def placed(spec: DashboardSpec, component: Any, target: str | None, tab: int) -> DashboardSpec:
    """The spec with ``component`` added to ``tab``, or replacing ``target`` (keeping its
    place on the grid unless it moves to another tab)."""
    tabs = [t.model_copy(deep=True) for t in spec.tabs]
    if not 0 <= tab < len(tabs):
        raise InvalidInputError(f"there is no tab {tab}")
    for number, current in enumerate(tabs):
        for index, existing in enumerate(current.components):
            if existing.id != target:
                continue
            if number == tab:
                current.components[index] = component.model_copy(update={"layout": existing.layout})
                return spec.model_copy(update={"tabs": tabs})
            del current.components[index]
            break
    tabs[tab].components.append(component.model_copy(update={"layout": None}))
    return spec.model_copy(update={"tabs": tabs})


def changed_tabs(
    spec: DashboardSpec, trigger: Any, tab: int, tab_name: str | None
) -> tuple[DashboardSpec, int]:
    """The spec after a toolbar or card action, and the tab to show afterwards."""
    tabs = [t.model_copy(deep=True) for t in spec.tabs]
    name = (tab_name or "").strip()
    if trigger == "add-tab":
        tabs.append(Tab(name=name or f"Tab {len(tabs) + 1}"))
        tab = len(tabs) - 1
    elif trigger == "rename-tab":
        if not name:
            raise InvalidInputError("type the tab's new name first")
        tabs[tab] = tabs[tab].model_copy(update={"name": name})
    elif trigger == "confirm-delete-tab":
        if len(tabs) == 1:
            raise InvalidInputError("a dashboard keeps at least one tab")
        del tabs[tab]
        tab = max(0, tab - 1)
    elif isinstance(trigger, dict):
        _card_action(spec, tabs, trigger["kind"], trigger["cid"])
    return with_layout(spec.model_copy(update={"tabs": tabs})), tab


def _card_action(spec: DashboardSpec, tabs: list[Tab], action: str, cid: str) -> None:
    for current in tabs:
        for index, component in enumerate(current.components):
            if component.id != cid:
                continue
            if action == "delete":
                del current.components[index]
            else:
                copy = component.model_copy(
                    update={"id": new_id(spec, component.type), "layout": None}
                )
                current.components.insert(index + 1, copy)
            return
    raise InvalidInputError(f"there is no component {cid!r}: reload the page")


def with_positions(spec: DashboardSpec, tab: int, layout: list[dict[str, Any]]) -> DashboardSpec:
    """The spec with the grid's positions for one tab (what dragging and resizing changed)."""
    where = {item["i"]: item for item in layout}
    tabs = [t.model_copy(deep=True) for t in spec.tabs]
    for component in tabs[tab].components:
        item = where.get(component.id)
        if item:
            component.layout = GridPosition(
                x=int(item["x"]), y=int(item["y"]), w=int(item["w"]), h=int(item["h"])
            )
    return spec.model_copy(update={"tabs": tabs})
