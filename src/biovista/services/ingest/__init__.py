"""Ingest: plan a run from a project file, read and conform each file, stage it, commit tables,
keep them clustered, report; the background task that runs it.
"""
