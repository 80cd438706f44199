"""Placeholder: implemented by the parsers work."""
