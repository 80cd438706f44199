"""The ``where`` filter language on one small real collection: every construct it has gives
the right rows, and everything else (SQL beyond a condition, functions, tables, comments,
deep nesting, long input, wrong types) is refused with a located message of our own."""

from __future__ import annotations

import re
import sys
from datetime import date, datetime

import polars as pl
import pytest

from biovista.errors import InvalidInputError
from biovista.query.filter_language import MAX_DEPTH, MAX_LENGTH, compile_filter

PENGUINS = pl.DataFrame(
    {
        "individual_id": ["adelie_1", "adelie_2", "gentoo_1", "gentoo_2", "chin_1", "odd%_1"],
        "species": ["Adelie", "Adelie", "Gentoo", "Gentoo", "Chinstrap", None],
        "body_mass_g": [3750.0, -2.5, 6000.0, None, 3700.0, 4000.0],
        "year": [2007, 2008, 2009, 2009, 2008, 2007],
        "adult": [True, False, True, None, True, False],
        "measured": [date(2024, 1, d) for d in (1, 5, 10, 15, 20, 25)],
        "seen": [datetime(2024, 1, d, 12) for d in (1, 5, 10, 15, 20, 25)],
        "island name": ["Torgersen", "Biscoe", "Biscoe", "Dream", "Dream", "Dream"],
        "tags": [["a"], [], ["b"], None, ["c"], ["d"]],
    }
).with_columns(pl.col("species").cast(pl.Categorical).alias("species_cat"))

ENGINE_WORDS = re.compile(r"polars|sqlglot|Error|Traceback|Required keyword|Expecting", re.I)


def rows(text: str) -> list[str]:
    """The individual ids ``text`` keeps, in table order."""
    kept = PENGUINS.filter(compile_filter(text, PENGUINS.schema))
    return kept["individual_id"].to_list()


def refused(text: str) -> str:
    """The one-line message ``text`` is refused with (never an engine's words)."""
    with pytest.raises(InvalidInputError) as caught:
        compile_filter(text, PENGUINS.schema)
    message = str(caught.value)
    assert message.startswith("where: ")
    assert "\n" not in message
    assert not ENGINE_WORDS.search(message), message
    return message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("body_mass_g > 3750", ["gentoo_1", "odd%_1"]),
        ("body_mass_g >= 3750", ["adelie_1", "gentoo_1", "odd%_1"]),
        ("body_mass_g < 0", ["adelie_2"]),
        ("body_mass_g <= 3700", ["adelie_2", "chin_1"]),
        ("year = 2008", ["adelie_2", "chin_1"]),
        ("year == 2008", ["adelie_2", "chin_1"]),
        ("year != 2007 AND year <> 2009", ["adelie_2", "chin_1"]),
        ("2008 = year", ["adelie_2", "chin_1"]),
        ("3750 < body_mass_g", ["gentoo_1", "odd%_1"]),
        ("body_mass_g = -2.5", ["adelie_2"]),
        ("body_mass_g = 6e3", ["gentoo_1"]),
        ("species = 'Adelie' AND year = 2008", ["adelie_2"]),
        ("species = 'Chinstrap' OR year = 2009", ["gentoo_1", "gentoo_2", "chin_1"]),
        ("species = 'Gentoo' AND (year = 2007 OR body_mass_g > 5000)", ["gentoo_1"]),
        ("NOT species = 'Adelie'", ["gentoo_1", "gentoo_2", "chin_1"]),
        ("NOT (year = 2007 OR year = 2009)", ["adelie_2", "chin_1"]),
        ("NOT NOT year = 2007", ["adelie_1", "odd%_1"]),
        ("year IN (2007, 2009)", ["adelie_1", "gentoo_1", "gentoo_2", "odd%_1"]),
        ("year NOT IN (2007, 2009)", ["adelie_2", "chin_1"]),
        ("year IN (2008, 2008.5)", ["adelie_2", "chin_1"]),
        ("body_mass_g IN (6000, -2.5)", ["adelie_2", "gentoo_1"]),
        ("species IN ('Gentoo', 'Chinstrap')", ["gentoo_1", "gentoo_2", "chin_1"]),
        ("species NOT IN ('Gentoo', 'Chinstrap')", ["adelie_1", "adelie_2"]),
        ("body_mass_g BETWEEN 3700 AND 4000", ["adelie_1", "chin_1", "odd%_1"]),
        ("body_mass_g NOT BETWEEN 3700 AND 4000", ["adelie_2", "gentoo_1"]),
        ("body_mass_g BETWEEN -3 AND year", ["adelie_2"]),
        ("species LIKE 'Gen%'", ["gentoo_1", "gentoo_2"]),
        ("species LIKE '%strap'", ["chin_1"]),
        ("species LIKE 'Adeli_'", ["adelie_1", "adelie_2"]),
        ("species LIKE 'adelie'", []),
        ("species ILIKE 'adelie'", ["adelie_1", "adelie_2"]),
        ("species NOT LIKE 'A%'", ["gentoo_1", "gentoo_2", "chin_1"]),
        ("species NOT ILIKE 'a%'", ["gentoo_1", "gentoo_2", "chin_1"]),
        ("individual_id LIKE 'odd%'", ["odd%_1"]),
        ("individual_id LIKE '%\\%%'", []),  # no escape character: backslash is text
        ("species_cat = 'Gentoo'", ["gentoo_1", "gentoo_2"]),
        ("species_cat LIKE 'G%'", ["gentoo_1", "gentoo_2"]),
        ("species IS NULL", ["odd%_1"]),
        (
            "species IS NOT NULL AND body_mass_g IS NOT NULL",
            ["adelie_1", "adelie_2", "gentoo_1", "chin_1"],
        ),
        ("tags IS NULL", ["gentoo_2"]),
        ("adult = TRUE", ["adelie_1", "gentoo_1", "chin_1"]),
        ("adult = false", ["adelie_2", "odd%_1"]),
        ("measured >= '2024-01-20'", ["chin_1", "odd%_1"]),
        ("measured BETWEEN '2024-01-05' AND '2024-01-10'", ["adelie_2", "gentoo_1"]),
        ("measured IN ('2024-01-01', '2024-01-25')", ["adelie_1", "odd%_1"]),
        ("seen > '2024-01-20 00:00:00'", ["chin_1", "odd%_1"]),
        ("seen < '2024-01-05'", ["adelie_1"]),
        ('"island name" = \'Dream\' AND "year" = 2009', ["gentoo_2"]),
        ("body_mass_g > year", ["adelie_1", "gentoo_1", "chin_1", "odd%_1"]),
        ("((((year = 2007))))", ["adelie_1", "odd%_1"]),
        ("year = 2007\n  AND species = 'Adelie'", ["adelie_1"]),
    ],
)
def test_every_construct_keeps_the_right_rows(text: str, expected: list[str]) -> None:
    assert rows(text) == expected


def test_nulls_follow_sql_three_valued_logic() -> None:
    # a row whose value is missing matches neither a comparison nor its negation
    assert "gentoo_2" not in rows("body_mass_g > 0") + rows("NOT body_mass_g > 0")
    assert "odd%_1" not in rows("species = 'Adelie'") + rows("species NOT IN ('Adelie')")
    assert rows("body_mass_g > 5000 OR species IS NULL") == ["gentoo_1", "odd%_1"]


def test_like_patterns_are_never_regular_expressions() -> None:
    for pattern in (".*", "A.*", "(Adelie|Gentoo)", "[A-Z]%", "^Adelie$", "Adelie\\", "A{2}%"):
        assert rows(f"species LIKE '{pattern}'") == [], pattern
    assert rows("species LIKE '%'") == ["adelie_1", "adelie_2", "gentoo_1", "gentoo_2", "chin_1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "individual_id IN (SELECT * FROM read_csv('/data/keys/signing.pem'))",
            "unexpected 'SELECT' at column 19: subqueries are not allowed",
        ),
        (
            "1=1 UNION SELECT * FROM self",
            "unexpected 'UNION' at column 5: subqueries are not allowed",
        ),
        (
            "EXISTS (SELECT 1)",
            "unexpected 'EXISTS' at column 1: subqueries are not allowed",
        ),
        (
            "species = 'a' OR read_csv('/etc/passwd') IS NOT NULL",
            "unexpected 'read_csv' at column 18: function calls are not allowed",
        ),
        (
            "year IN (read_parquet('/data/tables/other/part-0.parquet'))",
            "unexpected 'read_parquet' at column 10: function calls are not allowed",
        ),
        ("upper(species) = 'A'", "unexpected 'upper' at column 1: function calls are not allowed"),
        ('"read_csv"(1) = 1', "unexpected '\"read_csv\"' at column 1: function calls are not"),
        ("CAST(year AS TEXT) = '1'", "unexpected 'CAST' at column 1: function calls are not"),
        ("year::text = '1'", "unexpected '::' at column 5: casts are not allowed"),
        ("self.year = 2007", "unexpected '.' at column 5: table names are not allowed"),
        ("year = 2007; DROP TABLE self", "unexpected ';' at column 12: a filter is one condition"),
        ("year = 2007 -- AND 1 = 0", "unexpected '--' at column 13: comments are not allowed"),
        ("year = 2007 /* */ OR 1 = 1", "unexpected '/*' at column 13: comments are not allowed"),
        ("year = 2007 /* unclosed", "unexpected '/*' at column 13: comments are not allowed"),
        ("year + 1 = 2008", "unexpected '+' at column 6: arithmetic is not allowed"),
        ("year - 1 = 2008", "unexpected '-' at column 6: arithmetic is not allowed"),
        ("year * 2 = 4016", "unexpected '*' at column 6"),
        ("year = ?", "unexpected '?' at column 8: parameters are not allowed"),
        ("CASE WHEN year > 1 THEN 1 END = 1", "unexpected 'CASE' at column 1"),
        ("species LIKE 'A%' ESCAPE '!'", "unexpected 'ESCAPE' at column 19"),
        ("measured = DATE '2024-01-01'", "unexpected 'DATE' at column 12"),
        ("year", "unexpected 'year' at column 1: a column or value alone is not a condition"),
        ("'a' = 'a'", "unexpected \"'a'\" at column 1: a comparison needs a column on one side"),
        ("year IS TRUE", "IS is followed by NULL or NOT NULL (near 'year' at column 1)"),
        ("year IN ()", "in the condition at column 1: IN needs at least one value"),
        ("year IN (body_mass_g)", "unexpected 'body_mass_g' at column 10: IN takes a list"),
        ("year = NULL", "NULL matches nothing here; use IS NULL or IS NOT NULL"),
        ("year >", "the condition stops after '>' at column 6"),
        ("year > 1 AND", "the condition stops after 'AND' at column 10"),
        ("year = 1 species = 'a'", "unexpected 'species' at column 10"),
        ("(year = 1", "the '(' at column 1 is not closed"),
        ("year = 1)", "unexpected ')' at column 9: no '(' is open here"),
        ("species = 'Adelie", "the quoted text opened at column 11 is not closed"),
        ('"species = 1', "the quoted name opened at column 1 is not closed"),
        ("   ", "the filter is empty"),
    ],
)
def test_anything_else_is_refused_where_it_is(text: str, message: str) -> None:
    assert message in refused(text)


def test_an_unknown_column_is_named_with_the_closest_and_all_columns() -> None:
    message = refused("species = 'Adelie' AND body_mass > 3000")
    assert "unknown column 'body_mass' at column 24: did you mean 'body_mass_g'?" in message
    assert "the columns are individual_id, species, body_mass_g, year" in message
    assert "at line 2, column 6" in refused("year = 2007\n  OR nope = 1")
    assert "unknown column 'Year'" in refused("Year = 2007")  # names are exact


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "body_mass_g > 'heavy'",
            "unexpected \"'heavy'\" at column 15: this is text, but "
            "column 'body_mass_g' holds numbers (Float64)",
        ),
        ("species = 1", "this is a number, but column 'species' holds text (String); quote it"),
        ("adult = 1", "this is a number, but column 'adult' holds TRUE/FALSE values (Boolean)"),
        ("year IN (2007, 'x')", "unexpected \"'x'\" at column 16: this is text, but column 'year'"),
        ("species LIKE 'A%' OR year LIKE '2%'", "unexpected 'year' at column 22: LIKE needs text"),
        ("species LIKE 1", "unexpected '1' at column 14: LIKE takes a quoted pattern"),
        (
            "measured > '2024-13-01'",
            "column 'measured' holds dates (Date), written as '2024-05-31'",
        ),
        ("seen > 'noon'", "column 'seen' holds dates with times"),
        ("species = year", "column 'species' holds text (String) and column 'year' holds numbers"),
        ("tags = 'a'", "column 'tags' holds List(String) values; test it only with IS [NOT] NULL"),
    ],
)
def test_a_type_mismatch_names_the_column_and_its_type(text: str, message: str) -> None:
    assert message in refused(text)


def test_keyword_named_columns_work_double_quoted_and_mostly_bare() -> None:
    frame = pl.DataFrame({"date": [date(2024, 1, 1)], "select": [1], "order": [2]})
    for text in ("date = '2024-01-01'", "order = 2", '"select" = 1'):
        assert frame.filter(compile_filter(text, frame.schema)).height == 1, text
    with pytest.raises(InvalidInputError, match="double-quote a column whose name is a keyword"):
        compile_filter("select = 1", frame.schema)


def test_input_is_bounded_before_it_is_parsed() -> None:
    deep = "(" * 5000 + "year = 1" + ")" * 5000
    assert f"at most {MAX_LENGTH:,}" in refused(deep)
    long = " OR ".join(["year = 2007"] * 200)
    assert f"the filter has {len(long):,} characters; at most 2,000" in refused(long)
    assert rows(" OR ".join(["year = 2007"] * 130)) == ["adelie_1", "odd%_1"]  # 1,937 chars


def test_nesting_is_refused_before_the_parser_recurses() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(300)  # even a thread with little stack left answers cleanly
    try:
        parens = "(" * 300 + "year = 1" + ")" * 300
        message = refused(parens)
        assert f"unexpected '(' at column {MAX_DEPTH + 1}: parentheses and NOT nest more" in message
        assert "nest more than 20 deep" in refused("NOT " * 400 + "year = 1")
        assert "nest more than 20 deep" in refused("NOT (" * 200 + "year = 1" + ")" * 200)
    finally:
        sys.setrecursionlimit(limit)
    ok = "(" * MAX_DEPTH + "year = 2008" + ")" * MAX_DEPTH
    assert rows(ok) == ["adelie_2", "chin_1"]
    assert rows("NOT " * (MAX_DEPTH - 1) + "year = 2008") == rows("NOT year = 2008")


def test_a_long_flat_chain_of_and_does_not_recurse() -> None:
    chain = " AND ".join(["year > 0"] * 150)  # 1,945 characters, a tree 150 deep
    assert len(rows(chain)) == PENGUINS.height
