"""A project whose rows point at images: good ones of every served type, and bad ones.

Shared by the image service and route tests. Each bad row is a way an image path from a
workflow can go wrong: leaving its run folder, absolute, missing, a symlink out of the
runs, bytes that are no image, a type browsers do not show.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.models.loader import load_project
from biovista.services.dashboards.documents import import_dashboard
from biovista.services.ingest.run import ingest_project

PROJECT = """\
name: pictures
runs:
  root: ./data
  pattern: 'run_(?P<run>\\d+)'
collections:
  images:
    files: 'images\\.csv'
    columns:
      image: {type: str}
      title: {type: str}
      good: {type: bool}
"""

DASHBOARD = """\
title: Pictures
tabs:
  - name: All
    components:
      - {type: image, id: gallery, collection: images, column: image, label: title, limit: 4}
      - {type: image, id: unlabelled, collection: images, column: image}
      - {type: filter, id: good-only, collection: images, kind: switch, column: good}
"""

SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"/>\n'

RUN_1 = [
    ("plots/wide.png", "Wide PNG", True),
    ("plots/photo.jpg", "Photo", True),
    ("plots/anim.gif", "Animation", True),
    ("plots/modern.webp", "WebP", True),
    ("plots/vector.svg", "Vector", True),
    ("../run_2/plots/other.png", "Parent folder", False),
    ("/etc/hostname.png", "Absolute", False),
    ("plots/missing.png", "Missing", False),
    ("plots/escape.png", "Symlink out", False),
    ("plots/fake.png", "Not a PNG", False),
    ("plots/notes.txt", "Text", False),
    ("", "No path", False),
]
RUN_2 = [("plots/other.png", "Other run", True)]

SIZES = {"wide.png": (640, 420), "photo.jpg": (800, 600), "anim.gif": (300, 300)}


@dataclass(frozen=True)
class Pictures:
    settings: Settings
    root: Path
    dashboard: uuid.UUID


def _write_run(folder: Path, rows: list[tuple[str, str, bool]]) -> None:
    (folder / "plots").mkdir(parents=True)
    lines = ["image,title,good"] + [f"{p},{t},{str(g).lower()}" for p, t, g in rows]
    (folder / "images.csv").write_text("\n".join(lines) + "\n")


def make_pictures(root: Path) -> Pictures:
    """The runs, the project file, the ingested tables and a dashboard with two galleries."""
    data = root / "data"
    _write_run(data / "run_1", RUN_1)
    _write_run(data / "run_2", RUN_2)
    plots = data / "run_1" / "plots"
    Image.new("RGB", SIZES["wide.png"], "orange").save(plots / "wide.png")
    Image.new("RGB", SIZES["photo.jpg"], "teal").save(plots / "photo.jpg")
    Image.new("P", SIZES["anim.gif"], 3).save(plots / "anim.gif")
    Image.new("RGBA", (500, 100), (0, 0, 255, 128)).save(plots / "modern.webp")
    (plots / "vector.svg").write_text(SVG)
    (plots / "fake.png").write_text("<html>not an image</html>")
    (plots / "notes.txt").write_text("notes")
    Image.new("RGB", (10, 10)).save(root / "secret.png")
    (plots / "escape.png").symlink_to(root / "secret.png")
    Image.new("RGB", (320, 200), "purple").save(data / "run_2" / "plots" / "other.png")
    (root / "pictures.yaml").write_text(PROJECT)
    settings = Settings(data_dir=root / "store", database_url=f"sqlite:///{root / 'meta.db'}")
    report = ingest_project(load_project(root / "pictures.yaml"), settings)
    assert report.collections["images"].total_rows == len(RUN_1) + len(RUN_2)
    with session_scope(settings.resolved_database_url) as session:
        board = import_dashboard(session, LOCAL_ADMIN, "pictures", DASHBOARD, "pictures.yaml")
        dashboard = board.id
    return Pictures(settings, root, dashboard)
