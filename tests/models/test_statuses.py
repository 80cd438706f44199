"""The lifecycle states: stored as the words they equal, with their final sets complete."""

from __future__ import annotations

import json

from biovista.models.statuses import (
    EXECUTION_ACTIVE,
    EXECUTION_FINISHED,
    JOB_ACTIVE,
    JOB_DONE,
    JOB_FINISHED,
    TASK_ACTIVE,
    TASK_FINISHED,
    ExecutionStatus,
    IngestionStatus,
    JobStatus,
    TaskStatus,
)


def test_states_are_the_stored_words() -> None:
    assert TaskStatus.QUEUED == "queued"
    assert json.dumps({"status": ExecutionStatus.INGESTING}) == '{"status": "ingesting"}'
    assert f"{IngestionStatus.INTERRUPTED}" == "interrupted"
    assert "running" in EXECUTION_ACTIVE  # a plain string read back from a row


def test_every_state_is_either_active_or_finished() -> None:
    assert set(TaskStatus) == TASK_ACTIVE | TASK_FINISHED
    assert not TASK_ACTIVE & TASK_FINISHED
    assert set(ExecutionStatus) == EXECUTION_ACTIVE | EXECUTION_FINISHED
    assert ExecutionStatus.INGESTING in EXECUTION_ACTIVE
    assert set(JobStatus) == JOB_ACTIVE | JOB_FINISHED
    assert JOB_DONE <= JOB_FINISHED and JobStatus.CANCELLED not in JOB_DONE


def test_ingestion_knows_all_six_states() -> None:
    assert [s.value for s in IngestionStatus] == [
        "queued",
        "running",
        "succeeded",
        "partial",
        "failed",
        "interrupted",
    ]
