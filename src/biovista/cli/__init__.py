"""The ``biovista`` command line: thin typer commands over the services."""
