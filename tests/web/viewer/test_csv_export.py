"""A dashboard table's "Download CSV" over HTTP against a real ``biovista serve``: cells a
spreadsheet would run as formulas come back as text, and numbers come back as numbers."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import httpx

from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user
from biovista.web.common.cookie_auth import ACCESS_COOKIE
from tests.server_process import PASSWORD, serve_process, server_settings

PROJECT = """\
name: notes
runs:
  root: {root}
  pattern: 'run_(?P<run>\\d+)'
collections:
  notes:
    files: 'notes\\.csv'
"""
NOTES = (
    "sample,comment,delta\n"
    's1,"=HYPERLINK(""http://evil.example/"",""click"")",-1.5\n'
    "s2,+cmd|' /C calc'!A0,2.0\n"
    "s3,@SUM(1+1)*cmd|' /C calc'!A0,-3.25\n"
    "s4,-1+1,0.5\n"
    's5,"\t=1+1",1.0\n'
    "s6,plain text,-0.5\n"
)
SPEC = {
    "tabs": [
        {
            "name": "Notes",
            "components": [
                {
                    "type": "table",
                    "id": "notes_table",
                    "collection": "notes",
                    "columns": ["sample", "comment", "delta"],
                }
            ],
        }
    ]
}


def test_the_downloaded_csv_shows_formulas_as_text(tmp_path: Path) -> None:
    run = tmp_path / "data" / "run_1"
    run.mkdir(parents=True)
    (run / "notes.csv").write_text(NOTES)
    settings = server_settings(tmp_path)
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
    with serve_process(settings) as server:
        headers = server.login("admin@example.org")
        body = PROJECT.format(root=tmp_path / "data")
        yaml = headers | {"content-type": "application/yaml"}
        created = httpx.post(f"{server.url}/api/v1/projects", content=body, headers=yaml)
        assert created.status_code == 201, created.text
        _ingest(server.url, headers)
        board = httpx.post(
            f"{server.url}/api/v1/projects/notes/dashboards",
            json={"title": "Notes", "spec": SPEC},
            headers=headers,
        )
        assert board.status_code == 201, board.text
        token = headers["Authorization"].removeprefix("Bearer ")
        answer = httpx.get(
            f"{server.url}/dashboard/{board.json()['id']}/csv/notes_table",
            cookies={ACCESS_COOKIE: token},
            timeout=60,
        )

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    rows = {row["sample"]: row for row in csv.DictReader(io.StringIO(answer.text))}
    assert rows["s1"]["comment"] == '\'=HYPERLINK("http://evil.example/","click")'
    assert rows["s2"]["comment"] == "'+cmd|' /C calc'!A0"
    assert rows["s3"]["comment"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert rows["s4"]["comment"] == "'-1+1"
    assert rows["s5"]["comment"] == "'\t=1+1"
    assert rows["s6"]["comment"] == "plain text"
    assert [rows[s]["delta"] for s in ("s1", "s3", "s6")] == ["-1.5", "-3.25", "-0.5"]


def _ingest(url: str, headers: dict[str, str]) -> None:
    path = f"{url}/api/v1/projects/notes/ingestions"
    job = httpx.post(path, json={}, headers=headers, timeout=30).json()
    deadline = time.monotonic() + 120
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = httpx.get(f"{path}/{job['id']}", headers=headers, timeout=30).json()
    assert job["status"] == "succeeded", job
