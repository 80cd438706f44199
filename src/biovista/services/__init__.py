"""Use cases: the logic that the CLI, the API and the web app all call."""
