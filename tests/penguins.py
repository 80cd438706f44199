"""The penguins project exactly as the documentation shows it, shared by the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

DATA = Path(__file__).parent / "data"

PROJECT_YAML = """\
name: penguins
description: Palmer penguins measured in three field runs
runs:
  root: ./data                     # a folder, or s3://bucket/prefix
  pattern: 'run_(?P<run>\\d+)_(?P<species>\\w+)'   # run folders; named groups become columns
collections:
  physical:
    files: 'physical_features\\.csv'    # regex over the path relative to the run folder
    description: Body measurements
    columns:
      individual_id: {type: str, description: Individual id within species}
      body_mass_g: {type: float, unit: g}
  demographics:
    files: 'demographic_data\\.csv'
links:
  - {from: demographics.individual_id, to: physical.individual_id}
"""

ROWS_PER_RUN = {"run_1_adelie": 151, "run_2_chinstrap": 68, "run_3_gentoo": 123}


def make_project(folder: Path, text: str = PROJECT_YAML) -> Path:
    """A copy of the penguins runs in ``folder/data`` and the project file beside it."""
    if not (folder / "data").exists():
        shutil.copytree(DATA / "penguins", folder / "data")
    target = folder / "project.yaml"
    target.write_text(text)
    return target
