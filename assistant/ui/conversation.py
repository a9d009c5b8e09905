"""The chat window's storage: Chainlit's data layer (threads, messages, feedback) and the
:class:`~assistant.chatdb.ChatStore` on the same engine (history, held answers, briefs), on
PostgreSQL when ``PA_DATABASE_URL`` is set, else SQLite. Created once per process.

Nothing a conversation needs between turns is kept in this process: any replica can answer
the next turn of any conversation (its thread id comes with every message)."""

from __future__ import annotations

import logging
from typing import Any

import chainlit as cl

from assistant import chatdb, feedback
from assistant.core.settings import Settings

_LAYER: Any = None
_STORE: chatdb.ChatStore | None = None


def target(settings: Settings) -> chatdb.ChatTarget:
    return chatdb.chat_target(settings.database_url, settings.feedback_db)


def data_layer(settings: Settings) -> Any:
    """Chainlit's SQLAlchemy data layer on the chat database (tables created if missing)."""
    global _LAYER, _STORE
    if _LAYER is not None:
        return _LAYER
    from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
    from sqlalchemy.ext.asyncio import create_async_engine

    db = chatdb.ensure_schema(target(settings))
    quiet = logging.getLogger("chainlit")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "elements will not be persisted": expected, sources re-render
    try:
        layer = SQLAlchemyDataLayer(conninfo=chatdb.sqlalchemy_url(db))
    finally:
        quiet.setLevel(level)
    if chatdb.is_postgres(db):  # this process's share of the database's connections
        layer.engine = create_async_engine(chatdb.sqlalchemy_url(db),
                                           pool_size=settings.db_pool_size, max_overflow=2,
                                           pool_pre_ping=True)
        layer.async_session.configure(bind=layer.engine)
    feedback.tune_sqlite(layer.engine)  # SQLite: WAL, synchronous=NORMAL on each connection
    _LAYER, _STORE = layer, chatdb.ChatStore(layer.engine)
    return layer


def chats(settings: Settings) -> chatdb.ChatStore:
    data_layer(settings)
    assert _STORE is not None
    return _STORE


def thread_id() -> str:
    """The conversation's id (the client names it again when it reconnects elsewhere)."""
    return str(cl.context.session.thread_id)
