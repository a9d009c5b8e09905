"""CLI: ``users add`` writes a user with an argon2 password hash into the users file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from assistant.cli.common import err_console, fail, settings_with

MIN_PASSWORD = 10
users_app = typer.Typer(help="Users of the chat window's password login.", no_args_is_help=True)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name (no ':' or ',')")],
    file: Annotated[Path | None, typer.Option(
        "--file", help="Users file (default PA_AUTH_USERS_FILE); created if missing")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input "
        "instead of prompting")] = False,
) -> None:
    """Add a user, or set a user's new password; only the password's argon2 hash is stored."""
    from assistant.ui.auth import AuthConfigError, add_user

    path = file or settings_with().auth_users_file
    if path is None:
        fail("no users file: pass --file PATH or set PA_AUTH_USERS_FILE")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        fail(f"a password needs at least {MIN_PASSWORD} characters")
    try:
        existed = add_user(path, name, password)
    except (AuthConfigError, OSError) as exc:
        fail(str(exc))
    err_console.print(Text(f"{'Updated' if existed else 'Added'} user {name} in {path} (argon2 "
                           "hash; the file is readable by its owner only). Serve with "
                           f"PA_AUTH_USERS_FILE={path}"), highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
