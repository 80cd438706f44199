"""One process's runtime: everything it keeps between requests, built once and closed once.

The server (``create_app`` puts it on ``app.state.runtime`` and the web context), a
``biovista worker`` and each in-process CLI command build their own :class:`Runtime`; the
services that need a piece of it receive that piece as an argument, never through a module
global. So two runtimes in one process share nothing, and whatever starts a process —
``biovista serve``, ``uvicorn --factory biovista.api.app:create_app`` — gets the same
background work from :meth:`Runtime.start_background` (warming the dashboards, handing out
queued tasks again, reaping tasks whose worker died).

This module is the composition root for task handlers too: :func:`handlers_for` is the one
table of task kinds, built from imports, plus the plugins named in ``task_modules``.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Mapping
from types import MappingProxyType

from biovista.config import Settings
from biovista.errors import BiovistaError
from biovista.query.shared import SharedReads
from biovista.services.dashboards.render import warm
from biovista.services.dashboards.screenshots import Browsers
from biovista.services.ingest.task import ingest_task
from biovista.services.samples.hashes import RunningHashes
from biovista.services.samples.zips import build_zip
from biovista.services.workflows.run import run_execution
from biovista.tasks import Handler, Handlers, TaskRunner, runner_for
from biovista.tasks.reaper import resubmit_queued, start_reaper

HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {"ingest": ingest_task, "execution": run_execution, "zip": build_zip}
)
"""The task kinds biovista itself runs; a new kind of task adds its line here."""

_log = logging.getLogger("biovista.runtime")


def handlers_for(settings: Settings) -> Handlers:
    """Biovista's handlers and those of the plugins in ``task_modules``: each plugin module
    has a ``HANDLERS`` mapping of task kind to function (it may not replace a built-in)."""
    table = dict(HANDLERS)
    for name in settings.task_modules:
        plugin = getattr(importlib.import_module(name), "HANDLERS", None)
        if not isinstance(plugin, Mapping):
            raise BiovistaError(f"task module {name!r} has no HANDLERS mapping")
        clash = sorted(set(plugin) & set(HANDLERS))
        if clash:
            raise BiovistaError(f"task module {name!r} redefines the task kind {clash[0]!r}")
        table.update(plugin)
    return MappingProxyType(table)


class Runtime:
    """The render pool, partials builder, result cache and hot tables (:attr:`reads`), the
    screenshot browsers, the running upload checksums, the task handlers and runner."""

    def __init__(self, settings: Settings, tasks: TaskRunner | None = None) -> None:
        self.settings = settings
        self.handlers = handlers_for(settings)
        self.reads = SharedReads.for_settings(settings)
        self.browsers = Browsers()
        self.hashes = RunningHashes()
        self.tasks = tasks or runner_for(settings, self.handlers)
        self._stop_reaper: threading.Event | None = None

    def start_background(self) -> None:
        """What a serving process does beside answering: render every dashboard once (in a
        thread, so the first viewers find the data in memory and cached), hand the tasks
        queued before this start to the thread runner again (a broker keeps its own queue),
        and reap tasks whose worker died."""
        threading.Thread(target=self._warm, name="biovista-warm", daemon=True).start()
        if not self.settings.task_broker_url:
            resubmit_queued(self.settings, self.tasks)
        self.start_reaper()

    def start_reaper(self) -> None:
        if self._stop_reaper is None:
            self._stop_reaper = start_reaper(self.settings, self.tasks)

    def close(self) -> None:
        """Stop the reaper, let running tasks finish, and stop the pools and browsers."""
        if self._stop_reaper is not None:
            self._stop_reaper.set()
            self._stop_reaper = None
        self.tasks.shutdown()
        self.reads.close()
        self.browsers.close()

    def _warm(self) -> None:
        try:
            warmed = warm(self.settings, self.reads)
        except Exception:  # the database may be away at start; viewers render on demand
            _log.exception("warming the dashboards failed")
            return
        _log.info("warmed %d dashboards", warmed)
