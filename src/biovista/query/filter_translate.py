"""The ``where`` filter language's meaning: its syntax tree, node by node, as a polars
expression (the syntax is checked and parsed in :mod:`biovista.query.filter_language`).

Only the nodes of the language are translated, each with only the options it has (no ESCAPE,
no SYMMETRIC...); anything else is refused. A value is converted to its column's type here,
so a type clash is reported before anything runs, naming the column and its type. Every
refusal is located in the user's text by :class:`FilterText`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from sqlglot import exp

from biovista.errors import InvalidInputError

TABLE_NAMES = "table names are not allowed; name a column alone (double-quote a name with dots)"

_COMPARE = {
    exp.EQ: (pl.Expr.eq, exp.EQ),
    exp.NEQ: (pl.Expr.ne, exp.NEQ),
    exp.LT: (pl.Expr.lt, exp.GT),
    exp.LTE: (pl.Expr.le, exp.GTE),
    exp.GT: (pl.Expr.gt, exp.LT),
    exp.GTE: (pl.Expr.ge, exp.LTE),
}
"""Each comparison's polars method, and the comparison it becomes with its sides swapped."""
_HELD = {
    "number": "numbers",
    "text": "text",
    "boolean": "TRUE/FALSE values",
    "date": "dates",
    "datetime": "dates with times",
}
_WRITTEN = {"number": "a number", "text": "text", "boolean": "TRUE or FALSE"}


@dataclass(frozen=True)
class FilterText:
    """The filter as the user wrote it, to say where in it something is wrong."""

    text: str

    def at(self, offset: int) -> str:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - self.text.rfind("\n", 0, offset)
        return f"line {line}, column {column}" if "\n" in self.text else f"column {column}"

    def shown(self, start: int, end: int) -> str:
        """What the user wrote from ``start`` to ``end`` (inclusive), quoted and kept short."""
        text = self.text[start : end + 1]
        return repr(text if len(text) <= 40 else text[:37] + "...")

    def fail(self, message: str) -> InvalidInputError:
        return InvalidInputError(f"where: {message}")

    def unexpected(self, start: int, end: int, reason: str = "") -> InvalidInputError:
        tail = f": {reason}" if reason else ""
        return self.fail(f"unexpected {self.shown(start, end)} at {self.at(start)}{tail}")


@dataclass(frozen=True)
class _Column:
    name: str
    dtype: pl.DataType
    kind: str

    @property
    def expr(self) -> pl.Expr:
        column = pl.col(self.name)
        return (
            column.cast(pl.String) if isinstance(self.dtype, pl.Categorical | pl.Enum) else column
        )

    def describe(self) -> str:
        if self.kind == "other":
            return f"column {self.name!r} holds {self.dtype} values"
        return f"column {self.name!r} holds {_HELD[self.kind]} ({self.dtype})"


@dataclass(frozen=True)
class _Value:
    value: Any
    kind: str
    node: exp.Expr


def translate(tree: exp.Expr, source: FilterText, schema: pl.Schema) -> pl.Expr:
    """The polars expression for the condition ``tree`` over a frame of ``schema``."""
    return _Translator(source, schema).condition(tree)


class _Translator:
    """Syntax tree to polars, for the language's nodes only."""

    def __init__(self, source: FilterText, schema: pl.Schema) -> None:
        self.source = source
        self.schema = schema

    def condition(self, node: exp.Expr) -> pl.Expr:
        node = self._unwrap(node)
        if isinstance(node, exp.And | exp.Or):
            parts = [self.condition(part) for part in self._flatten(node)]
            return (
                pl.all_horizontal(parts) if isinstance(node, exp.And) else pl.any_horizontal(parts)
            )
        if isinstance(node, exp.Not):
            self._only(node, "this")
            return self.condition(node.this).not_()
        predicate = self._predicate(node)
        return predicate.not_() if node.args.get("negate") else predicate

    def _predicate(self, node: exp.Expr) -> pl.Expr:
        if isinstance(node, exp.Binary) and type(node) in _COMPARE:
            self._only(node, "this", "expression")
            return self._compare(node)
        if isinstance(node, exp.In):
            self._only(node, "this", "expressions")
            return self._in(node)
        if isinstance(node, exp.Between):
            self._only(node, "this", "low", "high")
            column = self._column_of(node, node.this)
            low, high = (self._side(node.args[key], column) for key in ("low", "high"))
            return column.expr.is_between(low, high)
        if type(node) in (exp.Like, exp.ILike):
            self._only(node, "this", "expression", "negate")
            return self._like(node)
        if isinstance(node, exp.Is):
            self._only(node, "this", "expression", "negate")
            if not isinstance(node.expression, exp.Null):
                raise self._refuse(node.expression, "IS is followed by NULL or NOT NULL")
            return self._column_of(node, node.this, any_type=True).expr.is_null()
        raise self._refuse(node, _node_reason(node))

    def _compare(self, node: exp.Binary) -> pl.Expr:
        method, swapped = _COMPARE[type(node)]
        left, right = node.this, node.expression
        column = self._operand(left)
        if isinstance(column, _Value):
            left, right, method = right, left, _COMPARE[swapped][0]
            column = self._operand(left)
        if not isinstance(column, _Column):
            raise self._refuse(node, "a comparison needs a column on one side")
        return method(self._comparable(column, node).expr, self._side(right, column))

    def _in(self, node: exp.Expr) -> pl.Expr:
        column = self._column_of(node, node.this)
        if not node.expressions:
            raise self._refuse(node, "IN needs at least one value", whole=True)
        typed = []
        for item in node.expressions:
            value = self._operand(item)
            if not isinstance(value, _Value):
                raise self._refuse(item, "IN takes a list of values, such as IN ('a', 'b')")
            typed.append(self._typed(value, column))
        return column.expr.is_in(_series(typed, column).implode())

    def _like(self, node: exp.Expr) -> pl.Expr:
        column = self._column_of(node, node.this)
        word = "ILIKE" if isinstance(node, exp.ILike) else "LIKE"
        if column.kind != "text":
            raise self._refuse(node.this, f"{word} needs text, but {column.describe()}")
        pattern = self._operand(node.expression)
        if not (isinstance(pattern, _Value) and pattern.kind == "text"):
            raise self._refuse(node.expression, f"{word} takes a quoted pattern such as 'ab%'")
        return column.expr.str.contains(_like_regex(pattern.value, word == "ILIKE"))

    def _operand(self, node: exp.Expr) -> _Column | _Value:
        node = self._unwrap(node)
        if isinstance(node, exp.Column):
            return self._column(node)
        if isinstance(node, exp.Literal):
            self._only(node, "this", "is_string")
            return _Value(node.this, "text", node) if node.is_string else self._number(node)
        if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
            number = self._operand(node.this)
            if isinstance(number, _Value) and number.kind == "number":
                return _Value(-number.value, "number", node)
        if isinstance(node, exp.Boolean):
            return _Value(bool(node.this), "boolean", node)
        if isinstance(node, exp.Null):
            return _Value(None, "null", node)
        raise self._refuse(node, _node_reason(node, "only columns and values can be compared"))

    def _number(self, node: exp.Literal) -> _Value:
        text = str(node.this)
        try:
            number: int | float = int(text)
            if abs(number) >= 2**63:
                number = float(number)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise self._refuse(node, "this is not a number") from None
        return _Value(number, "number", node)

    def _column(self, node: exp.Column) -> _Column:
        if any(node.args.get(key) for key in ("table", "db", "catalog")):
            raise self._refuse(node, TABLE_NAMES)
        identifier = node.this
        if not isinstance(identifier, exp.Identifier):
            raise self._refuse(node, "this is not a column name")
        name = str(identifier.this)
        if name not in self.schema:
            known = self.schema.names()
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise self._refuse(node, f"{hint}the columns are {', '.join(known)}", "unknown column")
        dtype = self.schema[name]
        return _Column(name, dtype, _kind(dtype))

    def _column_of(self, node: exp.Expr, side: exp.Expr, any_type: bool = False) -> _Column:
        """The column a predicate tests (on its left, as in ``x IN (...)``)."""
        operand = self._operand(side)
        if not isinstance(operand, _Column):
            raise self._refuse(side, "a column goes here")
        return operand if any_type else self._comparable(operand, node)

    def _comparable(self, column: _Column, node: exp.Expr) -> _Column:
        if column.kind == "other":
            raise self._refuse(node, f"{column.describe()}; test it only with IS [NOT] NULL")
        return column

    def _side(self, node: exp.Expr, column: _Column) -> pl.Expr:
        """The other side of a comparison with ``column``: a column of the same kind, or a
        value converted to ``column``'s type."""
        operand = self._operand(node)
        if isinstance(operand, _Column):
            if operand.kind != column.kind:
                raise self._refuse(node, f"{column.describe()} and {operand.describe()}")
            return operand.expr
        typed = self._typed(operand, column)
        dtype = column.dtype if column.kind in ("date", "datetime") else None
        return pl.lit(typed, dtype=dtype)

    def _typed(self, value: _Value, column: _Column) -> Any:
        if value.kind == "null":
            raise self._refuse(value.node, "NULL matches nothing here; use IS NULL or IS NOT NULL")
        if value.kind == column.kind:
            return value.value
        if value.kind == "text" and column.kind in ("date", "datetime"):
            try:
                return _moment(value.value, column.dtype)
            except ValueError:
                example = "'2024-05-31'" if column.kind == "date" else "'2024-05-31 14:30:00'"
                raise self._refuse(
                    value.node, f"{column.describe()}, written as {example}"
                ) from None
        hint = "; quote it" if column.kind == "text" and value.kind == "number" else ""
        raise self._refuse(
            value.node, f"this is {_WRITTEN[value.kind]}, but {column.describe()}{hint}"
        )

    def _unwrap(self, node: exp.Expr) -> exp.Expr:
        while isinstance(node, exp.Paren):
            self._only(node, "this")
            node = node.this
        return node

    def _flatten(self, node: exp.And | exp.Or) -> list[exp.Expr]:
        """``a AND b AND c`` as [a, b, c], without recursing down the (left-deep) chain."""
        parts: list[exp.Expr] = []
        pending: list[exp.Expr] = [node]
        while pending:
            current = pending.pop()
            if type(current) is type(node):
                self._only(current, "this", "expression")
                pending += [current.expression, current.this]
            else:
                parts.append(current)
        return parts

    def _only(self, node: exp.Expr, *allowed: str) -> None:
        """Refuse any option of ``node`` the language does not have (ESCAPE, SYMMETRIC...)."""
        if any(
            value not in (None, False, []) for key, value in node.args.items() if key not in allowed
        ):
            raise self._refuse(node, "this is not part of the filter language")

    def _refuse(
        self, node: exp.Expr, reason: str, head: str = "unexpected", whole: bool = False
    ) -> InvalidInputError:
        """The error for ``node`` (``whole``: for the condition it starts), located by its
        leftmost token that knows its place; NULL and TRUE do not, so then by the nearest
        enclosing node's."""
        spot: exp.Expr | None = node
        while spot is not None:
            for part in spot.walk(bfs=False):
                if "start" in part.meta:
                    start, end = part.meta["start"], part.meta["end"]
                    shown, where = self.source.shown(start, end), self.source.at(start)
                    if spot is not node:
                        return self.source.fail(f"{reason} (near {shown} at {where})")
                    if whole:
                        return self.source.fail(f"in the condition at {where}: {reason}")
                    return self.source.fail(f"{head} {shown} at {where}: {reason}")
            spot = spot.parent
        return self.source.fail(reason)


def _node_reason(node: exp.Expr, default: str = "this is not a condition") -> str:
    if isinstance(node, exp.Column | exp.Literal | exp.Boolean | exp.Null):
        return "a column or value alone is not a condition; compare it, as in x = 1"
    if isinstance(node, exp.Query | exp.Subquery):
        return "subqueries are not allowed"
    if isinstance(node, exp.Cast):
        return "casts are not allowed"
    if isinstance(node, exp.Func):
        return "function calls are not allowed"
    if isinstance(node, exp.Binary | exp.Unary):
        return "this operator is not part of the filter language"
    return default


def _kind(dtype: pl.DataType) -> str:
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_numeric():
        return "number"
    if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum):
        return "text"
    if dtype == pl.Date:
        return "date"
    return "datetime" if isinstance(dtype, pl.Datetime) else "other"


def _moment(text: str, dtype: pl.DataType) -> date | datetime:
    """ISO text as the column's date, or date and time (in the column's time zone)."""
    if dtype == pl.Date:
        return date.fromisoformat(text.strip())
    moment = datetime.fromisoformat(text.strip())
    zone = dtype.time_zone if isinstance(dtype, pl.Datetime) else None
    if zone and moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(zone))
    if not zone and moment.tzinfo is not None:
        return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return moment


def _series(values: list[Any], column: _Column) -> pl.Series:
    """IN's values as a series of the column's type; values the type cannot hold (2.5 or
    300 for an Int8 column) can match no row and are left out."""
    if column.kind == "number" and column.dtype.is_integer():
        whole = [int(v) for v in values if float(v).is_integer() and abs(v) < 2**63]
        return pl.Series(whole, dtype=pl.Int64).cast(column.dtype, strict=False).drop_nulls()
    if column.kind == "number":
        return pl.Series([float(v) for v in values]).cast(column.dtype, strict=False).drop_nulls()
    if column.kind == "text":
        return pl.Series(values, dtype=pl.String)
    return pl.Series(values, dtype=column.dtype)


def _like_regex(pattern: str, ignore_case: bool) -> str:
    """LIKE's pattern as an anchored regex: % and _ are the only wildcards, and every other
    character that is not a letter or digit is written as a hexadecimal escape."""
    parts = (
        ".*" if c == "%" else "." if c == "_" else c if c.isalnum() else f"\\x{{{ord(c):X}}}"
        for c in pattern
    )
    return f"(?s{'i' if ignore_case else ''})^{''.join(parts)}$"
