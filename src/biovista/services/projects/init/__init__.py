"""``biovista init``: look at a folder, propose collections (patterns, columns) and write the
project file.
"""
