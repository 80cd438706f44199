"""Sample types: the metadata an admin requires of each kind of sample, and its checks.

A type lists attributes, each optionally required, limited to allowed values or to a
regex (matched in full). The definitions are checked when saved, so a sample is never
judged against a regex that does not compile; every sample's values are checked against
its type, and each problem names the sample, the attribute and what is wrong.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biovista.auth.policy import Principal
from biovista.db.models import Sample, SampleType
from biovista.errors import ConflictError, InvalidInputError, NotFoundError, Problem

TYPE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
RESERVED = frozenset({"name", "type"})
"""Column names of a sample sheet, so never attribute names."""
SHOWN_SAMPLES = 20


class AttributeDef(BaseModel):
    """One attribute of a sample type, as stored in ``SampleType.attributes``."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    required: bool = False
    allowed: list[str] | None = None
    """The only values accepted, when given."""
    pattern: str | None = None
    """A regex every value must match in full, when given."""


def parse_definitions(raw: list[Any]) -> list[AttributeDef]:
    """Checked attribute definitions; every problem at once, each naming its attribute."""
    problems: list[Problem] = []
    parsed: list[AttributeDef] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"attributes[{index}]"
        try:
            definition = AttributeDef.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"])
                problems.append(Problem(error["msg"], f"{where}.{field}" if field else where))
            continue
        where = f"attribute {definition.name!r}"
        problems.extend(Problem(m, where) for m in _definition_problems(definition, seen))
        seen.add(definition.name)
        parsed.append(definition)
    if problems:
        raise InvalidInputError("the attribute definitions are not valid", problems)
    return parsed


def _definition_problems(definition: AttributeDef, seen: set[str]) -> list[str]:
    found: list[str] = []
    if not ATTRIBUTE_NAME.match(definition.name):
        found.append("a name starts with a letter and has up to 64 letters, digits and '_'")
    if definition.name in RESERVED:
        found.append(f"{definition.name!r} is a column of every sample sheet; choose another name")
    if definition.name in seen:
        found.append("defined twice")
    compiled = None
    if definition.pattern is not None:
        try:
            compiled = re.compile(definition.pattern)
        except re.error as exc:
            found.append(f"pattern {definition.pattern!r} is not a valid regex: {exc}")
    if definition.allowed is not None:
        if not definition.allowed:
            found.append("'allowed' lists no value; leave it out to accept any value")
        if len(set(definition.allowed)) != len(definition.allowed):
            found.append("'allowed' lists a value twice")
        if compiled is not None:
            found.extend(
                f"allowed value {value!r} does not match the pattern {definition.pattern!r}"
                for value in definition.allowed
                if not compiled.fullmatch(value)
            )
    return found


def clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values without surrounding blanks; an empty value is no value (a blank sheet cell)."""
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        text = value.strip() if isinstance(value, str) else value
        if text != "" and text is not None:
            cleaned[key] = text
    return cleaned


def value_problems(
    sample: str, type_name: str, attributes: list[Any], values: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(attribute, message) for each thing wrong with a sample's values under its type."""
    definitions = {d.name: d for d in map(AttributeDef.model_validate, attributes)}
    found: list[tuple[str, str]] = []
    for name, value in values.items():
        head = f"sample {sample!r}, attribute {name!r}"
        definition = definitions.get(name)
        if definition is None:
            known = ", ".join(definitions) or "none"
            close = difflib.get_close_matches(name, list(definitions), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            found.append(
                (
                    name,
                    f"{head}: type {type_name!r} has no such attribute "
                    f"(its attributes: {known}){hint}",
                )
            )
        elif not isinstance(value, str):
            found.append((name, f"{head}: {value!r} is not text; give values as text"))
        elif definition.allowed is not None and value not in definition.allowed:
            close = difflib.get_close_matches(value, definition.allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            allowed = ", ".join(definition.allowed)
            found.append((name, f"{head}: {value!r} is not one of {allowed}{hint}"))
        elif definition.pattern is not None and not re.fullmatch(definition.pattern, value):
            found.append(
                (name, f"{head}: {value!r} does not match the pattern {definition.pattern!r}")
            )
    for name, definition in definitions.items():
        if definition.required and name not in values:
            found.append(
                (
                    name,
                    f"sample {sample!r}, attribute {name!r}: required by type "
                    f"{type_name!r} but missing",
                )
            )
    return found


def check_values(sample: str, sample_type: SampleType, values: Mapping[str, Any]) -> None:
    found = value_problems(sample, sample_type.name, sample_type.attributes, values)
    if found:
        problems = [Problem(message, f"attributes.{name}") for name, message in found]
        raise InvalidInputError(f"sample {sample!r} does not fit its type", problems)


def list_sample_types(session: Session) -> list[SampleType]:
    """Every type, by name: any signed-in user may read them to describe samples."""
    return list(session.scalars(select(SampleType).order_by(SampleType.name)))


def get_sample_type(session: Session, name: str) -> SampleType:
    found = session.scalar(select(SampleType).where(SampleType.name == name))
    if found is None:
        known = [t.name for t in list_sample_types(session)]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise NotFoundError(f"no sample type named {name!r}{hint}")
    return found


def create_sample_type(
    session: Session,
    principal: Principal,
    name: str,
    description: str = "",
    attributes: list[Any] | None = None,
) -> SampleType:
    principal.require_admin()
    if not TYPE_NAME.match(name):
        raise InvalidInputError(
            f"sample type name {name!r}: up to 100 letters, digits, '.', '_' and '-', "
            "starting with a letter or digit"
        )
    if session.scalar(select(SampleType.id).where(SampleType.name == name)) is not None:
        raise ConflictError(f"a sample type named {name!r} already exists")
    definitions = parse_definitions(attributes or [])
    created = SampleType(
        name=name,
        description=description,
        attributes=[d.model_dump(exclude_none=True) for d in definitions],
        created_by=str(principal.user_id),
    )
    session.add(created)
    session.flush()
    return created


def update_sample_type(
    session: Session,
    principal: Principal,
    name: str,
    description: str | None = None,
    attributes: list[Any] | None = None,
) -> SampleType:
    """Change a type; refused when a sample of it would no longer fit (all are named)."""
    principal.require_admin()
    found = get_sample_type(session, name)
    if description is not None:
        found.description = description
    if attributes is not None:
        definitions = parse_definitions(attributes)
        stored = [d.model_dump(exclude_none=True) for d in definitions]
        problems = [
            Problem(message, f"attributes.{attribute}")
            for sample in session.scalars(
                select(Sample).where(Sample.type_id == found.id).order_by(Sample.name)
            )
            for attribute, message in value_problems(sample.name, name, stored, sample.attributes)
        ]
        if problems:
            shown = problems[:SHOWN_SAMPLES]
            raise ConflictError(
                f"{len(problems)} problem(s) in existing samples of type {name!r} under the "
                "new attributes; change those samples first",
                shown,
            )
        found.attributes = stored
    session.flush()
    return found


def delete_sample_type(session: Session, principal: Principal, name: str) -> None:
    principal.require_admin()
    found = get_sample_type(session, name)
    used = session.scalar(select(func.count()).where(Sample.type_id == found.id)) or 0
    if used:
        raise ConflictError(f"{used} sample(s) are of type {name!r}; delete or retype them first")
    session.delete(found)
    session.flush()
