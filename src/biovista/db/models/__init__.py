"""ORM models of the metadata database, one module per domain, all on one ``Base``.

The tables refer to each other across domains by name (an execution's task, a dashboard's
project, every row's project id), and SQLAlchemy resolves those names through the shared
registry and metadata when the mappers are first used. So this package imports every
domain module itself: whoever imports one model — the server, a Celery worker that only
touches tasks, Alembic's ``env.py`` comparing :data:`Base.metadata` with the database —
gets all of them, and no module has to import another for its side effect.

A new table goes into the module of its domain (or a new one, imported below) and gets a
migration (``python -m biovista.db.migrate revision "..."``); ``tests/db/test_migrate.py``
fails while the two differ.
"""

from __future__ import annotations

from biovista.db.models.accounts import (
    ApiToken,
    Group,
    GroupInvitation,
    GroupMember,
    ProjectGrant,
    RefreshToken,
    User,
)
from biovista.db.models.base import Base, as_utc, utcnow
from biovista.db.models.dashboards import Dashboard
from biovista.db.models.projects import Collection, Ingestion, Project, Run, SourceFile
from biovista.db.models.samples import Sample, SampleFile, SampleType, UploadSession
from biovista.db.models.tasks import Task, TaskEvent
from biovista.db.models.workflows import Execution, ExecutionJob, OutputFile, Workflow

__all__ = [
    "ApiToken",
    "Base",
    "Collection",
    "Dashboard",
    "Execution",
    "ExecutionJob",
    "Group",
    "GroupInvitation",
    "GroupMember",
    "Ingestion",
    "OutputFile",
    "Project",
    "ProjectGrant",
    "RefreshToken",
    "Run",
    "Sample",
    "SampleFile",
    "SampleType",
    "SourceFile",
    "Task",
    "TaskEvent",
    "UploadSession",
    "User",
    "Workflow",
    "as_utc",
    "utcnow",
]
