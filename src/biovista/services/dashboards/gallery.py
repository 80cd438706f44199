"""The images of an image gallery: which rows it lists, where each file is, its thumbnail.

A gallery's collection holds, per row, the path of an image relative to the row's run
folder. Those paths come from workflow outputs, so they are untrusted: a path must stay
inside its run folder (no '..', no absolute path) and, once symlinks are followed, inside
the project's runs root; only image types that browsers show inline are served, with the
content type their bytes prove. Access is the viewer's own: callers pass a
:class:`DashboardData` made from :func:`open_dashboard`, which already said 404 to anyone
who may not see the dashboard.

An image is addressed by its row's stable id (``_row``), not by its place in the filtered
list, so its address does not depend on the filters and the browser can cache it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl
from PIL import Image, ImageOps, UnidentifiedImageError

from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.errors import BiovistaError, InvalidInputError, NotFoundError, StorageError
from biovista.models.dashboard import FilterState
from biovista.query import ROW_COLUMN, image_page
from biovista.query.dashboard import DashboardData
from biovista.services.projects.catalog import get_project
from biovista.services.projects.files import collection_source
from biovista.storage.base import Source
from biovista.storage.sources import LocalSource

THUMB_SIZE = 240
"""Thumbnails fit in a square of this many pixels."""

CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
SNIFF_BYTES = 1024


@dataclass(frozen=True)
class GalleryItem:
    row: int
    """The row's stable id: the image's address."""
    caption: str
    problem: str | None = None
    """Why the image cannot be shown (a missing file, an unsafe path), for its tile."""


@dataclass(frozen=True)
class GalleryPage:
    items: list[GalleryItem]
    total: int
    """How many images the filters leave, of which ``items`` are the first."""


@dataclass(frozen=True)
class StoredImage:
    """One gallery image, located and checked, not read yet."""

    source: Source
    path: str
    """Relative to the source root, '/'-separated."""
    size: int
    mtime_ns: int
    caption: str

    def key(self, variant: str) -> str:
        """Changes whenever the file does: names cache entries and is the HTTP ETag."""
        parts = (self.source.root, self.path, str(self.size), str(self.mtime_ns), variant)
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class ServedFile:
    """A local file to send, its content type and its ETag."""

    path: Path
    content_type: str
    etag: str


def gallery_page(
    settings: Settings, data: DashboardData, component_id: str, state: FilterState, limit: int
) -> GalleryPage:
    """The first ``limit`` images the filters leave in gallery ``component_id``, each
    checked as :func:`locate_image` would, so a tile can say why its image is missing."""
    spec, frame = data.image_rows(component_id, state)
    page, total = image_page(frame, spec, limit)
    if page.is_empty():
        return GalleryPage([], total)
    source = _source(settings, data, spec.collection)
    items = []
    for found in page.iter_rows(named=True):
        try:
            _stored(source, found)
            problem = None
        except BiovistaError as exc:
            problem = str(exc)
        items.append(GalleryItem(int(found[ROW_COLUMN]), str(found["caption"]), problem))
    return GalleryPage(items, total)


def locate_image(
    settings: Settings, data: DashboardData, component_id: str, row: int
) -> StoredImage:
    """The image of row ``row`` of the gallery, whatever the filters: NotFoundError when the
    row or its file does not exist, InvalidInputError when its path is not a safe image path."""
    spec, frame = data.image_rows(component_id, FilterState())
    page, _ = image_page(frame.filter(pl.col(ROW_COLUMN) == row), spec, 1)
    if page.is_empty():
        raise NotFoundError(f"gallery {component_id!r} has no image in row {row}")
    return _stored(_source(settings, data, spec.collection), page.row(0, named=True))


def _source(settings: Settings, data: DashboardData, collection: str) -> Source:
    with session_scope(settings.resolved_database_url) as session:
        return collection_source(settings, get_project(session, data.opened.project), collection)


def _stored(source: Source, found: dict[str, Any]) -> StoredImage:
    """A row of :func:`image_page` as a checked file: safe path, image type, present."""
    run_folder = found["_run"] or str(PurePosixPath(found["_file"] or "").parent)
    path = safe_path(run_folder, found["path"])
    if PurePosixPath(path).suffix.lower() not in CONTENT_TYPES:
        raise InvalidInputError(
            f"{found['path']!r} is not an image a browser shows: "
            f"the file name must end in {', '.join(CONTENT_TYPES)}"
        )
    size, mtime_ns = _stat(source, path)
    return StoredImage(source, path, size, mtime_ns, str(found["caption"]))


def safe_path(run_folder: str, value: str) -> str:
    """``value`` joined to its run folder, refusing any way out of that folder."""
    if "\\" in value or "\0" in value:
        raise InvalidInputError(f"image path {value!r} must use '/' between folders")
    relative = PurePosixPath(value)
    if relative.is_absolute() or re.match(r"^[A-Za-z]:", value):
        raise InvalidInputError(
            f"image path {value!r} must be relative to its run folder, not absolute"
        )
    if ".." in relative.parts:
        raise InvalidInputError(f"image path {value!r} must not leave its run folder ('..')")
    parts = [p for p in (*PurePosixPath(run_folder).parts, *relative.parts) if p != "."]
    if not parts:
        raise InvalidInputError("an image path is empty")
    return "/".join(parts)


def _stat(source: Source, path: str) -> tuple[int, int]:
    """Size and time of the file; a local one is also sniffed now (it costs one small
    read), an object in S3 when it is first fetched."""
    if isinstance(source, LocalSource):
        local = _local_file(source, path)
        _content_type(local, path)
        info = local.stat()
        return info.st_size, info.st_mtime_ns
    try:
        entry = source.stat(path)
    except StorageError as exc:
        raise NotFoundError(f"image {path!r} is not in the project's storage ({exc})") from None
    return entry.size, entry.mtime_ns


def _local_file(source: LocalSource, path: str) -> Path:
    """The file itself, symlinks followed; it must still be inside the runs root."""
    root = Path(source.root).resolve()
    try:
        resolved = (root / path).resolve(strict=True)
    except (OSError, RuntimeError):
        raise NotFoundError(f"image {path!r} is not on the server") from None
    if not resolved.is_relative_to(root):
        raise InvalidInputError(f"image {path!r} is a link to a file outside the project's runs")
    if not resolved.is_file():
        raise NotFoundError(f"image {path!r} is not a file")
    return resolved


def full_image(settings: Settings, image: StoredImage) -> ServedFile:
    """The image itself: the file on a local disk, or a cached copy of an S3 object."""
    local = _original(settings, image)
    return ServedFile(local, _content_type(local, image.path), image.key("full"))


def thumbnail(settings: Settings, image: StoredImage) -> ServedFile:
    """A copy that fits in THUMB_SIZE pixels, made once per version of the file and kept
    under ``<data dir>/cache/thumbnails`` (SVG needs none: the browser scales it)."""
    original = _original(settings, image)
    content_type = _content_type(original, image.path)
    if content_type == "image/svg+xml":
        return ServedFile(original, content_type, image.key("full"))
    key = image.key(f"thumb-{THUMB_SIZE}")
    jpeg = content_type == "image/jpeg"
    target = _cache_dir(settings, "thumbnails") / f"{key}.{'jpg' if jpeg else 'png'}"
    if not target.exists():
        _make_thumbnail(original, target, jpeg, image.path)
    return ServedFile(target, "image/jpeg" if jpeg else "image/png", key)


def _original(settings: Settings, image: StoredImage) -> Path:
    if isinstance(image.source, LocalSource):
        return _local_file(image.source, image.path)
    target = _cache_dir(settings, "images") / (image.key("full") + PurePosixPath(image.path).suffix)
    if not target.exists():
        try:
            with image.source.local_path(image.path) as downloaded:
                _replace(target, lambda scratch: shutil.copyfile(downloaded, scratch))
        except StorageError as exc:
            raise NotFoundError(f"image {image.path!r} cannot be read ({exc})") from None
    return target


def _cache_dir(settings: Settings, kind: str) -> Path:
    folder = settings.data_dir / "cache" / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _replace(target: Path, write: Callable[[Path], object]) -> None:
    """Write through a scratch file and rename, so a reader never sees half a file."""
    scratch = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    try:
        write(scratch)
        scratch.replace(target)
    finally:
        scratch.unlink(missing_ok=True)


def _content_type(local: Path, path: str) -> str:
    """The type the bytes prove; only the image types a browser shows are accepted."""
    with local.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    sniffed = sniff(head)
    if sniffed is None:
        named = PurePosixPath(path).suffix.lstrip(".").upper()
        raise InvalidInputError(
            f"image {path!r} is named like a {named} file but holds no PNG, JPEG, GIF, WebP "
            "or SVG image"
        )
    return sniffed


def sniff(head: bytes) -> str | None:
    """The image type of a file from its first bytes, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<") and b"<svg" in text:
        return "image/svg+xml"
    return None


def _make_thumbnail(original: Path, target: Path, jpeg: bool, path: str) -> None:
    try:
        with Image.open(original) as opened:
            picture = ImageOps.exif_transpose(opened)
            if jpeg:
                picture = picture.convert("RGB")
            elif picture.mode not in ("1", "L", "LA", "RGB", "RGBA"):
                picture = picture.convert("RGBA")
            picture.thumbnail((THUMB_SIZE, THUMB_SIZE))
            fmt, options = ("JPEG", {"quality": 85}) if jpeg else ("PNG", {"optimize": True})
            _replace(target, lambda scratch: picture.save(scratch, fmt, **options))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise InvalidInputError(f"image {path!r} cannot be read: {exc}") from None
