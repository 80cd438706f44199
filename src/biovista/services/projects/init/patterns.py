"""Regular expressions and names guessed from folder and file names for ``biovista init``.

Pure string work, kept apart from the walk over the disk so each guess can be tested alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

Signature = tuple[str | None, ...]
"""A relative path split into words and separators; None marks a word that varies by run."""

_SEPARATOR = re.compile(r"([._\-/])")
_CHARACTER_CLASSES = re.compile(r"\d+|[A-Za-z]+|[^A-Za-z\d]+")
_CLASS_REGEX = {"digits": r"\d+", "letters": "[A-Za-z]+"}
_DEFAULT_GROUP = {"digits": "run", "letters": "name"}
_KIND_WORD = {"digits": "number", "letters": "name"}


def words(path: str) -> list[str]:
    """Words and the separators between them, in order, so the path can be rebuilt."""
    return [token for token in _SEPARATOR.split(path) if token]


def is_separator(token: str) -> bool:
    return _SEPARATOR.fullmatch(token) is not None


def run_words(folders: Sequence[str]) -> dict[str, set[str]]:
    """Per folder, the lowercase words of its path that the other folders do not all share.

    A file named after its run (``adelie.tsv`` in ``run_1_adelie``) is the same kind of file
    as ``gentoo.tsv`` in ``run_3_gentoo``; these words are what must not tell them apart."""
    own = {folder: _word_set(folder) for folder in folders}
    common = set.intersection(*own.values()) if own else set()
    return {folder: found - common for folder, found in own.items()}


def _word_set(path: str) -> set[str]:
    found = {token.lower() for token in words(path) if not is_separator(token)}
    found |= {t.lower() for t in _CHARACTER_CLASSES.findall(path) if t[0].isalnum()}
    return found


def signature(inner: str, run_specific: Collection[str]) -> Signature:
    """``sample1.counts.tsv`` -> (None, '.', 'counts', '.', 'tsv').

    Words holding a digit, or words of the run's own name, are assumed to vary by run or
    sample; grouping by signature is what turns one file per sample into one collection."""
    return tuple(
        None
        if not is_separator(token)
        and (any(c.isdigit() for c in token) or token.lower() in run_specific)
        else token
        for token in words(inner)
    )


@dataclass(frozen=True)
class Template:
    """Paths of one kind: literal words, and at varying positions the words seen there."""

    parts: tuple[str | tuple[str, ...], ...]

    @classmethod
    def of(cls, paths: Sequence[str]) -> Template:
        """Paths must share a signature; positions whose words never differ stay literal."""
        columns = zip(*(words(path) for path in paths), strict=True)
        return cls(
            tuple(
                values[0] if len(set(values)) == 1 else tuple(sorted(set(values)))
                for values in columns
            )
        )

    def file_name(self) -> Template:
        """The part after the last '/'."""
        last = max((i for i, p in enumerate(self.parts) if p == "/"), default=-1)
        return Template(self.parts[last + 1 :])

    def has_folder(self) -> bool:
        return "/" in self.parts

    def literal_text(self) -> str:
        """The path with its varying words left out (a source for names)."""
        return "".join(p for p in self.parts if isinstance(p, str))

    def example(self) -> str:
        return "".join(p if isinstance(p, str) else p[0] for p in self.parts)


def file_regex(template: Template, tight: bool) -> str:
    """A regex for the template; loose collapses varying words into ``.*``, tight keeps
    one character class per word for when the loose one would claim other files."""
    wildcard = r"[^/]*" if template.has_folder() else ".*"
    pieces: list[str | None] = []
    for part in template.parts:
        if isinstance(part, str):
            pieces.append(re.escape(part))
        elif tight:
            pieces.append(r"\d+" if all(v.isdigit() for v in part) else r"[^._/\-]+")
        else:
            _collapse_into_wildcard(pieces)
    return "".join(wildcard if piece is None else piece for piece in pieces)


def _collapse_into_wildcard(pieces: list[str | None]) -> None:
    """``sample_1_R1`` has three varying words in a row; one ``.*`` reads better."""
    trailing = 0
    while trailing < len(pieces) and pieces[-1 - trailing] in (r"\.", "_", r"\-"):
        trailing += 1
    if trailing < len(pieces) and pieces[-1 - trailing] is None:
        del pieces[len(pieces) - trailing :]
    else:
        pieces.append(None)


def identifier(text: str) -> str:
    """A lowercase identifier from free text ('' when nothing usable is left)."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    if cleaned and cleaned[0].isdigit():
        cleaned = "t_" + cleaned
    return cleaned


def unique(name: str, taken: Collection[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... whichever is free."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}_{number}"
    return candidate


def strip_ending(name: str, endings: Collection[str]) -> str:
    """``physical_features.csv`` -> ``physical_features`` (longest known ending wins)."""
    lowered = name.lower()
    matching = [e for e in endings if lowered.endswith(e.lower())]
    return name[: len(name) - max(map(len, matching))] if matching else name


def run_pattern(runs: Sequence[str], columns: Collection[str]) -> tuple[str, str]:
    """(folders above every run, regex for the rest of each run's path).

    Runs all sit at the same depth. Varying words become named groups, whose names avoid
    ``columns``: a group and a column of the same name would shadow each other."""
    levels = [tuple(level) for level in zip(*(r.split("/") for r in runs), strict=True)]
    shared: list[str] = []
    while len(levels) > 1 and len(set(levels[0])) == 1:
        shared.append(levels.pop(0)[0])
    used = set(columns)
    pattern = "/".join(_component_pattern(sorted(set(values)), used) for values in levels)
    return "/".join(shared), pattern


def _component_pattern(values: Sequence[str], used: set[str]) -> str:
    """One folder level: ``run_1_adelie``, ``run_2_chinstrap`` ->
    ``run_(?P<run>\\d+)_(?P<name>[A-Za-z]+)``; names of other shapes -> a prefix pattern."""
    if len(values) == 1:
        return re.escape(values[0])
    split = [_CHARACTER_CLASSES.findall(value) for value in values]
    kinds = {tuple(_kind(token) for token in tokens) for tokens in split}
    if len(kinds) != 1:
        return _prefix_pattern(values)
    pieces: list[str] = []
    word: str | None = None
    for position, kind in enumerate(kinds.pop()):
        seen = {tokens[position] for tokens in split}
        if len(seen) == 1:
            literal = seen.pop()
            pieces.append(re.escape(literal))
            if kind != "other":
                word = literal if kind == "letters" else None
            continue
        if kind == "other":
            return _prefix_pattern(values)
        name = _group_name(word, kind, used)
        used.add(name)
        pieces.append(f"(?P<{name}>{_CLASS_REGEX[kind]})")
        word = None
    return "".join(pieces)


def _kind(token: str) -> str:
    if token.isdigit():
        return "digits"
    return "letters" if token.isalpha() else "other"


def _group_name(word: str | None, kind: str, used: set[str]) -> str:
    """Named after the word just before (``run_1`` -> ``run``), else after what it holds."""
    base = identifier(word) if word and len(word) > 1 else ""
    base = base or _DEFAULT_GROUP[kind]
    if base in used:
        base = f"{base}_{_KIND_WORD[kind]}" if base.startswith("run") else f"run_{base}"
    return unique(base, used)


def _prefix_pattern(values: Sequence[str]) -> str:
    """Shared beginning and end (cut at a separator) around ``[^/]+``: no alternation, so
    a new run folder with a new name still matches."""
    prefix = re.sub(r"[A-Za-z0-9]*$", "", _common_start(values))
    suffix = _common_start([v[::-1] for v in values])[::-1]
    suffix = re.sub(r"^[A-Za-z0-9]*", "", suffix)
    shortest = min(map(len, values))
    if len(prefix) + len(suffix) >= shortest:
        suffix = ""
    if len(prefix) >= shortest:
        prefix = ""
    return re.escape(prefix) + "[^/]+" + re.escape(suffix)


def _common_start(values: Sequence[str]) -> str:
    """The characters every value starts with (not path components: names are compared)."""
    first, last = min(values), max(values)
    size = next(
        (i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first)
    )
    return first[:size]
