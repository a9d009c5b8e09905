"""The ``policy-assistant`` command: a thin Typer shell over the ``assistant`` API."""

from __future__ import annotations

import logging

import typer

from assistant.cli import (
    ask,
    bench,
    brief,
    calibrate,
    db,
    evaluate,
    ingest,
    model,
    search,
    serve,
    users,
)

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


for module in (ingest, search, ask, serve, brief, evaluate, calibrate, bench, users, model, db):
    module.register(app)
