"""The ``where`` filter language: one condition on a collection's own columns, parsed by
sqlglot and translated, node by node, into a polars expression (rows API, ``biovista show``).

    condition := term (OR term)*                term := factor (AND factor)*
    factor    := NOT factor | '(' condition ')' | predicate
    predicate := operand (= | == | != | <> | < | <= | > | >=) operand
               | column [NOT] IN '(' value (',' value)* ')'
               | column [NOT] BETWEEN operand AND operand
               | column [NOT] LIKE 'text' | column [NOT] ILIKE 'text'   (% any text, _ one char)
               | column IS [NOT] NULL
    operand   := column | value             (every predicate has a column on its left or right)
    column    := name | "any name"          (the collection's own columns only)
    value     := 'text' | number | -number | TRUE | FALSE

Invariants: user text never becomes code. Before the parser runs, the text is bounded
(``MAX_LENGTH`` characters, ``MAX_TOKENS`` tokens, ``MAX_DEPTH`` levels of parentheses and
NOT, so that nothing recurses deeply) and every token is checked against the language's own;
after, only the syntax-tree nodes above are translated (by
:mod:`biovista.query.filter_translate`) and anything else is refused. Values are checked
against their column's type before anything runs. Every refusal names the token and its
position in our own words: no parser or engine message is ever shown, since either may
quote text it read."""

from __future__ import annotations

import re

import polars as pl
from sqlglot import ParseError, Token, TokenError, TokenType, exp
from sqlglot.dialects.dialect import Dialect

from biovista.errors import InvalidInputError
from biovista.query.filter_translate import TABLE_NAMES, FilterText, translate

MAX_LENGTH = 2000
MAX_TOKENS = 1000
MAX_DEPTH = 20
"""Parentheses and NOT nested deeper than this are refused before the (recursive) parser
runs; 20 is far beyond any hand-written filter and far below Python's recursion limit."""

T = TokenType
_DIALECT = Dialect.get_or_raise(None)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_ALLOWED = {
    *(T.VAR, T.IDENTIFIER, T.STRING, T.NUMBER, T.L_PAREN, T.R_PAREN, T.COMMA),
    *(T.EQ, T.NEQ, T.LT, T.LTE, T.GT, T.GTE, T.AND, T.OR, T.NOT, T.IN, T.BETWEEN),
    *(T.LIKE, T.ILIKE, T.IS, T.NULL, T.TRUE, T.FALSE),
}
_BEFORE_PAREN = {T.AND, T.OR, T.NOT, T.IN, T.BETWEEN, T.LIKE, T.ILIKE}
"""Words that may precede '(' without being a function call."""
_OPERAND_END = {T.VAR, T.IDENTIFIER, T.STRING, T.NUMBER, T.R_PAREN, T.NULL, T.TRUE, T.FALSE}
_SUBQUERY = (T.SELECT, T.FROM, T.UNION, T.INTERSECT, T.EXCEPT, T.WITH, T.EXISTS, T.VALUES)
_REASONS = {
    **dict.fromkeys(_SUBQUERY, "subqueries are not allowed"),
    **dict.fromkeys(
        (T.JOIN, T.WHERE, T.LIMIT, T.ORDER_BY, T.GROUP_BY, T.HAVING),
        "a filter is one condition, not a query",
    ),
    **dict.fromkeys(
        (T.PLUS, T.SLASH, T.MOD, T.DIV, T.DPIPE, T.CARET, T.AMP, T.PIPE),
        "arithmetic is not allowed",
    ),
    **dict.fromkeys((T.PARAMETER, T.PLACEHOLDER, T.COLON), "parameters are not allowed"),
    T.SEMICOLON: "a filter is one condition; ';' is not allowed",
    T.DOT: TABLE_NAMES,
    T.STAR: "'*' is not allowed",
    T.DCOLON: "casts are not allowed",
}


def compile_filter(text: str, schema: pl.Schema) -> pl.Expr:
    """The polars expression for ``text`` over a frame of ``schema``, or an
    :class:`InvalidInputError` saying which token is wrong, where, and why."""
    source = FilterText(text)
    tokens = _tokens(source, set(schema.names()))
    tree = _parse(source, tokens)
    try:
        expression = translate(tree, source, schema)
        pl.LazyFrame(schema=schema).filter(expression).collect()  # types clash here, not later
    except (pl.exceptions.PolarsError, ValueError, TypeError, OverflowError):
        raise source.fail("the filter does not fit the types of its columns") from None
    return expression


def _tokens(source: FilterText, columns: set[str]) -> list[Token]:
    text = source.text
    if len(text) > MAX_LENGTH:
        raise source.fail(f"the filter has {len(text):,} characters; at most {MAX_LENGTH:,}")
    try:
        tokens = _DIALECT.tokenize(text)
    except TokenError:
        raise _unreadable(source) from None
    _refuse_comments(source, tokens)
    if not tokens:
        raise source.fail("the filter is empty")
    if len(tokens) > MAX_TOKENS:
        raise source.fail(f"the filter has {len(tokens):,} terms; at most {MAX_TOKENS:,}")
    for index in range(len(tokens)):
        _check_token(source, tokens, index, columns)
    _check_nesting(source, tokens)
    return tokens


def _unreadable(source: FilterText) -> InvalidInputError:
    """Where the quote the tokenizer could not close opens, or the comment that it could not
    end (its own message would quote the text)."""
    text, index = source.text, 0
    while index < len(text):
        mark = text[index]
        if text.startswith(("--", "/*"), index):
            return source.unexpected(index, index + 1, "comments are not allowed")
        if mark in "'\"":
            close = index + 1
            while (close := text.find(mark, close)) != -1 and text[close + 1 : close + 2] == mark:
                close += 2  # a doubled quote stands for itself
            if close == -1:
                what = "text" if mark == "'" else "name"
                return source.fail(f"the quoted {what} opened at {source.at(index)} is not closed")
            index = close
        index += 1
    return source.fail("the filter cannot be read")


def _refuse_comments(source: FilterText, tokens: list[Token]) -> None:
    """The tokenizer drops comments: anything but blanks between tokens is one."""
    previous = 0
    for start, end in [*((t.start, t.end + 1) for t in tokens), (len(source.text), 0)]:
        gap = source.text[previous:start]
        if gap.strip():
            offset = previous + len(gap) - len(gap.lstrip())
            raise source.unexpected(offset, offset + 1, "comments are not allowed")
        previous = end


def _check_token(source: FilterText, tokens: list[Token], index: int, columns: set[str]) -> None:
    token, kind = tokens[index], tokens[index].token_type
    following = tokens[index + 1].token_type if index + 1 < len(tokens) else None
    word = kind == T.IDENTIFIER or (
        kind not in (T.STRING, T.NUMBER) and bool(_WORD.fullmatch(token.text))
    )
    if word and following == T.L_PAREN and kind not in _BEFORE_PAREN and kind not in _REASONS:
        raise source.unexpected(token.start, token.end, "function calls are not allowed")
    if kind == T.DASH:  # only the sign of a number
        after_operand = index > 0 and tokens[index - 1].token_type in _OPERAND_END
        if following == T.NUMBER and not after_operand:
            return
        raise source.unexpected(token.start, token.end, "arithmetic is not allowed")
    if kind in _ALLOWED or (word and token.text in columns):
        return
    reason = _REASONS.get(kind, "this is not part of the filter language")
    if word and kind not in _REASONS:
        reason += " (double-quote a column whose name is a keyword)"
    raise source.unexpected(token.start, token.end, reason)


def _check_nesting(source: FilterText, tokens: list[Token]) -> None:
    """Parentheses balance, and no more than ``MAX_DEPTH`` levels of them and of NOT."""
    opened: list[tuple[int, int]] = []  # where each open '(' is, and the level outside it
    base = level = 0
    for token in tokens:
        if token.token_type == T.L_PAREN:
            opened.append((token.start, base))
            base = level = level + 1
        elif token.token_type == T.R_PAREN:
            if not opened:
                raise source.unexpected(token.start, token.end, "no '(' is open here")
            base = level = opened.pop()[1]
        elif token.token_type == T.NOT:
            level += 1
        else:
            level = base
        if level > MAX_DEPTH:
            raise source.unexpected(
                token.start, token.end, f"parentheses and NOT nest more than {MAX_DEPTH} deep"
            )
    if opened:
        raise source.fail(f"the '(' at {source.at(opened[-1][0])} is not closed")


def _parse(source: FilterText, tokens: list[Token]) -> exp.Expr:
    try:
        trees = _DIALECT.parser().parse_into(exp.Condition, tokens, source.text)
    except ParseError as exc:
        raise _parse_problem(source, tokens, exc) from None
    except RecursionError:  # _check_nesting keeps well below it; never a traceback anyway
        raise source.fail(f"parentheses and NOT nest more than {MAX_DEPTH} deep") from None
    if len(trees) != 1 or trees[0] is None:
        raise source.fail("a filter is one condition")
    return trees[0]


def _parse_problem(source: FilterText, tokens: list[Token], exc: ParseError) -> InvalidInputError:
    """The token the parser stopped at, located (its own description stays unsaid)."""
    first = exc.errors[0] if exc.errors else {}
    for index, token in enumerate(tokens):
        if (token.line, token.col) == (first.get("line"), first.get("col")):
            if index == len(tokens) - 1:
                shown = source.shown(token.start, token.end)
                return source.fail(f"the condition stops after {shown} at {source.at(token.start)}")
            keyword = token.token_type not in (T.VAR, T.IDENTIFIER) and _WORD.fullmatch(token.text)
            hint = "double-quote a column whose name is a keyword" if keyword else ""
            return source.unexpected(token.start, token.end, hint)
    return source.fail("this is not a condition of the filter language")
