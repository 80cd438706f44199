"""YAML bombs shared by the reader's tests and the server's."""

from __future__ import annotations


def laughs(levels: int, padding_to: int | None = None) -> str:
    """The billion-laughs file: each level is nine aliases of the one before."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghij"
    for level in range(1, levels):
        alias = f"*{names[level - 1]}"
        lines.append(f"{names[level]}: &{names[level]} [" + ",".join([alias] * 9) + "]")
    text = "\n".join(lines) + "\n"
    if padding_to is not None:
        text = "title: " + "x" * (padding_to - len(text) - 8) + "\n" + text
    return text


BOMB = laughs(7, padding_to=344)
"""344 bytes that stand for 4.8 million strings (seven seconds and a gigabyte before)."""

DEEP = "tabs: " + "[" * 5000 + "\n"
"""5,000 nested lists: a RecursionError (answered 500) in a recursive YAML composer."""
