"""Optional password login for shared deployments (off unless users are configured).

Users come from ``PA_AUTH_USERS_FILE`` (one ``user:$argon2id$...`` line per user, written by
``policy-assistant users add``; ``#`` comments) and/or ``PA_AUTH_USERS`` ("alice:pw1,bob:pw2").
A password that is not an argon2 hash is compared as plain text: for local testing only.
Chainlit signs its session tokens with
``CHAINLIT_AUTH_SECRET``; when it is not set, one is generated once and kept in
``.chainlit/auth_secret`` (readable by the owner only), so logins survive restarts.
"""

from __future__ import annotations

import hmac
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assistant.core.settings import Settings

SECRET_ENV = "CHAINLIT_AUTH_SECRET"
HASH_PREFIX = "$argon2"
_HASHER = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified for unknown users, so that they cost as much as known ones."""
    return _HASHER.hash(secrets.token_urlsafe(16))


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


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def is_hashed(stored: str) -> bool:
    return stored.startswith(HASH_PREFIX)


def check_password(users: dict[str, str], username: str, password: str) -> bool:
    """argon2 verification for hashed entries, constant-time comparison for plain ones; an
    unknown user costs the same as a wrong password."""
    expected = users.get(username)
    if expected is None or is_hashed(expected):
        try:
            ok: bool = _HASHER.verify(expected or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            ok = False
        return expected is not None and ok
    return hmac.compare_digest(expected.encode(), password.encode())


def add_user(path: Path, username: str, password: str) -> bool:
    """Write ``username`` with an argon2 hash of ``password`` into the users file (created
    readable by the owner only; replaced atomically). True when the user already existed."""
    if not username or ":" in username or "," in username or username != username.strip():
        raise AuthConfigError(f"user name {username!r}: no ':' or ',', no surrounding spaces")
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [ln for ln in lines if ln.strip().partition(":")[0].strip() != username
            or ln.strip().startswith("#")]
    kept.append(f"{username}:{hash_password(password)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".users-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:  # mkstemp makes it mode 600
        fh.write("\n".join(kept) + "\n")
    os.replace(tmp, path)
    return len(kept) == len(lines)


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
