"""Fixtures of the engine tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipelines.running import DATA, SAMPLES


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An execution's workdir holding the sample sheet (sample,path) of the three colonies."""
    folder = tmp_path / "execution"
    folder.mkdir()
    rows = "".join(f"{name},{DATA / 'workflows' / 'samples' / name}.csv\n" for name in SAMPLES)
    (folder / "samples.csv").write_text("sample,path\n" + rows)
    return folder
