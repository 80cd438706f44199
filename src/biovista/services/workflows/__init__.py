"""Workflows: the registry of workflows, executions and the task that runs one."""
