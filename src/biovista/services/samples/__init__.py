"""Samples: records and types, uploads (plain and resumable, with running hashes) and zip
downloads.
"""
