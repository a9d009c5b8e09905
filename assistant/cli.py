"""The ``policy-assistant`` command: a thin Typer shell over the ``assistant`` API."""

from __future__ import annotations

import logging

import typer

from assistant import cli_ask, cli_ingest

app = typer.Typer(
    help="Cited answers from a curated collection of policy documents on technology-facilitated "
    "human trafficking. Offline by default.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Show debug logs.")) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


cli_ingest.register(app)
cli_ask.register(app)


def _register_optional() -> None:
    """Commands whose modules may pull in heavier dependencies register themselves here."""
    import importlib

    for name in ("assistant.cli_serve", "assistant.cli_brief", "evals.cli", "evals.cli_bench"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)


_register_optional()
