"""Task handlers for the tests, loaded by workers through BIOVISTA_TASK_MODULES (the
runtime reads ``HANDLERS``)."""

from __future__ import annotations

from typing import Any

from biovista.errors import InvalidInputError
from biovista.tasks import Handler, TaskContext


def count(context: TaskContext) -> dict[str, Any]:
    steps = int(context.params["steps"])
    for step in range(1, steps + 1):
        context.log(f"step {step}")
        context.progress(step, steps, f"{step} of {steps}")
    return {"sum": steps * (steps + 1) // 2}


def refuse(context: TaskContext) -> None:
    raise InvalidInputError("the sheet has no 'sample' column (line 1)")


def crash(context: TaskContext) -> None:
    raise ZeroDivisionError("division by zero")


def wait(context: TaskContext) -> dict[str, Any]:
    """Runs until cancelled (or ``seconds`` pass)."""
    context.progress(0, 1, "waiting")
    cancelled = context.wait(float(context.params.get("seconds", 60)))
    return {"cancelled": cancelled}


HANDLERS: dict[str, Handler] = {
    "test.count": count,
    "test.refuse": refuse,
    "test.crash": crash,
    "test.wait": wait,
}
