"""Pipelines benchmark: a resumable upload and workflow executions through a real server.

    python benchmarks/pipelines.py                       # 1 GiB upload, 5 executions
    python benchmarks/pipelines.py --upload-mib 64 --runs 2 --json

It starts ``biovista serve`` as its own process (embedded mode: SQLite, tasks in threads)
on a free port, then, as a client would:

- uploads a file of random bytes in 8 MiB chunks through the upload-session API (the
  CLI's own ``Uploader``), with the server checking its SHA-256 at the end;
- registers the example Snakemake workflow, makes two samples with their files, and
  launches it ``--runs`` times, timing launch → running → succeeded (outputs ingested).

Checks as it goes (the upload's checksum, each execution's status and rows); a failed
check exits with status 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from biovista.client.resumable import Uploader

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "tests" / "data" / "workflows" / "penguin-summary"
PASSWORD = "a long benchmark password"
BLOCK = 8 << 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BIOVISTA_DATA_DIR": str(folder / "data"),
        "BIOVISTA_ADMIN_EMAIL": "admin@example.org",
        "BIOVISTA_ADMIN_PASSWORD": PASSWORD,
    }
    log = (folder / "server.log").open("wb")
    command = [sys.executable, "-m", "biovista", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not start; see {folder / 'server.log'}")


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"check failed: {message}", file=sys.stderr)
        raise SystemExit(1)


def measure_upload(url: str, token: str, folder: Path, mib: int) -> dict[str, Any]:
    source = folder / "upload.bin"
    digest = hashlib.sha256()
    with source.open("wb") as handle:
        for _ in range(max(1, mib * (1 << 20) // BLOCK)):
            block = os.urandom(BLOCK)
            digest.update(block)
            handle.write(block)
    size = source.stat().st_size
    uploader = Uploader(url, token, "penguin-summary")
    started = time.perf_counter()
    outcome = uploader.upload(source, "bench/upload.bin", digest.hexdigest())
    seconds = time.perf_counter() - started
    uploader.close()
    check(outcome.size == size, "the server holds the whole file")
    return {
        "bytes": size,
        "seconds": round(seconds, 2),
        "mib_per_s": round(size / 2**20 / seconds, 1),
    }


def prepare_samples(client: httpx.Client, url: str, token: str) -> None:
    client.post("/api/v1/sample-types", json={"name": "colony"}).raise_for_status()
    uploader = Uploader(url, token, "penguin-summary")
    for name in ("colony_a", "colony_b"):
        client.post(
            "/api/v1/projects/penguin-summary/samples", json={"name": name, "type": "colony"}
        ).raise_for_status()
        local = WORKFLOW.parent / "samples" / f"{name}.csv"
        digest = hashlib.sha256(local.read_bytes()).hexdigest()
        uploader.upload(local, f"{name}.csv", digest, sample=name)
    uploader.close()


def measure_execution(client: httpx.Client) -> dict[str, float]:
    body = {"params": {}, "samples": ["colony_a", "colony_b"]}
    launched = time.perf_counter()
    started = client.post("/api/v1/workflows/penguin-summary/executions", json=body)
    started.raise_for_status()
    answered = time.perf_counter()
    running_at = None
    while True:
        state = client.get(f"/api/v1/executions/{started.json()['id']}").json()
        if state["status"] != "queued" and running_at is None:
            running_at = time.perf_counter()
        if state["status"] not in ("queued", "running", "ingesting"):
            break
        time.sleep(0.05)
    ended = time.perf_counter()
    check(state["status"] == "succeeded", f"execution {state['id']}: {state['error']}")
    jobs = [
        (_moment(j["finished_at"]) - _moment(j["started_at"]))
        for j in state["jobs"]
        if j["started_at"] and j["finished_at"]
    ]
    return {
        "launch_answer_s": answered - launched,
        "to_running_s": (running_at or ended) - launched,
        "to_succeeded_s": ended - launched,
        "jobs_s": sum(jobs),
    }


def _moment(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


def summarise(runs: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    return {
        key: {
            "median": round(statistics.median(r[key] for r in runs), 3),
            "max": round(max(r[key] for r in runs), 3),
        }
        for key in runs[0]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upload-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    check(args.upload_mib >= 1 and args.runs >= 1, "--upload-mib and --runs must be >= 1")
    with tempfile.TemporaryDirectory(prefix="biovista-bench-pipelines-") as name:
        folder, port = Path(name), free_port()
        server = start_server(folder, port)
        url = f"http://127.0.0.1:{port}"
        try:
            token = httpx.post(
                f"{url}/api/v1/auth/login",
                json={"email": "admin@example.org", "password": PASSWORD},
            ).json()["access_token"]
            client = httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120
            )
            client.post("/api/v1/workflows", json={"source": str(WORKFLOW)}).raise_for_status()
            prepare_samples(client, url, token)
            upload = measure_upload(url, token, folder, args.upload_mib)
            runs = [measure_execution(client) for _ in range(args.runs)]
        finally:
            server.terminate()
            server.wait(timeout=30)
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "upload": upload,
        "executions": {"runs": len(runs), **summarise(runs)},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"upload: {upload['bytes'] / 2**20:.0f} MiB in {upload['seconds']} s "
          f"({upload['mib_per_s']} MiB/s, checksum verified by the server)")  # fmt: skip
    for key, figure in report["executions"].items():
        if key != "runs":
            print(f"execution {key}: median {figure['median']} s, max {figure['max']} s")


if __name__ == "__main__":
    main()
