"""PA_STORE and PA_DATABASE_URL: typed, checked together, and turned into the URLs each
driver wants."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.chatdb import chat_target, sqlalchemy_url
from assistant.core.enums import StoreKind
from assistant.core.settings import Settings


def _settings(**kw: object) -> Settings:
    return Settings(_env_file=None, **kw)  # type: ignore[call-arg,arg-type]


def test_store_is_local_by_default_and_postgres_needs_a_url() -> None:
    assert _settings().store is StoreKind.LOCAL
    with pytest.raises(ValidationError, match="PA_STORE=postgres needs PA_DATABASE_URL"):
        _settings(store="postgres")
    with pytest.raises(ValidationError, match="Input should be 'local' or 'postgres'"):
        _settings(store="mysql")
    assert _settings(store="postgres", database_url="postgresql://u@/db?host=/s").store \
        is StoreKind.POSTGRES


def test_replicas_never_load_the_model_in_process() -> None:
    with pytest.raises(ValidationError, match="serve the model once"):
        _settings(store="postgres", database_url="postgresql://u@h/db", llm_provider="llamacpp")
    ok = _settings(store="postgres", database_url="postgresql://u@h/db", llm_provider="local")
    assert ok.llm_provider == "local"


def test_chats_go_to_postgres_when_a_url_is_set(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    assert chat_target("", db) == db
    assert sqlalchemy_url(chat_target("", db)) == f"sqlite+aiosqlite:///{db.resolve()}"
    url = "postgresql://postgres:@/postgres?host=/tmp/pg"
    assert chat_target(url, db) == url
    assert sqlalchemy_url(url) == "postgresql+asyncpg://postgres:@/postgres?host=/tmp/pg"
    with pytest.raises(ValueError, match="postgresql://"):
        sqlalchemy_url("mysql://x")
