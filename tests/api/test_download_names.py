"""Download names chosen by users (dashboard titles, uploaded file names) reach the
``Content-Disposition`` header per RFC 6266 / 5987, whatever characters they hold: before,
a non-latin-1 title answered 500 and a CR/LF in it dropped the connection. Against
``biovista serve`` in its own process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, unquote

import httpx
import pytest
from tests.server_process import PASSWORD, ServerProcess, serve_process, server_settings

from biovista.api.headers import attachment
from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

SPEC = {"tabs": [{"name": "Notes", "components": [{"type": "text", "id": "t", "markdown": "x"}]}]}


@dataclass(frozen=True)
class World:
    server: ServerProcess
    admin: dict[str, str]

    def url(self, path: str) -> str:
        return f"{self.server.url}/api/v1{path}"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = server_settings(tmp_path_factory.mktemp("names"))
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
    with serve_process(settings) as server:
        admin = server.login("admin@example.org")
        server.create_uploads_project(admin)
        yield World(server, admin)


def _filename_star(disposition: str) -> str:
    """The name a modern browser saves under: ``filename*``, decoded."""
    star = next(p.strip() for p in disposition.split(";") if p.strip().startswith("filename*="))
    charset, _, encoded = star.removeprefix("filename*=").partition("''")
    assert charset.upper() == "UTF-8"
    return unquote(encoded)


def _ascii_fallback(disposition: str) -> str:
    plain = next(p.strip() for p in disposition.split(";") if p.strip().startswith("filename="))
    value = plain.removeprefix("filename=")
    assert value.startswith('"') and value.endswith('"'), value
    return value[1:-1]


@pytest.mark.parametrize(
    ("title", "saved", "fallback"),
    [
        ("Пингвины Антарктиды", "Пингвины Антарктиды.yaml", "download.yaml"),
        ("Café ☕ summary", "Café ☕ summary.yaml", "Cafe _ summary.yaml"),
        ("split\r\nSet-Cookie: evil=1", "split__Set-Cookie: evil=1.yaml", None),
        ('say "hi" \\ ../../etc/passwd', "say _hi_ _ .._.._etc_passwd.yaml", None),
        ("plain title", "plain title.yaml", "plain title.yaml"),
    ],
)
def test_export_names_any_title_safely(
    world: World, title: str, saved: str, fallback: str | None
) -> None:
    created = httpx.post(
        world.url("/projects/penguins/dashboards"),
        json={"title": title, "spec": SPEC},
        headers=world.admin,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    answer = httpx.get(
        world.url(f"/dashboards/{created.json()['id']}/export"), headers=world.admin, timeout=30
    )
    assert answer.status_code == 200, answer.text
    assert "tabs:" in answer.text
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.isascii()
    assert "set-cookie" not in answer.headers
    assert _filename_star(disposition) == saved
    ascii_name = _ascii_fallback(disposition)
    assert not set(ascii_name) & set('"\\/\r\n')
    if fallback is not None:
        assert ascii_name == fallback


def test_an_uploaded_file_downloads_under_its_own_name(world: World) -> None:
    """Upload names are ASCII by rule; the route still writes both forms with the helper."""
    name = "run+1_resume.csv"
    stored = httpx.put(
        world.url(f"/projects/penguins/uploads/notes/{quote(name)}"),
        content=b"a,b\n1,2\n",
        headers=world.admin,
        timeout=30,
    )
    assert stored.status_code == 201, stored.text
    answer = httpx.get(
        world.url(f"/projects/penguins/uploads/notes/{quote(name)}"),
        headers=world.admin,
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    disposition = answer.headers["content-disposition"]
    assert _filename_star(disposition) == name
    assert _ascii_fallback(disposition) == name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.yaml", "attachment; filename=\"a.yaml\"; filename*=UTF-8''a.yaml"),
        ("", "attachment; filename=\"download\"; filename*=UTF-8''download"),
        ("\x00\x1b.", "attachment; filename=\"download\"; filename*=UTF-8''__"),
        (
            "日本.csv",
            "attachment; filename=\"download.csv\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.csv",
        ),
    ],
)
def test_attachment_header_values(name: str, expected: str) -> None:
    assert attachment(name) == expected
