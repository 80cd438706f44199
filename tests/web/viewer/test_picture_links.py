"""The viewer's PNG and PDF links carry the view: its address, filter state and theme."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from biovista.web.viewer.picture_links import picture_href

STATE = '{"values":{"sex":"female"}}'


def test_a_link_carries_the_filter_state_and_the_theme() -> None:
    search = "?state=%7B%22values%22%3A%7B%22sex%22%3A%22female%22%7D%7D"
    href = picture_href({"id": "abc", "link": None}, search, "dark", "png")
    parts = urlsplit(href)
    assert parts.path == "/dashboard/abc/export.png"
    assert parse_qs(parts.query) == {"state": [STATE], "theme": ["dark"]}


def test_a_share_link_view_links_below_its_link() -> None:
    href = picture_href({"id": None, "link": "tok3n"}, "", None, "pdf")
    assert href == "/dashboard/shared/tok3n/export.pdf?theme=light"


def test_an_unknown_theme_is_light() -> None:
    href = picture_href({"id": "abc"}, None, "sepia", "png")
    assert href == "/dashboard/abc/export.png?theme=light"
