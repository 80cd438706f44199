"""Workflow engines behind one interface: Snakemake (run here for real) and Nextflow.

A pure engine layer: it starts a workflow as a child process and reports what happens as
events; the execution service records them (database, API, ingestion of outputs).
"""
