"""Feedback storage (Chainlit's SQLAlchemyDataLayer on SQLite) and its export.

The chat window stores threads, messages and thumbs up/down with comments in
``settings.feedback_db``. Chainlit never creates the tables, so :func:`ensure_schema` does,
from ``chainlit_schema.sql``. :func:`feedback_records` joins each feedback with the answer it
rates and the question asked, for ``policy-assistant feedback export``.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

SCHEMA_FILE = Path(__file__).with_name("chainlit_schema.sql")
EXPORT_FIELDS = ["feedback_id", "rating", "value", "comment", "created_at", "thread_id",
                 "user", "question", "answer", "mode", "refused", "cited_doc_ids", "message_id"]


# Write-ahead logging lets the export (and other readers) run while the chat window writes, and
# NORMAL sync is durable in WAL mode except for the last commits at a power cut.
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def ensure_schema(db: Path) -> Path:
    """Create the data layer's tables if they are missing (idempotent), in WAL mode."""
    db.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db)
    try:
        for pragma in PRAGMAS:  # journal_mode=WAL is stored in the file and persists
            con.execute(pragma)
        with con:
            con.executescript(SCHEMA_FILE.read_text(encoding="utf-8"))
    finally:
        con.close()
    return db


def tune_sqlite(engine: Any) -> None:
    """Apply :data:`PRAGMAS` to every connection a SQLAlchemy (async) engine opens, such as the
    Chainlit data layer's ``engine`` (synchronous is a per-connection setting)."""
    from sqlalchemy import event

    @event.listens_for(getattr(engine, "sync_engine", engine), "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for pragma in PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()


def conninfo(db: Path) -> str:
    return f"sqlite+aiosqlite:///{db.resolve()}"


def _json(value: Any) -> dict[str, Any]:
    if not value:
        return {}
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


_QUERY = """
SELECT f.id AS fid, f.forId AS for_id, f.threadId AS thread_id, f.value AS value,
       f.comment AS comment, t.userIdentifier AS user,
       s.id AS sid, s.type AS stype, s.input AS sinput, s.output AS soutput,
       s.createdAt AS screated, s.metadata AS smeta, s.parentId AS sparent
FROM feedbacks f
LEFT JOIN threads t ON t.id = f.threadId
LEFT JOIN steps s ON s.id = f.forId
ORDER BY s.createdAt, f.id
"""


def _answer_step(con: sqlite3.Connection, row: sqlite3.Row) -> sqlite3.Row | None:
    """The assistant message rated: the step itself, or the message inside the rated run."""
    if row["stype"] == "assistant_message":
        return row
    cur = con.execute(
        'SELECT id AS sid, type AS stype, input AS sinput, output AS soutput, '
        'createdAt AS screated, metadata AS smeta, parentId AS sparent FROM steps '
        'WHERE "parentId" = ? AND type = \'assistant_message\' ORDER BY "createdAt" DESC',
        (row["for_id"],),
    )
    found: sqlite3.Row | None = cur.fetchone()
    return found


def _question_of(con: sqlite3.Connection, thread_id: str, before: str | None) -> str:
    """The last user message of the thread up to the answer (fallback when no metadata)."""
    cur = con.execute(
        'SELECT output FROM steps WHERE "threadId" = ? AND type = \'user_message\' '
        'AND (? IS NULL OR "createdAt" <= ?) ORDER BY "createdAt" DESC LIMIT 1',
        (thread_id, before, before),
    )
    hit = cur.fetchone()
    return str(hit[0]) if hit and hit[0] else ""


def feedback_records(db: Path) -> list[dict[str, Any]]:
    """One dict per feedback with the rated answer and its question; [] if there is no db."""
    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "feedbacks" not in tables:
            return []
        out = []
        for row in con.execute(_QUERY).fetchall():
            step = _answer_step(con, row) if row["sid"] else None
            meta = _json(step["smeta"]) if step is not None else {}
            created = (step["screated"] if step is not None else None) or row["screated"]
            question = str(meta.get("question") or "") or _question_of(
                con, row["thread_id"], created)
            cites = meta.get("citations") or []
            out.append({
                "feedback_id": row["fid"],
                "rating": "up" if row["value"] and int(row["value"]) > 0 else "down",
                "value": int(row["value"]) if row["value"] is not None else None,
                "comment": row["comment"] or "",
                "created_at": created or "",
                "thread_id": row["thread_id"],
                "user": row["user"] or "",
                "question": question,
                "answer": str(meta.get("answer") or "")
                or ((step["soutput"] if step is not None else "") or ""),
                "mode": meta.get("mode", ""),
                "refused": meta.get("refused", ""),
                "cited_doc_ids": sorted({str(c.get("doc_id")) for c in cites
                                         if isinstance(c, dict) and c.get("doc_id")}),
                "message_id": step["sid"] if step is not None else row["for_id"],
            })
        return out
    finally:
        con.close()


def _one(con: sqlite3.Connection, query: str, key: str) -> Any:
    row = con.execute(query, (key,)).fetchone()
    return row[0] if row else None


def ownership_problem(db: Path, user: str, for_id: str | None, thread_id: str | None,
                      feedback_id: str | None) -> str | None:
    """Why ``user`` may not store this feedback, or None: the rated message must exist in a
    thread of theirs (the one named, if any), and feedback being changed must be theirs."""
    if not db.exists():
        return "no conversations are stored"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        owner_of = 'SELECT "userIdentifier" FROM threads WHERE id = ?'
        if for_id is not None:
            step_thread = _one(con, 'SELECT "threadId" FROM steps WHERE id = ?', for_id)
            if step_thread is None:
                return "the rated message does not exist"
            if thread_id is not None and thread_id != step_thread:
                return "the rated message is not in that conversation"
            if _one(con, owner_of, step_thread) != user:
                return "the conversation belongs to another user"
        if feedback_id is not None:
            fb_thread = _one(con, 'SELECT "threadId" FROM feedbacks WHERE id = ?', feedback_id)
            if fb_thread is not None and _one(con, owner_of, fb_thread) != user:
                return "the feedback belongs to another user"
        return None
    finally:
        con.close()


def write_records(records: Iterable[dict[str, Any]], fmt: str, out: TextIO) -> int:
    """Write records as CSV (one row each, doc ids joined by ';') or JSON lines."""
    n = 0
    if fmt == "jsonl":
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
        return n
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}: use csv or jsonl")
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for rec in records:
        writer.writerow({**rec, "cited_doc_ids": ";".join(rec.get("cited_doc_ids") or [])})
        n += 1
    return n


def answer_of_message(db: Path, message_id: str) -> tuple[str, dict[str, Any]] | None:
    """(owner's user identifier or '', the answer JSON kept with the message), or None."""
    if not db.exists():
        return None
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute(
            'SELECT t."userIdentifier", s.metadata FROM steps s '
            'LEFT JOIN threads t ON t.id = s."threadId" WHERE s.id = ?', (message_id,)
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    if row is None:
        return None
    meta = _json(row[1])
    return (str(row[0] or ""), meta) if meta.get("answer") is not None else None
