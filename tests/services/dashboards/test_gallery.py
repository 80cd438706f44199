"""The image service: which images a gallery lists, which paths it refuses, what it serves."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from PIL import Image

from biovista.auth.policy import LOCAL_ADMIN, Principal
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.errors import InvalidInputError, NotFoundError
from biovista.models.dashboard import FilterState
from biovista.models.loader import load_project
from biovista.query.dashboard import DashboardData
from biovista.query.shared import SharedReads
from biovista.services.accounts.users import create_user
from biovista.services.dashboards import gallery as images
from biovista.services.dashboards.documents import import_dashboard, make_link, set_public
from biovista.services.dashboards.open import open_dashboard
from biovista.services.ingest.run import ingest_project
from tests.image_project import DASHBOARD, PROJECT, SIZES, Pictures, make_pictures
from tests.s3_server import Bucket

GOOD = ["Wide PNG", "Photo", "Animation", "WebP", "Vector"]


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> Pictures:
    return make_pictures(tmp_path_factory.mktemp("pictures"))


def admin_data(pictures: Pictures) -> DashboardData:
    opened = open_dashboard(pictures.settings, LOCAL_ADMIN, pictures.dashboard)
    return DashboardData(pictures.settings, opened, SharedReads.for_settings(pictures.settings))


def everything(pictures: Pictures, state: FilterState | None = None) -> images.GalleryPage:
    return images.gallery_page(
        pictures.settings, admin_data(pictures), "gallery", state or FilterState(), 100
    )


def row_of(pictures: Pictures, caption: str) -> int:
    return next(i.row for i in everything(pictures).items if i.caption == caption)


def located(pictures: Pictures, caption: str) -> images.StoredImage:
    row = row_of(pictures, caption)
    return images.locate_image(pictures.settings, admin_data(pictures), "gallery", row)


def test_the_gallery_lists_rows_with_a_path_run_by_run_and_follows_filters(
    pictures: Pictures,
) -> None:
    page = images.gallery_page(pictures.settings, admin_data(pictures), "gallery", FilterState(), 4)
    assert page.total == 12  # the row without a path shows no image
    assert [i.caption for i in page.items] == ["Wide PNG", "Photo", "Animation", "WebP"]
    assert all(i.problem is None for i in page.items)
    listed = everything(pictures)
    assert [i.caption for i in listed.items][-1] == "Other run"
    good = everything(pictures, FilterState(values={"good-only": True}))
    assert [i.caption for i in good.items] == [*GOOD, "Other run"]
    unlabelled = images.gallery_page(
        pictures.settings, admin_data(pictures), "unlabelled", FilterState(), 2
    )
    assert [i.caption for i in unlabelled.items] == ["wide.png", "photo.jpg"]


def test_each_unsafe_or_broken_image_is_named_in_its_tile(pictures: Pictures) -> None:
    problems = {i.caption: i.problem for i in everything(pictures).items}
    assert problems["Parent folder"] == (
        "image path '../run_2/plots/other.png' must not leave its run folder ('..')"
    )
    assert problems["Absolute"] == (
        "image path '/etc/hostname.png' must be relative to its run folder, not absolute"
    )
    assert problems["Missing"] == "image 'run_1/plots/missing.png' is not on the server"
    assert problems["Symlink out"] == (
        "image 'run_1/plots/escape.png' is a link to a file outside the project's runs"
    )
    assert problems["Not a PNG"] == (
        "image 'run_1/plots/fake.png' is named like a PNG file but holds no PNG, JPEG, GIF, "
        "WebP or SVG image"
    )
    assert problems["Text"] is not None
    assert problems["Text"].startswith("'plots/notes.txt' is not an image a browser shows")


@pytest.mark.parametrize(
    ("caption", "error", "words"),
    [
        ("Parent folder", InvalidInputError, "must not leave its run folder"),
        ("Absolute", InvalidInputError, "not absolute"),
        ("Symlink out", InvalidInputError, "outside the project's runs"),
        ("Not a PNG", InvalidInputError, "holds no PNG"),
        ("Text", InvalidInputError, "not an image a browser shows"),
        ("Missing", NotFoundError, "is not on the server"),
    ],
)
def test_locating_a_bad_image_fails_with_its_reason(
    pictures: Pictures, caption: str, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        located(pictures, caption)


def test_rows_and_components_that_are_not_there_are_not_found(pictures: Pictures) -> None:
    data = admin_data(pictures)
    with pytest.raises(NotFoundError, match="gallery 'gallery' has no image in row 9999"):
        images.locate_image(pictures.settings, data, "gallery", 9999)
    with pytest.raises(NotFoundError):
        images.locate_image(pictures.settings, data, "good-only", 0)  # a filter, not a gallery


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plots/a.png", "run_1/plots/a.png"),
        ("./plots/./a.png", "run_1/plots/a.png"),
        ("a.png", "run_1/a.png"),
    ],
)
def test_safe_paths_stay_in_their_run_folder(value: str, expected: str) -> None:
    assert images.safe_path("run_1", value) == expected


@pytest.mark.parametrize(
    "value",
    ["../a.png", "plots/../../a.png", "/etc/a.png", "C:/a.png", "plots\\..\\a.png", "a\0.png"],
)
def test_paths_that_could_leave_the_run_folder_are_refused(value: str) -> None:
    with pytest.raises(InvalidInputError, match=r"image path .* must"):
        images.safe_path("run_1", value)


@pytest.mark.parametrize(
    ("caption", "content_type", "size"),
    [
        ("Wide PNG", "image/png", SIZES["wide.png"]),
        ("Photo", "image/jpeg", SIZES["photo.jpg"]),
        ("Animation", "image/gif", SIZES["anim.gif"]),
        ("WebP", "image/webp", (500, 100)),
    ],
)
def test_the_full_image_is_the_file_with_its_content_type(
    pictures: Pictures, caption: str, content_type: str, size: tuple[int, int]
) -> None:
    served = images.full_image(pictures.settings, located(pictures, caption))
    assert served.content_type == content_type
    with Image.open(served.path) as picture:
        assert picture.size == size
    assert served.path.is_relative_to(pictures.root / "data")  # local files are not copied


@pytest.mark.parametrize(
    ("caption", "content_type", "size"),
    [
        ("Wide PNG", "image/png", (240, 158)),
        ("Photo", "image/jpeg", (240, 180)),
        ("Animation", "image/png", (240, 240)),
        ("WebP", "image/png", (240, 48)),
        ("Other run", "image/png", (240, 150)),
    ],
)
def test_thumbnails_fit_240_pixels_and_keep_the_aspect(
    pictures: Pictures, caption: str, content_type: str, size: tuple[int, int]
) -> None:
    served = images.thumbnail(pictures.settings, located(pictures, caption))
    assert served.content_type == content_type
    assert served.path.is_relative_to(pictures.settings.data_dir / "cache" / "thumbnails")
    with Image.open(served.path) as picture:
        assert picture.size == size


def test_an_svg_is_its_own_thumbnail(pictures: Pictures) -> None:
    served = images.thumbnail(pictures.settings, located(pictures, "Vector"))
    assert served.content_type == "image/svg+xml"
    assert served.path == (pictures.root / "data/run_1/plots/vector.svg").resolve()


def test_thumbnails_are_made_once_per_version_of_the_file(tmp_path: Path) -> None:
    pictures = make_pictures(tmp_path)
    first = images.thumbnail(pictures.settings, located(pictures, "Wide PNG"))
    made_at = first.path.stat().st_mtime_ns
    again = images.thumbnail(pictures.settings, located(pictures, "Wide PNG"))
    assert (again.path, again.etag, again.path.stat().st_mtime_ns) == (
        first.path,
        first.etag,
        made_at,
    )
    Image.new("RGB", (100, 400), "black").save(pictures.root / "data/run_1/plots/wide.png")
    changed = images.thumbnail(pictures.settings, located(pictures, "Wide PNG"))
    assert changed.etag != first.etag
    with Image.open(changed.path) as picture:
        assert picture.size == (60, 240)


def test_only_those_who_may_see_the_dashboard_reach_its_images(pictures: Pictures) -> None:
    settings = pictures.settings
    with session_scope(settings.resolved_database_url) as session:
        stranger = create_user(session, f"{uuid.uuid4().hex[:8]}@example.org", "long password 1")
        principal = Principal(stranger.id, "user", "read")
    with pytest.raises(NotFoundError):
        open_dashboard(settings, principal, pictures.dashboard)
    with pytest.raises(NotFoundError):
        open_dashboard(settings, None, pictures.dashboard)
    with session_scope(settings.resolved_database_url) as session:
        token = make_link(session, LOCAL_ADMIN, pictures.dashboard)
    shared = DashboardData(
        settings,
        open_dashboard(settings, None, link_token=token),
        SharedReads.for_settings(settings),
    )
    row = row_of(pictures, "Wide PNG")
    assert images.locate_image(settings, shared, "gallery", row).caption == "Wide PNG"
    with session_scope(settings.resolved_database_url) as session:
        set_public(session, LOCAL_ADMIN, pictures.dashboard, True)
    try:
        for caller in (None, principal):
            data = DashboardData(
                settings,
                open_dashboard(settings, caller, pictures.dashboard),
                SharedReads.for_settings(settings),
            )
            assert images.locate_image(settings, data, "gallery", row).path == (
                "run_1/plots/wide.png"
            )
    finally:
        with session_scope(settings.resolved_database_url) as session:
            set_public(session, LOCAL_ADMIN, pictures.dashboard, False)


def test_images_in_s3_are_fetched_through_the_storage_and_cached(
    s3_bucket: Bucket, tmp_path: Path
) -> None:
    local = make_pictures(tmp_path / "local")
    s3_bucket.upload_tree(local.root / "data", "runs")
    project = tmp_path / "s3" / "pictures.yaml"
    project.parent.mkdir()
    project.write_text(PROJECT.replace("./data", f"s3://{s3_bucket.name}/runs"))
    settings: Settings = s3_bucket.settings(tmp_path / "s3" / "store")
    ingest_project(load_project(project), settings)
    with session_scope(settings.resolved_database_url) as session:
        dashboard = import_dashboard(session, LOCAL_ADMIN, "pictures", DASHBOARD, "p.yaml").id
    data = DashboardData(
        settings,
        open_dashboard(settings, LOCAL_ADMIN, dashboard),
        SharedReads.for_settings(settings),
    )
    page = images.gallery_page(settings, data, "gallery", FilterState(), 100)
    problems = {i.caption: i.problem for i in page.items}
    assert problems["Wide PNG"] is None
    assert (
        problems["Missing"] is not None and "is not in the project's storage" in problems["Missing"]
    )
    row = next(i.row for i in page.items if i.caption == "Photo")
    stored = images.locate_image(settings, data, "gallery", row)
    full = images.full_image(settings, stored)
    assert full.content_type == "image/jpeg"
    assert full.path.is_relative_to(settings.data_dir / "cache" / "images")
    thumb = images.thumbnail(settings, stored)
    with Image.open(thumb.path) as picture:
        assert picture.size == (240, 180)
