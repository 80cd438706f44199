"""The upload-session routes called as the samples page's script calls them: signed in by
the web's cookies, accepted only from this server's own pages (the ``X-Biovista-Web``
header, a same-origin ``Origin``), refreshing an expired access cookie on any answer."""

from __future__ import annotations

from http.cookies import SimpleCookie

from fastapi.testclient import TestClient
from tests.api.uploads_world import (
    PASSWORD,
    small_world,  # noqa: F401 (the "world" of these tests)
)

from biovista.db.session import session_scope
from biovista.services.accounts import logins
from biovista.services.accounts.cookies import ACCESS_COOKIE, REFRESH_COOKIE

World = tuple[TestClient, dict[str, str]]

URL = "/api/v1/projects/penguins/upload-sessions"
OURS = {"X-Biovista-Web": "1", "Origin": "http://testserver"}


def cookie(**values: str) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in values.items())}


def access(world: World, who: str = "editor") -> dict[str, str]:
    return cookie(**{ACCESS_COOKIE: world[1][who]})


def set_cookies(answer: object) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in answer.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def test_the_page_script_opens_and_sends_with_cookies(world: World) -> None:
    client = world[0]
    body = {"path": "web/cookie.bin", "size": 3}
    opened = client.post(URL, json=body, headers=OURS | access(world))
    assert opened.status_code == 201, opened.text
    chunk = f"{URL}/{opened.json()['id']}"
    done = client.put(chunk, params={"offset": 0}, content=b"abc", headers=OURS | access(world))
    assert done.json()["status"] == "complete", done.text
    found = client.get(URL, params={"path": "web/cookie.bin"}, headers=OURS | access(world))
    assert found.json() == []


def test_a_cross_origin_post_is_refused(world: World) -> None:
    client = world[0]
    body = {"path": "web/evil.bin", "size": 1}
    for origin in ("https://evil.example", "http://testserver.evil.example", "null"):
        forged = OURS | access(world) | {"Origin": origin}
        refused = client.post(URL, json=body, headers=forged)
        assert refused.status_code == 403, origin
        assert "cross-origin" in refused.json()["detail"]
    from_referer = {"X-Biovista-Web": "1", "Referer": "https://evil.example/page"}
    assert client.post(URL, json=body, headers=from_referer | access(world)).status_code == 403
    assert client.get(URL, headers=OURS | access(world)).status_code == 200


def test_a_form_without_the_script_header_is_refused(world: World) -> None:
    body = {"path": "web/form.bin", "size": 1}
    headers = {"Origin": "http://testserver"} | access(world)
    refused = world[0].post(URL, json=body, headers=headers)
    assert refused.status_code == 403
    assert "X-Biovista-Web" in refused.json()["detail"]


def test_a_request_without_cookies_is_refused(world: World) -> None:
    client = world[0]
    refused = client.post(URL, json={"path": "web/anon.bin", "size": 1}, headers=OURS)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert client.get(URL, headers=OURS).status_code == 401


def test_cookie_callers_keep_their_rights(world: World) -> None:
    client = world[0]
    body = {"path": "web/viewer.bin", "size": 1}
    assert client.post(URL, json=body, headers=OURS | access(world, "viewer")).status_code == 403
    assert client.post(URL, json=body, headers=OURS | access(world, "stranger")).status_code == 404
    ended = client.post(URL, json=body, headers=OURS | cookie(**{ACCESS_COOKIE: "not-a-jwt"}))
    assert ended.status_code == 401


def test_an_expired_access_cookie_is_refreshed_on_every_answer(world: World) -> None:
    client = world[0]
    app = client.app
    with session_scope(app.state.settings.resolved_database_url) as session:  # type: ignore[attr-defined]
        issued = logins.login(
            session,
            app.state.keyring,  # type: ignore[attr-defined]
            app.state.limiter,  # type: ignore[attr-defined]
            "editor@example.org",
            PASSWORD,
            "testclient",
        )
    body = {"path": "web/refresh.bin", "size": 10}
    opened = client.post(
        URL, json=body, headers=OURS | cookie(**{REFRESH_COOKIE: issued.refresh_token})
    )
    assert opened.status_code == 201, opened.text
    first = set_cookies(opened)
    assert set(first) == {ACCESS_COOKIE, REFRESH_COOKIE}
    assert first[REFRESH_COOKIE] != issued.refresh_token
    # An error answer (a chunk past the server's offset: 409) carries the new pair too.
    gap = client.put(
        f"{URL}/{opened.json()['id']}",
        params={"offset": 5},
        content=b"12345",
        headers=OURS | cookie(**{REFRESH_COOKIE: first[REFRESH_COOKIE]}),
    )
    assert gap.status_code == 409
    second = set_cookies(gap)
    assert second[REFRESH_COOKIE] not in (first[REFRESH_COOKIE], issued.refresh_token)
    # A refresh cookie that no longer counts clears both cookies with the 401.
    reused = client.get(URL, headers=OURS | cookie(**{REFRESH_COOKIE: "bv-nothing"}))
    assert reused.status_code == 401
    assert set_cookies(reused) == {ACCESS_COOKIE: "", REFRESH_COOKIE: ""}
