"""Finding tasks whose worker died, so none stays "running" forever.

Every process that runs tasks (the server, each ``biovista worker``) also runs a reaper:
a task whose heartbeat is older than ``task_stale_seconds`` — or whose worker, on this
host, is a process that no longer exists — is queued again while it has attempts left,
otherwise marked failed with the time of its last heartbeat. Two reapers may see the same
task; claiming is guarded, so it still runs once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from biovista.config import Settings
from biovista.db.models import utcnow
from biovista.db.session import session_scope
from biovista.tasks import TaskRunner, records

_log = logging.getLogger("biovista.tasks")


def is_dead_here(worker: str) -> bool:
    """A worker of this host (``host:pid``) whose process is gone."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover(settings: Settings, runner: TaskRunner) -> list[records.Stale]:
    """Requeue or fail tasks whose worker died, and hand the requeued ones out again."""
    with session_scope(settings.resolved_database_url) as session:
        stale = records.reap_stale(
            session, timedelta(seconds=settings.task_stale_seconds), is_dead_here
        )
    for found in stale:
        _log.warning("task %s (%s) lost its worker; requeued=%s", *found.__dict__.values())
        if found.requeued:
            runner.submit(found.task_id)
    return stale


def resubmit_queued(settings: Settings, runner: TaskRunner) -> int:
    """Hand out again the tasks queued before this process started: with in-process
    threads, a server that stopped took its queue with it; the rows remember it."""
    with session_scope(settings.resolved_database_url) as session:
        waiting = records.queued_since(session, utcnow())
    for task_id in waiting:
        runner.submit(task_id)
    return len(waiting)


def start_reaper(settings: Settings, runner: TaskRunner) -> threading.Event:
    """Reap in the background every quarter of the stale period; set the event to stop."""
    stop = threading.Event()
    period = max(0.5, settings.task_stale_seconds / 4)

    def loop() -> None:
        while True:
            try:
                recover(settings, runner)
            except Exception:  # the database may be briefly away; try again next period
                _log.exception("task reaper failed")
            if stop.wait(period):
                return

    threading.Thread(target=loop, name="biovista-reaper", daemon=True).start()
    return stop
