"""Conversations in the chat database, on SQLite and on a real PostgreSQL (asyncpg): Chainlit's
data layer writes there, and what a conversation needs between turns (history, the answers
"Add to brief" takes, the brief) is read back through another engine, as another replica
would; `db migrate` copies SQLite chats into PostgreSQL and the feedback export reads both."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.chatdb import (
    ChatStore,
    ChatTarget,
    copy_sqlite_chats,
    ensure_schema,
    sqlalchemy_url,
)
from assistant.feedback import feedback_records
from ingest.pgstore.server import create_database
from tests.test_ui_feedback import ANSWER_META, _store_conversation

pytestmark = pytest.mark.postgres


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ChatTarget]:
    if request.param == "sqlite":
        yield ensure_schema(tmp_path / "chat.db")
        return
    name = f"chats_{request.node.name.split('[')[0][-30:]}".lower()
    yield ensure_schema(create_database(request.getfixturevalue("pg_server"), name))


def _answer(text: str) -> dict[str, object]:
    return {**ANSWER_META, "answer": text}


async def _two_replicas(target: ChatTarget) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    one = ChatStore(create_async_engine(sqlalchemy_url(target)))
    two = ChatStore(create_async_engine(sqlalchemy_url(target)))
    try:
        await one.save_answer("t1", "m1", "alice", "Who reports on grooming?", _answer("A [1]"))
        await two.save_answer("t1", "m2", "alice", "And the second one?", _answer("B [1]"))
        await one.save_answer("t2", "m3", "bob", "Other thread", _answer("C [1]"))
        turns = await two.history("t1")
        assert [(t.role, t.content) for t in turns] == [
            ("user", "Who reports on grooming?"), ("assistant", "A [1]"),
            ("user", "And the second one?"), ("assistant", "B [1]")]
        assert (await one.answer("t1", "m2") or {})["answer"] == "B [1]"
        assert await one.answer("t2", "m2") is None  # another conversation's answer
        assert await two.add_to_brief("t1", "m2") is True
        assert await one.add_to_brief("t1", "m1") is True
        assert await one.add_to_brief("t1", "m2") is False  # already in it
        assert [m for m, _ in await one.brief("t1")] == ["m2", "m1"]
        assert await two.brief("t2") == []
    finally:
        await one.engine.dispose()
        await two.engine.dispose()


def test_history_and_brief_are_shared_between_replicas(target: ChatTarget) -> None:
    asyncio.run(_two_replicas(target))


def test_chainlit_data_layer_and_export_on_both_databases(target: ChatTarget) -> None:
    asyncio.run(_store_conversation(target))
    records = feedback_records(target)
    assert [(r["rating"], r["question"], r["message_id"]) for r in records] == [
        ("down", ANSWER_META["question"], "a1"), ("up", ANSWER_META["question"], "a1")]
    assert records[0]["comment"] == "Second source is off-topic, “quoted”, ok"
    assert records[0]["cited_doc_ids"] == ["osce-press-release-2022"]


def test_migrate_copies_sqlite_chats_into_postgres(tmp_path: Path, pg_server: str) -> None:
    sqlite = ensure_schema(tmp_path / "chat.db")
    asyncio.run(_store_conversation(sqlite))
    url = create_database(pg_server, "chats_migrate")
    counts = copy_sqlite_chats(sqlite, url)
    assert counts["steps"] == 3 and counts["feedbacks"] == 2 and counts["threads"] == 1
    assert feedback_records(url) == feedback_records(sqlite)
    again = copy_sqlite_chats(sqlite, url)  # rows already there are left alone
    assert sum(again.values()) == 0
    assert len(feedback_records(url)) == 2
