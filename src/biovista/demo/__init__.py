"""Bundled demo projects: real data (Palmer penguins, an nf-core/ampliseq MultiQC report)."""
