"""Task rows under concurrent writers: event numbers stay unique and gapless."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from biovista.db.migrate import ensure_schema
from biovista.db.models import Task, TaskEvent
from biovista.db.session import session_scope
from biovista.tasks import records


def test_events_added_at_once_by_many_writers_are_numbered_once_each(database_url: str) -> None:
    """The worker logs while the API records a cancel request: no number is taken twice."""
    ensure_schema(database_url)
    with session_scope(database_url) as session:
        task_id = records.create_task(session, "test.count", {}).id

    def write(n: int) -> None:
        for attempt in range(50):
            try:
                with session_scope(database_url) as session:
                    records.add_event(session, task_id, "log", f"line {n}")
                return
            except Exception as exc:  # SQLite's single writer: wait for the lock and retry
                if "locked" not in str(exc) or attempt == 49:
                    raise

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(40)))
    with session_scope(database_url) as session:
        found = session.scalars(select(TaskEvent.seq).where(TaskEvent.task_id == task_id))
        seqs = sorted(found)
        assert seqs == list(range(1, 42))  # "queued" and 40 lines
        assert session.get_one(Task, task_id).events_count == 41
