"""Checks every request to a Dash app before Dash runs a callback, and answers errors as 4xx.

Dash calls a callback with the values of the body's ``inputs`` and ``state`` *by position*,
whatever ids the body claims for them. So the body is checked against the callback's own
declaration: the right number of inputs and states, each with the declared id (or an id
that fits the declared pattern), and the dashboard reference (``ref.data``) wherever the
callback declared it is checked for its shape and, in the editor, for the caller's right to
edit that dashboard (:func:`biovista.services.dashboards.open.require_editor`, which asks
:mod:`biovista.auth.policy`). In the editor every request, pages included, also needs a
signed-in user. Domain errors raised here or in a callback are answered with their own
status and title (``BiovistaError.status``, as the API does) in a short problem document.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import flask
from dash import Dash
from pydantic import ValidationError

from biovista.auth.policy import ForbiddenError
from biovista.auth.tokens import AuthenticationError
from biovista.errors import BiovistaError, InvalidInputError, NotFoundError
from biovista.services.dashboards.open import require_editor
from biovista.web.common.cookie_auth import WebContext, current_principal

REF = "ref"
"""The store holding the dashboard reference, ``{"id": <uuid> | None, "link": <token> | None}``."""
MAX_LINK = 200
SCALARS = (str, int, float, bool)
"""What Dash allows as the value of a pattern-matching id's key."""


def install(app: Dash, context: WebContext, *, editors_only: bool = False) -> None:
    """Guard ``app``'s requests; ``editors_only`` for the editor (sign-in and edit right)."""
    server: flask.Flask = app.server
    dispatch = f"{app.config.routes_pathname_prefix}_dash-update-component"

    @server.before_request
    def _guard() -> Any:
        request = flask.request
        if editors_only and current_principal(context) is None:
            if request.path.startswith(("/_", "/assets/")):
                raise AuthenticationError("sign in to use the dashboard editor")
            return flask.redirect("/login", code=303)
        if request.method != "POST" or request.path != dispatch:
            return None
        body = request.get_json(silent=True)
        if body is None:
            return problem(400, "Bad request", "the body must be JSON (a Dash callback request)")
        for ref in references(app.callback_map, body):
            if editors_only:
                editable(context, ref)
        return None

    server.register_error_handler(BiovistaError, _domain)
    server.register_error_handler(ValidationError, _invalid)


def references(callback_map: Mapping[str, Any], body: Any) -> list[dict[str, Any] | None]:
    """Every dashboard reference the callback named by ``body`` will be called with, checked
    for shape; InvalidInputError when the body does not fit the callback's declaration."""
    if not isinstance(body, dict):
        raise InvalidInputError("a callback request must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str):
        raise InvalidInputError("'output' must name the callback, as a string")
    entry = callback_map.get(output)
    if entry is None or "callback" not in entry:
        raise NotFoundError(f"no server callback for {output[:100]!r}")
    _outputs(entry, body.get("outputs"))
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise InvalidInputError("'changedPropIds' must be a list of strings")
    declared = [*entry["inputs"], *entry["state"]]
    given = [*_listed(body, "inputs", entry), *_listed(body, "state", entry)]
    found = []
    for position, (dependency, item) in enumerate(zip(declared, given, strict=True)):
        where = f"{'inputs' if position < len(entry['inputs']) else 'state'} {position}"
        _fits(dependency["id"], dependency["property"], item, where)
        if dependency["id"] == REF and dependency["property"] == "data":
            found.append(reference(item.get("value")))
    return found


def reference(value: Any) -> dict[str, Any] | None:
    """A dashboard reference as the pages store it, or InvalidInputError."""
    if value is None:
        return None
    if not isinstance(value, dict) or not set(value) <= {"id", "link"}:
        raise InvalidInputError("'ref' must be an object with 'id' and 'link'")
    ident, link = value.get("id"), value.get("link")
    if ident is not None:
        if not isinstance(ident, str):
            raise InvalidInputError("'ref.id' must be a dashboard id")
        try:
            uuid.UUID(ident)
        except ValueError:
            raise InvalidInputError(f"'ref.id' is not a dashboard id: {ident[:60]!r}") from None
    if link is not None and (not isinstance(link, str) or not 0 < len(link) <= MAX_LINK):
        raise InvalidInputError("'ref.link' must be a share link's token")
    return value


def editable(context: WebContext, ref: dict[str, Any] | None) -> None:
    """The editor opens dashboards by id, for their project's editors only."""
    if ref is None:
        return  # the page has not named a dashboard yet; its callbacks answer nothing
    if ref.get("link") is not None:
        raise ForbiddenError("a share link opens the viewer, not the editor")
    if ref.get("id") is None:
        raise NotFoundError("no dashboard was named")
    require_editor(context.settings, current_principal(context), uuid.UUID(ref["id"]))


def uuid_of(value: Any, what: str = "id") -> uuid.UUID:
    """An id a callback got from the page (a store, a pattern id): InvalidInputError, not a
    500, when a caller sends something else."""
    try:
        if isinstance(value, str):
            return uuid.UUID(value)
    except ValueError:
        pass
    raise InvalidInputError(f"{what} must be an id, not {str(value)[:60]!r}")


def _listed(body: dict[str, Any], key: str, entry: Mapping[str, Any]) -> list[Any]:
    items = body.get(key, []) if key == "state" else body.get(key)
    if not isinstance(items, list):
        raise InvalidInputError(f"{key!r} must be a list")
    if len(items) != len(entry[key]):
        raise InvalidInputError(f"this callback takes {len(entry[key])} {key}, not {len(items)}")
    return items


def _pattern(declared: str) -> str | dict[str, Any]:
    if declared.startswith("{"):
        parsed: dict[str, Any] = json.loads(declared)
        return parsed
    return declared


def _fits(declared: str, prop: str | None, item: Any, where: str) -> None:
    """``item`` is what Dash sends for the declared dependency: one entry, or a list of
    entries for ALL / ALLSMALLER patterns, each with a fitting id and the property (any
    property name for an output, whose name may carry Dash's duplicate suffix)."""
    pattern = _pattern(declared)
    many = isinstance(pattern, dict) and any(
        v in (["ALL"], ["ALLSMALLER"]) for v in pattern.values()
    )
    entries = item if many and isinstance(item, list) else [item]
    if many != isinstance(item, list):
        raise InvalidInputError(f"{where}: expected {'a list' if many else 'one entry'}")
    for entry in entries:
        named = entry.get("property") if isinstance(entry, dict) else None
        if not isinstance(named, str) or (prop is not None and named != prop):
            raise InvalidInputError(
                f"{where}: expected an entry with property {prop or '(a name)'}"
            )
        if not _id_fits(pattern, entry.get("id")):
            raise InvalidInputError(f"{where}: the id does not fit {declared[:100]!r}")


def _id_fits(pattern: str | dict[str, Any], ident: Any) -> bool:
    if isinstance(pattern, str):
        return isinstance(ident, str) and ident == pattern
    if not isinstance(ident, dict) or set(ident) != set(pattern):
        return False
    return all(
        isinstance(ident[k], SCALARS) if isinstance(v, list) else bool(ident[k] == v)
        for k, v in pattern.items()
    )


def _outputs(entry: Mapping[str, Any], outputs: Any) -> None:
    """The outputs name ids that fit the declared ones (callbacks read ids from them)."""
    if entry.get("no_output"):
        return
    declared = entry["output"] if isinstance(entry["output"], list | tuple) else [entry["output"]]
    given = outputs if len(declared) > 1 and isinstance(outputs, list) else [outputs]
    if len(given) != len(declared):
        raise InvalidInputError(f"this callback has {len(declared)} outputs, not {len(given)}")
    for number, (output, item) in enumerate(zip(declared, given, strict=True)):
        _fits(output.to_dict()["id"], None, item, f"outputs {number}")


def problem(status: int, title: str, detail: str) -> flask.Response:
    """The API's problem document (RFC 9457), from a Flask app."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return flask.Response(json.dumps(body), status=status, mimetype="application/problem+json")


def _domain(exc: BiovistaError) -> flask.Response:
    return problem(exc.status, exc.title, str(exc))


def _invalid(exc: ValidationError) -> flask.Response:
    return problem(422, "Invalid request", f"{exc.error_count()} invalid value(s) in the request")
