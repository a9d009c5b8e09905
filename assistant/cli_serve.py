"""CLI: ``serve`` (the Chainlit chat window) and ``feedback export``."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli_common import err_console, fail, settings_with

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_FILE = Path(__file__).resolve().with_name("app.py")


def project_root() -> Path:
    """Folder holding the committed ``.chainlit/config.toml`` and ``public/``: the project
    checkout, else the working directory."""
    if (PROJECT_ROOT / ".chainlit" / "config.toml").is_file():
        return PROJECT_ROOT
    return Path.cwd()


def make_app_root(project: Path) -> Path:
    """A private Chainlit app folder for this server: copies of the committed configuration,
    translations and ``public/``, plus what Chainlit writes at run time (the generated
    ``chainlit.md``, uploaded and exported files). Servers never write into the checkout, and
    two servers on different corpora don't share a welcome page."""
    run = Path(tempfile.mkdtemp(prefix="pa-chainlit-"))
    src = project / ".chainlit"
    (run / ".chainlit").mkdir()
    if (src / "config.toml").is_file():
        shutil.copy2(src / "config.toml", run / ".chainlit" / "config.toml")
    if (src / "translations").is_dir():
        shutil.copytree(src / "translations", run / ".chainlit" / "translations")
    if (project / "public").is_dir():
        shutil.copytree(project / "public", run / "public")
    return run


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def has_display() -> bool:
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def user_url(host: str, port: int) -> str:
    shown = "localhost" if host in ("127.0.0.1", "localhost", "0.0.0.0", "::", "::1") else host
    return f"http://{shown}:{port}"


def run_server(host: str, port: int, headless: bool, root: Path) -> None:
    """Start Chainlit in this process (the prepared Assistant is reused by ``app.py``);
    ``root`` is this server's private app folder, removed when it stops."""
    os.environ["CHAINLIT_HOST"] = host
    os.environ["CHAINLIT_PORT"] = str(port)
    import chainlit as cl
    from chainlit.cli import run_chainlit
    from chainlit.config import config

    url = user_url(host, port)

    @cl.on_app_startup
    def _ready() -> None:
        err_console.print(f"[bold green]policy-assistant is running:[/bold green] open {url} "
                          "in your browser (Ctrl-C to stop).", highlight=False)

    @cl.on_app_shutdown
    def _cleanup() -> None:  # Chainlit ends the process (os._exit) right after this hook
        shutil.rmtree(root, ignore_errors=True)

    config.run.headless = headless
    run_chainlit(str(APP_FILE))


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0 to share)"),
        port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on"),
        headless: bool = typer.Option(False, "--headless", help="Don't open a browser"),
        index: Annotated[Path | None, typer.Option(help="Index folder (default PA_INDEX_DIR)")] = None,
        no_ingest: bool = typer.Option(False, "--no-ingest",
                                       help="Don't build or update the index at start-up"),
    ) -> None:
        """Start the chat window on http://localhost:8000 (offline; builds the index if missing)."""
        from assistant import ui_auth, ui_runtime, ui_welcome

        settings = settings_with(index)
        if not port_free(host, port):
            fail(f"port {port} on {host} is in use; stop the other server or pass --port N")
        project = project_root()
        try:
            users = ui_auth.configured_users(settings)
        except ui_auth.AuthConfigError as exc:
            fail(str(exc))
        if users:
            ui_auth.ensure_secret(project / ".chainlit")
            err_console.print(f"Password login is on ({len(users)} user(s)).")
        root = make_app_root(project)
        os.environ["CHAINLIT_APP_ROOT"] = str(root)  # read when chainlit is imported
        ui_welcome.write_welcome(root, None)  # until the index has loaded

        def ready(rt: ui_runtime.Runtime) -> None:
            if rt.assistant is None:
                err_console.print(f"[yellow]warning:[/yellow] {rt.error}", highlight=False)
            else:
                ui_welcome.write_welcome(root, rt.documents())

        # the model and index load while the web server starts; questions wait for them
        ui_runtime.prepare(settings, ingest=not no_ingest, background=True, on_ready=ready,
                           say=lambda m: err_console.print(m, highlight=False))
        try:
            with contextlib.suppress(KeyboardInterrupt):
                run_server(host, port, headless or not has_display(), root)
        finally:  # when the server failed to start; a normal stop cleans up in _cleanup
            shutil.rmtree(root, ignore_errors=True)

    feedback_app = typer.Typer(help="Feedback given in the chat window.", no_args_is_help=True)

    @feedback_app.command("export")
    def export(
        fmt: str = typer.Option("csv", "--format", help="csv or jsonl"),
        out: Annotated[Path | None, typer.Option(
            "--out", help="File to write (default: standard output)")] = None,
        db: Annotated[Path | None, typer.Option(
            "--db", help="Feedback database (default PA_FEEDBACK_DB)")] = None,
    ) -> None:
        """Write the thumbs up/down and comments, with the rated answers, as CSV or JSON lines."""
        from assistant.feedback import feedback_records, write_records

        if fmt not in ("csv", "jsonl"):
            fail("--format must be 'csv' or 'jsonl'")
        path = db or settings_with().feedback_db
        if not path.exists():
            fail(f"no feedback database at {path} (it is created when the chat window runs)")
        records = feedback_records(path)
        if out is None:
            write_records(records, fmt, sys.stdout)
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as fh:
            n = write_records(records, fmt, fh)
        err_console.print(f"Wrote {n} feedback record(s) to {out}")

    app.add_typer(feedback_app, name="feedback")
