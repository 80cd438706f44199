"""Talking to a biovista server: the HTTP client of the command line and resumable uploads."""
