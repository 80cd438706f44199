"""``biovista worker``: a Celery worker that runs the server's background tasks."""

from __future__ import annotations

import typer

from biovista.cli.common import EXIT_INVALID, console, err_console, user_errors
from biovista.config import get_settings


def worker(
    concurrency: int | None = typer.Option(
        None, help="Tasks run at once (default BIOVISTA_TASK_WORKERS)."
    ),
    loglevel: str = typer.Option("INFO", help="Celery's log level."),
) -> None:
    """Run tasks (ingests, workflow executions, zip downloads) sent by the server through
    the broker in BIOVISTA_TASK_BROKER_URL. Start as many as you like, on any machine that
    shares the database and the data directory (or S3)."""
    from biovista.db.migrate import ensure_schema
    from biovista.runtime import Runtime
    from biovista.tasks.celery_app import celery_app

    settings = get_settings()
    if not settings.task_broker_url:
        err_console.print(
            "[red]error:[/red] set BIOVISTA_TASK_BROKER_URL (redis://... or amqp://...) to the "
            "broker the server sends tasks to"
        )
        raise typer.Exit(EXIT_INVALID)
    with user_errors():
        ensure_schema(settings.resolved_database_url)
        runtime = Runtime(settings)  # its runner sends to the broker: what the reaper requeues
    runtime.start_reaper()
    threads = concurrency or settings.task_workers
    console.print(f"biovista worker: queue {settings.task_queue!r}, {threads} at a time")
    celery_app(settings, runtime.handlers).worker_main(
        [
            "worker",
            f"--concurrency={threads}",
            "--pool=threads",
            f"--queues={settings.task_queue}",
            f"--loglevel={loglevel}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
