"""Projects: the catalog of projects and their files, rows, validation and the demo; ``init``
proposes a project file for a folder.
"""
