"""Feedback storage (Chainlit's SQLAlchemyDataLayer on SQLite or PostgreSQL) and its export.

The chat window stores threads, messages and thumbs up/down with comments in
``PA_DATABASE_URL`` or else ``settings.feedback_db`` (see :mod:`assistant.chatdb`). Chainlit
never creates the tables, so :func:`ensure_schema` does,
from ``chainlit_schema.sql``. :func:`feedback_records` joins each feedback with the answer it
rates and the question asked, for ``policy-assistant feedback export``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from assistant.chatdb import (
    SQLITE_PRAGMAS,
    ChatTarget,
    SyncDB,
    connect_sync,
    ensure_schema,
    sqlalchemy_url,
)

EXPORT_FIELDS = ["feedback_id", "rating", "value", "comment", "created_at", "thread_id",
                 "user", "question", "answer", "mode", "refused", "cited_doc_ids", "message_id"]
PRAGMAS = SQLITE_PRAGMAS
__all__ = ["EXPORT_FIELDS", "answer_of_message", "conninfo", "ensure_schema",
           "feedback_records", "ownership_problem", "tune_sqlite", "write_records"]


def tune_sqlite(engine: Any) -> None:
    """Apply :data:`PRAGMAS` to every connection a SQLAlchemy (async) engine opens on SQLite,
    such as the Chainlit data layer's ``engine`` (synchronous is a per-connection setting)."""
    from sqlalchemy import event

    sync_engine = getattr(engine, "sync_engine", engine)
    if sync_engine.dialect.name != "sqlite":
        return

    @event.listens_for(sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for pragma in PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()


def conninfo(db: ChatTarget) -> str:
    return sqlalchemy_url(db)


def _json(value: Any) -> dict[str, Any]:
    if not value:
        return {}
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


_QUERY = """
SELECT f.id AS fid, f."forId" AS for_id, f."threadId" AS thread_id, f.value AS value,
       f.comment AS comment, t."userIdentifier" AS user_id,
       s.id AS sid, s.type AS stype, s.input AS sinput, s.output AS soutput,
       s."createdAt" AS screated, s.metadata AS smeta, s."parentId" AS sparent
FROM feedbacks f
LEFT JOIN threads t ON t.id = f."threadId"
LEFT JOIN steps s ON s.id = f."forId"
ORDER BY s."createdAt", f.id
"""


def _answer_step(con: SyncDB, row: dict[str, Any]) -> dict[str, Any] | None:
    """The assistant message rated: the step itself, or the message inside the rated run."""
    if row["stype"] == "assistant_message":
        return row
    return con.one(
        'SELECT id AS sid, type AS stype, input AS sinput, output AS soutput, '
        '"createdAt" AS screated, metadata AS smeta, "parentId" AS sparent FROM steps '
        'WHERE "parentId" = ? AND type = \'assistant_message\' ORDER BY "createdAt" DESC',
        (row["for_id"],),
    )


def _question_of(con: SyncDB, thread_id: str, before: str | None) -> str:
    """The last user message of the thread up to the answer (fallback when no metadata)."""
    hit = con.one(
        'SELECT output FROM steps WHERE "threadId" = ? AND type = \'user_message\' '
        'AND "createdAt" <= ? ORDER BY "createdAt" DESC LIMIT 1',
        (thread_id, before or "9999"),
    )
    return str(hit["output"]) if hit and hit["output"] else ""


def feedback_records(db: ChatTarget) -> list[dict[str, Any]]:
    """One dict per feedback with the rated answer and its question; [] if there is none."""
    with connect_sync(db) as con:
        if con is None or "feedbacks" not in con.tables():
            return []
        out = []
        for row in con.all(_QUERY):
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
                "user": row["user_id"] or "",
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


def _one(con: SyncDB, query: str, key: str) -> Any:
    row = con.one(query, (key,))
    return next(iter(row.values())) if row else None


def ownership_problem(db: ChatTarget, user: str, for_id: str | None, thread_id: str | None,
                      feedback_id: str | None) -> str | None:
    """Why ``user`` may not store this feedback, or None: the rated message must exist in a
    thread of theirs (the one named, if any), and feedback being changed must be theirs."""
    with connect_sync(db) as con:
        if con is None:
            return "no conversations are stored"
        return _ownership(con, user, for_id, thread_id, feedback_id)


def _ownership(con: SyncDB, user: str, for_id: str | None, thread_id: str | None,
               feedback_id: str | None) -> str | None:
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


def answer_of_message(db: ChatTarget, message_id: str) -> tuple[str, dict[str, Any]] | None:
    """(owner's user identifier or '', the answer JSON kept with the message), or None."""
    try:
        with connect_sync(db) as con:
            if con is None:
                return None
            row = con.one('SELECT t."userIdentifier" AS owner, s.metadata AS meta FROM steps s '
                          'LEFT JOIN threads t ON t.id = s."threadId" WHERE s.id = ?',
                          (message_id,))
    except Exception:  # noqa: BLE001 - no table yet, a locked file: the answer is not known
        return None
    if row is None:
        return None
    meta = _json(row["meta"])
    return (str(row["owner"] or ""), meta) if meta.get("answer") is not None else None
