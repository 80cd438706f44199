"""``python -m biovista`` runs the command line, like the ``biovista`` script."""

from biovista.cli.main import run

run()
