"""The local single-user mode: on a loopback address with no password users configured, the
chat window signs one user in without a password (Chainlit's header-auth callback), so
conversations are kept, listed in the sidebar and survive a reload.

A request is accepted only when its ``Host`` header names the loopback too, so a web page
elsewhere cannot reach the server through a rebound domain name and act as that user.
"""

from __future__ import annotations

from assistant.core.settings import Settings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def host_name(host_header: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1', '[::1]:8000' -> '::1', 'localhost' -> 'localhost'."""
    h = host_header.strip().lower()
    if h.startswith("["):
        return h[1:].split("]", 1)[0]
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def local_user(settings: Settings, users: dict[str, str], bind_host: str) -> str | None:
    """The single user's name when the mode applies, else None."""
    name = settings.local_user.strip()
    if users or not name or bind_host not in LOOPBACK:
        return None
    return name


def request_is_local(host_header: str | None) -> bool:
    return host_name(host_header or "") in LOOPBACK
