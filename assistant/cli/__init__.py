"""The ``policy-assistant`` command: a thin Typer shell over the ``assistant`` API."""
