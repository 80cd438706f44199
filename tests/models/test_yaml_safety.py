"""YAML bombs against every reader of user YAML (dashboard files, project files, workflow
manifests): each is refused quickly, at the line and column of the offending text, never
with a RecursionError and never by expanding it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from tests.penguins import PROJECT_YAML
from tests.yaml_bombs import BOMB

from biovista.errors import InvalidInputError, Problem
from biovista.models.dashboard_file import read_dashboard_yaml
from biovista.models.loader import check_project
from biovista.models.yaml_problems import read_yaml
from biovista.models.yaml_safe import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    MAX_SCALAR_CHARS,
    MAX_VALUES,
    YamlRefusedError,
    load_yaml,
)
from biovista.pipelines.manifest import MANIFEST_FILE, load_manifest


def _dashboard(text: str, tmp_path: Path) -> list[Problem]:
    with pytest.raises(InvalidInputError) as caught:
        read_dashboard_yaml(text, "bomb.yaml")
    return caught.value.problems


def _project(text: str, tmp_path: Path) -> list[Problem]:
    path = tmp_path / "project.yaml"
    path.write_text(text)
    return check_project(path).problems


def _manifest(text: str, tmp_path: Path) -> list[Problem]:
    (tmp_path / MANIFEST_FILE).write_text(text)
    with pytest.raises(InvalidInputError) as caught:
        load_manifest(tmp_path)
    return caught.value.problems


READERS: dict[str, Callable[[str, Path], list[Problem]]] = {
    "dashboard": _dashboard,
    "project": _project,
    "manifest": _manifest,
}


def refused(reader: str, text: str, tmp_path: Path, within: float = 1.0) -> Problem:
    """The one problem ``reader`` reports for ``text``; it must come ``within`` seconds."""
    started = time.monotonic()
    problems = READERS[reader](text, tmp_path)
    assert time.monotonic() - started < within
    (problem,) = problems
    return problem


@pytest.mark.parametrize("reader", READERS)
def test_billion_laughs_is_refused_at_the_first_anchor(reader: str, tmp_path: Path) -> None:
    assert len(BOMB.encode()) == 344
    problem = refused(reader, BOMB, tmp_path)
    assert problem.message == "anchors (&a) are not read; write the value out instead"
    assert (problem.line, problem.column) == (2, 4)


def test_an_alias_alone_is_refused_where_it_is() -> None:
    with pytest.raises(YamlRefusedError) as caught:
        load_yaml("tabs:\n  - name: x\n    components: *parts\n")
    assert caught.value.problem.message.startswith("aliases (*parts) are not read")
    assert (caught.value.problem.line, caught.value.problem.column) == (3, 17)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_deep_flow_nesting_is_a_located_problem_not_a_recursion_error(
    reader: str, opening: str, tmp_path: Path
) -> None:
    problem = refused(reader, "name: " + opening * 5000 + "\n", tmp_path)
    assert problem.line == 1 and problem.column is not None
    assert "nest" in problem.message


def test_the_depth_cap_names_its_limit_and_place() -> None:
    block = "".join("  " * level + "k:\n" for level in range(100))
    with pytest.raises(YamlRefusedError) as caught:
        load_yaml(block)
    problem = caught.value.problem
    assert problem.message == f"nested deeper than {MAX_DEPTH} levels"
    assert (problem.line, problem.column) == (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)
    nested, _ = load_yaml("".join("  " * level + "k:\n" for level in range(MAX_DEPTH - 1)))
    assert isinstance(nested, dict)


@pytest.mark.parametrize("reader", READERS)
def test_too_many_values_are_refused(reader: str, tmp_path: Path) -> None:
    text = "name: [" + ",".join(["1"] * MAX_VALUES) + "]\n"
    problem = refused(reader, text, tmp_path, within=5.0)  # read up to the cap, then refused
    assert problem.message == f"more than {MAX_VALUES:,} values in one document"
    assert problem.line == 1


@pytest.mark.parametrize("reader", READERS)
def test_a_second_document_is_refused(reader: str, tmp_path: Path) -> None:
    problem = refused(reader, "name: one\n---\nname: two\n", tmp_path)
    assert problem.message.startswith("a second document ('---') is not read")
    assert (problem.line, problem.column) == (2, 1)


@pytest.mark.parametrize("reader", READERS)
def test_a_huge_value_is_refused(reader: str, tmp_path: Path) -> None:
    problem = refused(reader, "title: ok\nname: " + "x" * (MAX_SCALAR_CHARS + 1), tmp_path)
    assert problem.message == (
        f"a value of {MAX_SCALAR_CHARS + 1:,} characters; at most {MAX_SCALAR_CHARS:,} are read"
    )
    assert (problem.line, problem.column) == (2, 7)


def test_a_huge_number_is_refused_before_python_converts_it() -> None:
    with pytest.raises(YamlRefusedError) as caught:
        load_yaml("rows: " + "9" * 5000)
    assert caught.value.problem.message == "a number of 5,000 characters; at most 100 are read"


def test_a_document_over_the_size_cap_is_refused() -> None:
    with pytest.raises(YamlRefusedError, match="at most 1,000,000 are read"):
        load_yaml("a: b\n" * (MAX_DOCUMENT_BYTES // 5 + 1))


def test_a_file_over_the_size_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("#" * (MAX_DOCUMENT_BYTES + 1))
    _, _, problem = read_yaml(path)
    assert problem is not None and "at most 1,000,000 are read" in problem.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!python/object:os.system x", "the tag !!python/object:os.system is not read"),
        ("a: !!set {x}", "the tag !!set is not read"),
        ("a: {<<: {b: 1}}", "merge keys ('<<') are not read"),
        ("? [a]\n: 1", "a key must be a plain value, not a mapping or a list"),
        ("a: !!int abc", "'abc' is not a valid int"),
    ],
)
def test_what_our_files_never_use_is_refused(text: str, message: str) -> None:
    with pytest.raises(YamlRefusedError) as caught:
        load_yaml(text)
    assert caught.value.problem.message.startswith(message)
    assert caught.value.problem.line == 1


@pytest.mark.parametrize(
    "text",
    [
        PROJECT_YAML,
        "",
        "---\n",
        "a: 1\na: 2\n",
        "- 1\n- [2, 3]\n- {x: y}\n",
        "k: 2024-01-02\nt: yes\nn: ~\nf: 1.5e3\ni: 0x1f\ns: '007'\nx: !!str 12\n",
        '{"json": [1, 2, {"a": null}], "b": true}',
    ]
    + [p.read_text() for p in Path(__file__).parents[2].glob("src/biovista/demo/**/*.yaml")],
)
def test_ordinary_yaml_reads_as_the_safe_loader_reads_it(text: str) -> None:
    data, lines = load_yaml(text)
    assert data == yaml.safe_load(text)
    node = yaml.compose(text)
    if node is not None:
        assert lines.lines[()] == node.start_mark.line + 1


def test_lines_and_duplicates_are_indexed_in_the_same_pass() -> None:
    _, lines = load_yaml("a:\n  b: [x, {c: 1}]\n  b: 2\n")
    assert lines.line_of(("a", "b", 1, "c")) == 2
    assert lines.line_of(("a", "missing")) == 1
    (duplicate,) = lines.duplicates
    assert (duplicate.where, duplicate.line) == ("a.b", 3)
