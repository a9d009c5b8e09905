"""Optional password login for shared deployments (off unless users are configured).

Users come from ``PA_AUTH_USERS`` ("alice:pw1,bob:pw2") and/or ``PA_AUTH_USERS_FILE`` (one
``user:password`` per line, ``#`` comments). Chainlit signs its session tokens with
``CHAINLIT_AUTH_SECRET``; when it is not set, one is generated once and kept in
``.chainlit/auth_secret`` (readable by the owner only), so logins survive restarts.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from assistant.core.settings import Settings

SECRET_ENV = "CHAINLIT_AUTH_SECRET"


class AuthConfigError(ValueError):
    """The user list is malformed; the message says which entry."""


def _parse_entries(entries: list[tuple[str, str]]) -> dict[str, str]:
    users: dict[str, str] = {}
    for where, raw in entries:
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password:
            raise AuthConfigError(f"{where}: expected 'user:password', got {entry[:40]!r}")
        users[user.strip()] = password
    return users


def parse_users(spec: str) -> dict[str, str]:
    """'alice:pw1,bob:pw2' -> {'alice': 'pw1', 'bob': 'pw2'}."""
    return _parse_entries([("PA_AUTH_USERS", part) for part in spec.split(",")])


def read_users_file(path: Path) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AuthConfigError(f"cannot read the users file {path}: {exc.strerror}") from exc
    return _parse_entries([(f"{path}:{n}", line) for n, line in enumerate(lines, start=1)])


def configured_users(settings: Settings) -> dict[str, str]:
    """All configured users; empty means login is off."""
    users: dict[str, str] = {}
    if settings.auth_users_file:
        users.update(read_users_file(Path(settings.auth_users_file)))
    if settings.auth_users.strip():
        users.update(parse_users(settings.auth_users))
    return users


def check_password(users: dict[str, str], username: str, password: str) -> bool:
    """Constant-time comparison; unknown users cost the same as wrong passwords."""
    expected = users.get(username)
    ok = hmac.compare_digest((expected or "\0").encode(), password.encode())
    return expected is not None and ok


def ensure_secret(folder: Path) -> str:
    """Put a persistent ``CHAINLIT_AUTH_SECRET`` in the environment if none is set."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    path = folder / "auth_secret"
    secret = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    if not secret:
        folder.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secret + "\n")
    os.environ[SECRET_ENV] = secret
    return secret
