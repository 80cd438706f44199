"""Dashboards: documents and their checks, opening one for a caller, rendering, sharing,
screenshots and the image gallery.
"""
