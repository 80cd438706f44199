"""Downloads over HTTP: single files with permission checks, and zips of samples or of an
execution's outputs built by a background task, end to end."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.api.uploads_world import small_world  # noqa: F401 (the "world" of these tests)

from biovista.config import Settings
from biovista.db.models import Execution, Project, Workflow
from biovista.db.session import session_scope

World = tuple[TestClient, dict[str, str]]


PROJECT = "/api/v1/projects/penguins"


def auth(world: World, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world[1][who]}"}


def upload(world: World, path: str, data: bytes, sample: str | None = None) -> None:
    client, editor = world[0], auth(world, "editor")
    body = {"path": path, "size": len(data), "sample": sample}
    session = client.post(f"{PROJECT}/upload-sessions", json=body, headers=editor).json()
    done = client.put(
        f"{PROJECT}/upload-sessions/{session['id']}",
        params={"offset": 0},
        content=data,
        headers=editor,
    )
    assert done.json()["status"] == "complete", done.text


def fetch_zip(world: World, task_id: str, who: str = "viewer") -> httpx.Response:
    """Ask until the zip is built: 409 meanwhile."""
    deadline = time.monotonic() + 30
    while True:
        answer = world[0].get(f"/api/v1/downloads/{task_id}", headers=auth(world, who))
        if answer.status_code != 409 or time.monotonic() > deadline:
            return answer
        assert "still being built" in answer.json()["detail"]
        time.sleep(0.05)


def test_a_zip_of_samples(world: World) -> None:
    client = world[0]
    client.post("/api/v1/sample-types", json={"name": "zip-type"}, headers=auth(world, "admin"))
    for name in ("Z1", "Z2"):
        made = client.post(
            f"{PROJECT}/samples",
            json={"name": name, "type": "zip-type"},
            headers=auth(world, "editor"),
        )
        assert made.status_code == 201, made.text
        upload(world, f"zips/{name}_R1.fastq", f"@{name}\nACGT\n".encode(), sample=name)
    upload(world, "zips/Z2_R2.fastq.gz", b"\x1f\x8b not really", sample="Z2")

    assert (
        client.get(f"{PROJECT}/uploads/zips/Z1_R1.fastq", headers=auth(world, "viewer")).content
        == b"@Z1\nACGT\n"
    )
    assert (
        client.get(
            f"{PROJECT}/uploads/zips/Z1_R1.fastq", headers=auth(world, "stranger")
        ).status_code
        == 404
    )
    assert (
        client.get(f"{PROJECT}/uploads/zips/nope.fastq", headers=auth(world, "viewer")).status_code
        == 404
    )

    started = client.post(
        f"{PROJECT}/downloads", json={"samples": ["Z1", "Z2"]}, headers=auth(world, "viewer")
    )
    assert started.status_code == 202, started.text
    task_id = started.json()["task_id"]
    assert started.json()["download"] == f"/api/v1/downloads/{task_id}"
    answer = fetch_zip(world, task_id)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    assert 'filename="penguins-samples.zip"' in answer.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert sorted(archive.namelist()) == [
        "Z1/zips/Z1_R1.fastq",
        "Z2/zips/Z2_R1.fastq",
        "Z2/zips/Z2_R2.fastq.gz",
        "samples.json",
    ]
    assert archive.read("Z2/zips/Z2_R1.fastq") == b"@Z2\nACGT\n"
    assert archive.getinfo("Z2/zips/Z2_R2.fastq.gz").compress_type == zipfile.ZIP_STORED
    sheet = json.loads(archive.read("samples.json"))
    assert [s["name"] for s in sheet] == ["Z1", "Z2"]
    assert fetch_zip(world, task_id, "stranger").status_code == 404
    assert (
        client.get(f"/api/v1/downloads/{uuid.uuid4()}", headers=auth(world, "viewer")).status_code
        == 404
    )

    unknown = client.post(
        f"{PROJECT}/downloads", json={"samples": ["Z1", "Z9"]}, headers=auth(world, "viewer")
    )
    assert unknown.status_code == 404
    assert "'Z9'" in unknown.json()["detail"]
    both = client.post(
        f"{PROJECT}/downloads",
        json={"samples": "all", "execution_id": str(uuid.uuid4())},
        headers=auth(world, "viewer"),
    )
    assert both.status_code == 422
    hidden = client.post(
        f"{PROJECT}/downloads", json={"samples": "all"}, headers=auth(world, "stranger")
    )
    assert hidden.status_code == 404


def test_an_executions_outputs(world: World) -> None:
    client = world[0]
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    with session_scope(settings.resolved_database_url) as session:
        project_id = session.scalar(select(Project.id).where(Project.name == "penguins"))
        workflow = Workflow(
            name=f"wf-{uuid.uuid4().hex[:6]}", engine="snakemake", source=".", path="."
        )
        session.add(workflow)
        session.flush()
        execution = Execution(workflow_id=workflow.id, project_id=project_id, status="running")
        session.add(execution)
        session.flush()
        execution_id = execution.id
    running = client.post(
        f"{PROJECT}/downloads",
        json={"execution_id": str(execution_id)},
        headers=auth(world, "viewer"),
    )
    assert running.status_code == 409
    assert "has no outputs yet (it is running)" in running.json()["detail"]

    outputs = settings.data_dir / "executions" / "penguins" / str(execution_id)
    (outputs / "results").mkdir(parents=True)
    (outputs / "results" / "counts.tsv").write_text("gene\tcount\nA\t3\n")
    (outputs / "multiqc.html").write_text("<html></html>")
    one = client.get(
        f"{PROJECT}/execution-outputs/{execution_id}/results/counts.tsv",
        headers=auth(world, "viewer"),
    )
    assert one.text == "gene\tcount\nA\t3\n"
    escape = client.get(
        f"{PROJECT}/execution-outputs/{execution_id}/../../uploads/penguins/zips/Z1_R1.fastq",
        headers=auth(world, "viewer"),
    )
    assert escape.status_code == 404
    started = client.post(
        f"{PROJECT}/downloads",
        json={"execution_id": str(execution_id)},
        headers=auth(world, "viewer"),
    )
    assert started.status_code == 202, started.text
    answer = fetch_zip(world, started.json()["task_id"])
    assert answer.status_code == 200, answer.text
    names = sorted(zipfile.ZipFile(io.BytesIO(answer.content)).namelist())
    assert names == [f"{execution_id}/multiqc.html", f"{execution_id}/results/counts.tsv"]
