"""The Celery side of the task runner: one Celery task that runs a biovista task by id.

Messages carry only the id; everything else is in the database, so a message delivered
twice (Celery's at-least-once delivery with late acks) finds the task claimed and does
nothing. Acknowledging late and rejecting on a lost worker puts a killed worker's message
back on the queue; the heartbeat reaper covers the rest.
"""

from __future__ import annotations

import uuid

from celery import Celery

from biovista.config import Settings
from biovista.tasks.execute import Handlers, execute


def celery_app(settings: Settings, handlers: Handlers | None = None) -> Celery:
    """The Celery app on the settings' broker: for sending alone (the server), or, given
    the ``handlers``, for a worker that runs what it receives."""
    app = Celery("biovista", broker=settings.task_broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=settings.task_queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
    )

    if handlers is not None:
        table = handlers

        @app.task(name="biovista.execute")  # type: ignore[untyped-decorator]
        def run(task_id: str) -> str:
            return execute(settings, table, uuid.UUID(task_id))

    return app
