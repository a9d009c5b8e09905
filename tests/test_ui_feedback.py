"""Feedback stored through Chainlit's real SQLAlchemy data layer, then exported."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from assistant.feedback import conninfo, ensure_schema, feedback_records, tune_sqlite, write_records

ANSWER_META = {"question": "What share of victims are advertised online?",
               "answer": "“75% of sex trafficking victims are advertised online.” [1]",
               "refused": False, "mode": "extractive",
               "citations": [{"marker": 1, "doc_id": "osce-press-release-2022",
                              "locator": "¶ 1", "excerpt": "75% ..."}]}


async def _store_conversation(db: Path) -> None:
    """What the chat window writes: user message, run step, answer message, feedback."""
    from chainlit.context import init_http_context
    from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
    from chainlit.types import Feedback

    init_http_context(thread_id="t1")  # as in the server's HTTP handlers
    dl = SQLAlchemyDataLayer(conninfo=conninfo(db))
    steps = [
        {"id": "u1", "name": "User", "type": "user_message", "threadId": "t1",
         "output": ANSWER_META["question"], "createdAt": "2026-01-01T10:00:00Z"},
        {"id": "r1", "name": "on_message", "type": "run", "threadId": "t1", "parentId": "u1",
         "input": ANSWER_META["question"], "output": "", "createdAt": "2026-01-01T10:00:01Z"},
        {"id": "a1", "name": "Policy Assistant", "type": "assistant_message", "threadId": "t1",
         "parentId": "r1", "output": "“75% \\[…\\]” [1]", "metadata": ANSWER_META,
         "createdAt": "2026-01-01T10:00:02Z"},
    ]
    for step in steps:
        await dl.create_step({**step, "streaming": False})  # type: ignore[typeddict-item]
    # the window rates the run step; a rating of the message itself must work too
    await dl.upsert_feedback(Feedback(forId="r1", threadId="t1", value=0,
                                      comment="Second source is off-topic, “quoted”, ok"))
    await dl.upsert_feedback(Feedback(forId="a1", threadId="t1", value=1))
    await dl.engine.dispose()


def _db(tmp_path: Path) -> Path:
    db = ensure_schema(tmp_path / "sub" / "chat.db")
    ensure_schema(db)  # idempotent
    asyncio.run(_store_conversation(db))
    return db


def test_schema_has_the_data_layer_tables(tmp_path: Path) -> None:
    db = ensure_schema(tmp_path / "chat.db")
    with sqlite3.connect(db) as con:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "threads", "steps", "elements", "feedbacks"} <= names


def test_db_uses_wal_and_normal_sync(tmp_path: Path) -> None:
    """WAL is stored in the file; synchronous=NORMAL is set on each data-layer connection."""
    db = ensure_schema(tmp_path / "chat.db")
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()

    async def pragmas() -> tuple[str, int]:
        from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

        dl = SQLAlchemyDataLayer(conninfo=conninfo(db))
        tune_sqlite(dl.engine)
        try:
            async with dl.engine.connect() as conn:
                mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
                sync = (await conn.exec_driver_sql("PRAGMA synchronous")).scalar()
        finally:
            await dl.engine.dispose()
        return str(mode), int(sync)

    assert asyncio.run(pragmas()) == ("wal", 1)  # 1 is NORMAL (the default is 2, FULL)


def test_records_join_feedback_with_answer_and_question(tmp_path: Path) -> None:
    recs = feedback_records(_db(tmp_path))
    assert len(recs) == 2
    down = next(r for r in recs if r["rating"] == "down")
    assert down["value"] == 0
    assert down["comment"] == "Second source is off-topic, “quoted”, ok"
    assert down["question"] == ANSWER_META["question"]
    assert down["answer"] == ANSWER_META["answer"]  # plain text, not the escaped markdown
    assert down["message_id"] == "a1" and down["thread_id"] == "t1"
    assert down["cited_doc_ids"] == ["osce-press-release-2022"]
    up = next(r for r in recs if r["rating"] == "up")
    assert up["message_id"] == "a1" and up["comment"] == ""


def test_csv_and_jsonl_round_trip(tmp_path: Path) -> None:
    recs = feedback_records(_db(tmp_path))
    buf = io.StringIO()
    assert write_records(recs, "csv", buf) == 2
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert {r["comment"] for r in rows} == {"Second source is off-topic, “quoted”, ok", ""}
    assert rows[0]["cited_doc_ids"] == "osce-press-release-2022"
    buf = io.StringIO()
    write_records(recs, "jsonl", buf)
    assert [json.loads(line)["rating"] for line in buf.getvalue().splitlines()] == \
        [r["rating"] for r in recs]


def test_missing_db_gives_no_records(tmp_path: Path) -> None:
    assert feedback_records(tmp_path / "none.db") == []


def test_cli_export(tmp_path: Path) -> None:
    from assistant.cli.main import app

    db = _db(tmp_path)
    out = tmp_path / "out" / "feedback.jsonl"
    res = CliRunner().invoke(app, ["feedback", "export", "--format", "jsonl", "--out", str(out),
                                   "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    res = CliRunner().invoke(app, ["feedback", "export", "--db", str(db)])
    assert res.exit_code == 0 and res.output.startswith("feedback_id,rating,value,comment")
    res = CliRunner().invoke(app, ["feedback", "export", "--db", str(tmp_path / "no.db")])
    assert res.exit_code == 1 and "no feedback database" in res.output
    res = CliRunner().invoke(app, ["feedback", "export", "--format", "xml", "--db", str(db)])
    assert res.exit_code == 1
