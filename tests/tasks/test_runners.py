"""The same tasks, run by threads in this process and by a real ``biovista worker``
(Celery, with the Redis on the machine as broker)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from biovista.config import Settings
from biovista.db.migrate import ensure_schema
from biovista.db.models import Task, TaskEvent
from biovista.db.session import session_scope
from biovista.runtime import handlers_for
from biovista.tasks import CeleryRunner, TaskRunner, ThreadRunner, enqueue
from biovista.tasks.reaper import recover

ROOT = Path(__file__).resolve().parents[2]
FINISHED = ("succeeded", "failed", "cancelled")


def settings_for(tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'tasks.db'}",
        task_modules=["tests.tasks.plugin"],
        task_heartbeat_seconds=0.2,
        **extra,  # type: ignore[arg-type]
    )


def start_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),  # this tree's sources
        "BIOVISTA_DATA_DIR": str(settings.data_dir),
        "BIOVISTA_DATABASE_URL": settings.resolved_database_url,
        "BIOVISTA_TASK_BROKER_URL": str(settings.task_broker_url),
        "BIOVISTA_TASK_QUEUE": settings.task_queue,
        "BIOVISTA_TASK_MODULES": '["tests.tasks.plugin"]',
        "BIOVISTA_TASK_HEARTBEAT_SECONDS": "0.2",
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "biovista", "worker", "--concurrency", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture(params=["threads", "celery-redis", "celery-rabbitmq"])
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Settings, TaskRunner]]:
    if request.param == "threads":
        settings = settings_for(tmp_path)
        ensure_schema(settings.resolved_database_url)
        runner: TaskRunner = ThreadRunner(settings, handlers_for(settings))
        yield settings, runner
        runner.shutdown()
        return
    broker = request.getfixturevalue(f"{request.param.removeprefix('celery-')}_url")
    settings = settings_for(tmp_path, task_broker_url=broker, task_queue=f"t-{uuid.uuid4()}")
    ensure_schema(settings.resolved_database_url)
    worker = start_worker(settings, tmp_path / "worker.log")
    runner = CeleryRunner(settings)
    yield settings, runner
    stop(worker)
    runner.shutdown()


def wait_for(settings: Settings, task_id: uuid.UUID, statuses: tuple[str, ...]) -> Task:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with session_scope(settings.resolved_database_url) as session:
            task = session.get_one(Task, task_id)
            if task.status in statuses:
                session.expunge(task)
                return task
        time.sleep(0.1)
    raise AssertionError(f"task {task_id} never reached {statuses}")


def events(settings: Settings, task_id: uuid.UUID) -> list[tuple[str, str]]:
    with session_scope(settings.resolved_database_url) as session:
        found = session.query(TaskEvent).filter_by(task_id=task_id).order_by(TaskEvent.seq)
        return [(e.kind, e.message) for e in found]


def test_a_task_reports_progress_logs_and_its_result(
    setup: tuple[Settings, TaskRunner],
) -> None:
    settings, runner = setup
    task_id = enqueue(settings, runner, "test.count", {"steps": 3})
    task = wait_for(settings, task_id, FINISHED)
    assert (task.status, task.result, task.error) == ("succeeded", {"sum": 6}, None)
    assert (task.progress_done, task.progress_total, task.message) == (3, 3, "3 of 3")
    assert task.started_at is not None and task.finished_at is not None
    assert task.attempts == 1
    assert events(settings, task_id) == [
        ("status", "queued"),
        ("status", "running"),
        ("log", "step 1"),
        ("progress", "1 of 3"),
        ("log", "step 2"),
        ("progress", "2 of 3"),
        ("log", "step 3"),
        ("progress", "3 of 3"),
        ("status", "succeeded"),
    ]


def test_failures_keep_their_message(setup: tuple[Settings, TaskRunner]) -> None:
    settings, runner = setup
    refused = enqueue(settings, runner, "test.refuse", {})
    crashed = enqueue(settings, runner, "test.crash", {})
    unknown = enqueue(settings, runner, "test.nothing-registers-this", {})
    task = wait_for(settings, refused, FINISHED)
    assert (task.status, task.error) == ("failed", "the sheet has no 'sample' column (line 1)")
    task = wait_for(settings, crashed, FINISHED)
    assert (task.status, task.error) == ("failed", "ZeroDivisionError: division by zero")
    task = wait_for(settings, unknown, FINISHED)
    assert task.error == "no task handler for 'test.nothing-registers-this'"


def test_cancel_stops_a_running_task(setup: tuple[Settings, TaskRunner]) -> None:
    from biovista.tasks import records

    settings, runner = setup
    task_id = enqueue(settings, runner, "test.wait", {"seconds": 60})
    wait_for(settings, task_id, ("running",))
    asked = time.monotonic()
    with session_scope(settings.resolved_database_url) as session:
        records.request_cancel(session, session.get_one(Task, task_id))
    task = wait_for(settings, task_id, FINISHED)
    assert task.status == "cancelled"
    assert time.monotonic() - asked < 10
    assert ("status", "cancelling") in events(settings, task_id)


def test_a_queued_task_cancelled_never_runs(tmp_path: Path) -> None:
    from biovista.tasks import records
    from biovista.tasks.execute import execute

    settings = settings_for(tmp_path)
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        task = records.create_task(session, "test.count", {"steps": 1})
        records.request_cancel(session, task)
        task_id = task.id
    assert execute(settings, handlers_for(settings), task_id) == "skipped"
    assert wait_for(settings, task_id, FINISHED).status == "cancelled"


def test_a_killed_workers_task_is_retried_then_failed(tmp_path: Path, redis_url: str) -> None:
    """Kill -9 the worker mid-task: the reaper queues it again (attempts left), a new worker
    runs it; killed again with no attempts left, it is marked failed, never left running."""
    settings = settings_for(
        tmp_path,
        task_broker_url=redis_url,
        task_queue=f"t-{uuid.uuid4()}",
        task_stale_seconds=1.0,
    )
    ensure_schema(settings.resolved_database_url)
    runner = CeleryRunner(settings)
    task_id = enqueue(settings, runner, "test.wait", {"seconds": 2}, max_attempts=2)
    first = start_worker(settings, tmp_path / "first.log")
    try:
        wait_for(settings, task_id, ("running",))
        stop(first)
        time.sleep(1.5)  # the heartbeat goes stale
        (stale,) = recover(settings, runner)
        assert (stale.task_id, stale.requeued) == (task_id, True)
        second = start_worker(settings, tmp_path / "second.log")
        try:
            task = wait_for(settings, task_id, ("running",))
            assert task.attempts == 2
            stop(second)
            time.sleep(1.5)
            (stale,) = recover(settings, runner)
            assert stale.requeued is False
        finally:
            stop(second)
    finally:
        stop(first)
        runner.shutdown()
    task = wait_for(settings, task_id, FINISHED)
    assert task.status == "failed"
    assert task.error is not None and "stopped answering" in task.error


def test_a_task_of_a_dead_local_process_is_reaped_at_once(tmp_path: Path) -> None:
    """A server that died with tasks running in its threads: at the next start they are
    recognised by their worker's pid, without waiting for the heartbeat to go stale."""
    import socket

    from biovista.tasks import records

    settings = settings_for(tmp_path)
    ensure_schema(settings.resolved_database_url)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with session_scope(settings.resolved_database_url) as session:
        task = records.create_task(session, "test.count", {"steps": 2}, max_attempts=2)
        records.claim(session, task.id, f"{socket.gethostname()}:{gone.pid}")
        task_id = task.id
    runner = ThreadRunner(settings, handlers_for(settings))
    try:
        (stale,) = recover(settings, runner)
        assert stale.requeued
        assert wait_for(settings, task_id, FINISHED).result == {"sum": 3}
    finally:
        runner.shutdown()


def test_tasks_queued_before_a_restart_are_handed_out_again(tmp_path: Path) -> None:
    """In-process threads lose their queue when the server stops; the rows keep it."""
    from biovista.tasks import records
    from biovista.tasks.reaper import resubmit_queued

    settings = settings_for(tmp_path)
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        task_id = records.create_task(session, "test.count", {"steps": 4}).id
    runner = ThreadRunner(settings, handlers_for(settings))
    try:
        assert resubmit_queued(settings, runner) == 1
        assert wait_for(settings, task_id, FINISHED).result == {"sum": 10}
    finally:
        runner.shutdown()
