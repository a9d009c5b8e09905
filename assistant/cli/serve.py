"""CLI: ``serve`` (the Chainlit chat window) and ``feedback export``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import ExitCode, err_console, fail, settings_with


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0 to share)"),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on"),
    headless: bool = typer.Option(False, "--headless", help="Don't open a browser"),
    index: Annotated[Path | None, typer.Option(help="Index folder (default PA_INDEX_DIR)")] = None,
    no_ingest: bool = typer.Option(False, "--no-ingest",
                                   help="Don't build or update the index at start-up"),
    allow_no_login: bool = typer.Option(
        False, "--allow-no-login",
        help="Listen on a non-loopback address even though no users are configured"),
    llm: Annotated[str | None, typer.Option(
        "--llm", help="'local': answer with the model of `policy-assistant model serve` "
        "(sets PA_ANSWERER=llm, PA_LLM_PROVIDER=local); falls back to quoting when it is down")
    ] = None,
) -> None:
    """Start the chat window on http://localhost:8000 (offline; builds the index if missing).

    Exit status 5 when asked to listen beyond this machine without login."""
    from assistant.ui.server import ServeError, UnsafeServeError
    from assistant.ui.server import serve as serve_chat

    settings = settings_with(index)
    if llm is not None:
        if llm != "local":
            fail("--llm takes 'local' (other providers: PA_LLM_PROVIDER and PA_LLM_BASE_URL)")
        settings = settings.model_copy(update={"answerer": "llm", "llm_provider": "local"})
    try:
        serve_chat(settings, host, port, headless, not no_ingest,
                   lambda m: err_console.print(m, markup=False, highlight=False),
                   allow_no_login=allow_no_login)
    except UnsafeServeError as exc:
        fail(str(exc), ExitCode.UNSAFE_SERVE)
    except ServeError as exc:
        fail(str(exc))

feedback_app = typer.Typer(help="Feedback given in the chat window.", no_args_is_help=True)

@feedback_app.command("export")
def export(
    fmt: str = typer.Option("csv", "--format", help="csv or jsonl"),
    out: Annotated[Path | None, typer.Option(
        "--out", help="File to write (default: standard output)")] = None,
    db: Annotated[Path | None, typer.Option(
        "--db", help="SQLite feedback database (default: PA_DATABASE_URL if set, else "
        "PA_FEEDBACK_DB)")] = None,
) -> None:
    """Write the thumbs up/down and comments, with the rated answers, as CSV or JSON lines."""
    from assistant.chatdb import chat_target
    from assistant.feedback import feedback_records, write_records

    if fmt not in ("csv", "jsonl"):
        fail("--format must be 'csv' or 'jsonl'")
    settings = settings_with()
    target = db or chat_target(settings.database_url, settings.feedback_db)
    if isinstance(target, Path) and not target.exists():
        fail(f"no feedback database at {target} (it is created when the chat window runs)")
    records = feedback_records(target)
    if out is None:
        write_records(records, fmt, sys.stdout)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        n = write_records(records, fmt, fh)
    err_console.print(f"Wrote {n} feedback record(s) to {out}")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(feedback_app, name="feedback")
