"""Ingest: plan a run from a project file (its files found by :mod:`biovista.storage.scan`),
read and conform each file, stage it, commit tables, keep them clustered, report; the
background task that runs it.
"""
