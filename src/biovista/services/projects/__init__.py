"""Projects: the catalog of projects and their files, rows and validation; ``init`` proposes
a project file for a folder. (The demo, which seeds projects and their dashboards, sits
above the domain packages in :mod:`biovista.services.demo`.)
"""
