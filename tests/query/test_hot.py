"""Hot tables: columns decoded once per Delta version, text as categoricals, a byte budget."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from deltalake import DeltaTable, write_deltalake

from biovista.config import Settings
from biovista.query.conditions import ROW_COLUMN
from biovista.query.hot import HotTables, TableVersion, hot_tables

FRAME = pl.DataFrame(
    {
        "species": ["Adelie", "Gentoo", "Adelie", "Chinstrap"],
        "body_mass_g": [3700.0, 5000.0, 3400.0, 3600.0],
        "year": [2007, 2008, 2009, 2007],
    }
)


def table(tmp_path: Path, frame: pl.DataFrame = FRAME, mode: str = "error") -> TableVersion:
    uri = str(tmp_path / "physical")
    write_deltalake(uri, frame.to_arrow(), mode=mode)  # type: ignore[arg-type]
    return TableVersion(uri, DeltaTable(uri).version())


def test_columns_load_once_text_as_categoricals_with_row_ids(tmp_path: Path) -> None:
    version = table(tmp_path)
    hot = HotTables(10**6)
    held = hot.frame(version, [ROW_COLUMN, "species", "body_mass_g"])
    assert held is not None
    assert held.columns == [ROW_COLUMN, "species", "body_mass_g"]
    assert held.schema["species"] == pl.Categorical
    assert held[ROW_COLUMN].to_list() == [0, 1, 2, 3]
    assert held["species"].cast(pl.String).to_list() == FRAME["species"].to_list()
    used = hot.used()
    again = hot.frame(version, ["body_mass_g"])
    assert again is not None and again["body_mass_g"].to_list() == FRAME["body_mass_g"].to_list()
    assert hot.used() == used  # nothing decoded twice
    hot.frame(version, ["year"])
    assert hot.used() > used  # a new column is added to the same entry


def test_a_table_over_budget_is_not_held(tmp_path: Path) -> None:
    hot = HotTables(max_bytes=16)  # four rows of one number need 32 bytes
    assert hot.frame(table(tmp_path), ["body_mass_g"]) is None
    assert hot.used() == 0


def test_a_new_version_replaces_the_old_one(tmp_path: Path) -> None:
    first = table(tmp_path)
    hot = HotTables(10**6)
    assert hot.frame(first, ["year"]) is not None
    more = pl.concat([FRAME, FRAME.head(1)])
    second = table(tmp_path, more, mode="overwrite")
    assert second.version == first.version + 1
    held = hot.frame(second, ["year"])
    assert held is not None and held.height == 5
    assert list(hot._entries) == [second]  # the stale version is gone


def test_the_least_recently_used_table_makes_room(tmp_path: Path) -> None:
    one, two = table(tmp_path / "a"), table(tmp_path / "b")
    hot = HotTables(max_bytes=40)  # room for one table's four numbers, not two
    assert hot.frame(one, ["year"]) is not None
    assert hot.frame(two, ["year"]) is not None
    assert list(hot._entries) == [two]


def test_each_runtime_gets_its_own_set_and_none_at_zero(tmp_path: Path) -> None:
    """Hot tables belong to a runtime (``SharedReads``), not the process: two are apart."""
    settings = Settings(data_dir=tmp_path, hot_tables_max_bytes=12345)
    first, second = hot_tables(settings), hot_tables(settings)
    assert first is not None and second is not None and first is not second
    assert hot_tables(Settings(data_dir=tmp_path, hot_tables_max_bytes=0)) is None
