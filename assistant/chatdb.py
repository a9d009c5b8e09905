"""Where conversations live: PostgreSQL when ``PA_DATABASE_URL`` is set, else the SQLite file
``PA_FEEDBACK_DB``; one schema for both (``chainlit_schema.sql``).

Chainlit's SQLAlchemy data layer keeps threads, messages and feedback there (asyncpg or
aiosqlite). Beside them, this module keeps what a conversation needs between turns, so that
any replica can serve any turn:

* ``pa_answers``: every answer given (its JSON, the question, the thread), written before the
  answer is shown. It is the conversation's history for follow-ups and what "Add to brief"
  adds.
* ``pa_brief``: the answers a conversation has added to its brief.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.core.models import Turn

ChatTarget = Path | str  # a SQLite file, or a PostgreSQL URL
SCHEMA_FILE = Path(__file__).with_name("chainlit_schema.sql")
CHAINLIT_TABLES = ("users", "threads", "steps", "elements", "feedbacks")
PA_TABLES = ("pa_answers", "pa_brief")
# Write-ahead logging lets the export (and other readers) run while the chat window writes, and
# NORMAL sync is durable in WAL mode except for the last commits at a power cut.
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def chat_target(database_url: str, feedback_db: Path) -> ChatTarget:
    return database_url or feedback_db


def is_postgres(target: ChatTarget) -> bool:
    return isinstance(target, str)


def sqlalchemy_url(target: ChatTarget) -> str:
    """The data layer's URL: ``postgresql+asyncpg://…`` or ``sqlite+aiosqlite:///…``."""
    if isinstance(target, Path):
        return f"sqlite+aiosqlite:///{target.resolve()}"
    scheme, sep, rest = target.partition("://")
    if not sep or not scheme.startswith("postgres"):
        raise ValueError("PA_DATABASE_URL must start with postgresql://")
    return f"postgresql+asyncpg://{rest}"


def ensure_schema(target: ChatTarget) -> ChatTarget:
    """Create the tables if they are missing (idempotent); SQLite in WAL mode."""
    script = SCHEMA_FILE.read_text(encoding="utf-8")
    if isinstance(target, str):
        import psycopg

        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(hashtext('pa_chat_schema'))")
            conn.execute(script.encode())  # several statements: the simple query protocol
            conn.execute("SELECT pg_advisory_unlock(hashtext('pa_chat_schema'))")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(target)
    try:
        for pragma in SQLITE_PRAGMAS:  # journal_mode=WAL is stored in the file and persists
            con.execute(pragma)
        with con:
            con.executescript(script)
    finally:
        con.close()
    return target


class SyncDB:
    """A read/write connection with ``?`` placeholders and rows as dicts, on either database."""

    def __init__(self, conn: Any, postgres: bool) -> None:
        self.conn = conn
        self.postgres = postgres

    def _sql(self, query: str) -> str:
        return query.replace("?", "%s") if self.postgres else query

    def all(self, query: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(self._sql(query), params)
        names = [d[0] for d in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def one(self, query: str, params: tuple[Any, ...] = ()) -> dict[str, Any] | None:
        rows = self.all(query, params)
        return rows[0] if rows else None

    def execute(self, query: str, params: tuple[Any, ...] = ()) -> None:
        self.conn.execute(self._sql(query), params)

    def tables(self) -> set[str]:
        if self.postgres:
            rows = self.all("SELECT tablename AS name FROM pg_tables WHERE schemaname = "
                            "current_schema()")
        else:
            rows = self.all("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(r["name"]) for r in rows}


@contextmanager
def connect_sync(target: ChatTarget, readonly: bool = True) -> Iterator[SyncDB | None]:
    """A :class:`SyncDB`, or None when there is no SQLite file yet. Committed on success."""
    if isinstance(target, str):
        import psycopg

        with psycopg.connect(target) as conn:  # commits at the end of the block
            yield SyncDB(conn, postgres=True)
        return
    if not target.exists():
        yield None
        return
    uri = f"file:{target}?mode=ro" if readonly else f"file:{target}"
    con = sqlite3.connect(uri, uri=True)
    try:
        with con:
            yield SyncDB(con, postgres=False)
    finally:
        con.close()


def _now() -> str:
    return datetime.now(UTC).isoformat()


class ChatStore:
    """What a conversation keeps between turns, through the data layer's async engine."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    async def _rows(self, query: str, params: dict[str, Any]) -> list[Any]:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            return list((await conn.execute(text(query), params)).fetchall())

    async def _write(self, query: str, params: dict[str, Any]) -> int:
        from sqlalchemy import text

        async with self.engine.begin() as conn:  # committed when the block ends
            return int((await conn.execute(text(query), params)).rowcount or 0)

    async def save_answer(self, thread_id: str, message_id: str, user: str, question: str,
                          answer: dict[str, Any]) -> None:
        await self._write(
            'INSERT INTO pa_answers ("messageId", "threadId", "userIdentifier", question, '
            'answer, "createdAt") VALUES (:m, :t, :u, :q, :a, :c) ON CONFLICT ("messageId") '
            "DO NOTHING", {"m": message_id, "t": thread_id, "u": user, "q": question,
                           "a": json.dumps(answer), "c": _now()})

    async def history(self, thread_id: str) -> list[Turn]:
        rows = await self._rows('SELECT question, answer FROM pa_answers WHERE "threadId" = :t '
                                'ORDER BY "createdAt", "messageId"', {"t": thread_id})
        turns: list[Turn] = []
        for question, answer in rows:
            turns += [Turn(role="user", content=question),
                      Turn(role="assistant", content=str(json.loads(answer).get("answer", "")))]
        return turns

    async def answer(self, thread_id: str, message_id: str) -> dict[str, Any] | None:
        """The answer JSON of a message of this thread, or None."""
        rows = await self._rows('SELECT answer FROM pa_answers WHERE "messageId" = :m AND '
                                '"threadId" = :t', {"m": message_id, "t": thread_id})
        return json.loads(rows[0][0]) if rows else None

    async def add_to_brief(self, thread_id: str, message_id: str) -> bool:
        """False when the answer was in the brief already."""
        return await self._write(
            'INSERT INTO pa_brief ("threadId", "messageId", "addedAt") VALUES (:t, :m, :c) '
            'ON CONFLICT ("threadId", "messageId") DO NOTHING',
            {"t": thread_id, "m": message_id, "c": _now()}) > 0

    async def brief(self, thread_id: str) -> list[tuple[str, dict[str, Any]]]:
        """(message id, answer JSON) of the brief's answers, in the order added."""
        rows = await self._rows(
            'SELECT b."messageId", a.answer FROM pa_brief b JOIN pa_answers a ON a."messageId" '
            '= b."messageId" WHERE b."threadId" = :t ORDER BY b."addedAt", b."messageId"',
            {"t": thread_id})
        return [(str(m), json.loads(a)) for m, a in rows]


BOOLEAN_COLUMNS = {"streaming", "waitForAnswer", "isError", "defaultOpen", "autoCollapse",
                   "autoPlay"}  # 0/1 in SQLite, true/false in PostgreSQL


def copy_sqlite_chats(source: Path, url: str) -> dict[str, int]:
    """Copy every row of the SQLite chat file into PostgreSQL (tables created if missing; rows
    whose key is there already are left alone). Returns the rows copied per table."""
    ensure_schema(url)
    ensure_schema(source)  # an older file gains the newer tables (empty)
    copied: dict[str, int] = {}
    with connect_sync(source) as src, connect_sync(url, readonly=False) as dst:
        assert src is not None and dst is not None
        for name in (*CHAINLIT_TABLES, *PA_TABLES):  # parents before children
            copied[name] = sum(_insert(dst, name, row)
                               for row in src.all(f"SELECT * FROM {name}"))
    return copied


def _insert(db: SyncDB, table: str, row: dict[str, Any]) -> int:
    cols = ", ".join(f'"{c}"' for c in row)
    values = tuple(bool(v) if c in BOOLEAN_COLUMNS and v is not None else v
                   for c, v in row.items())
    cur = db.conn.execute(db._sql(f"INSERT INTO {table} ({cols}) VALUES "
                                  f"({', '.join('?' for _ in row)}) ON CONFLICT DO NOTHING"),
                          values)
    return max(int(cur.rowcount), 0)
