"""`policy-assistant db start | url | migrate | stop` as real processes: a server started by
the CLI, a local index and SQLite chats copied into it, then read back by `ask` and
`feedback export` with PA_STORE=postgres / PA_DATABASE_URL."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from assistant.chatdb import ensure_schema
from tests.conftest import ROOT
from tests.test_ui_feedback import _store_conversation

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
CLI = [str(Path(sys.executable).with_name("policy-assistant"))]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env={**os.environ, **env}, cwd=ROOT, text=True,
                          capture_output=True, timeout=300)


def test_db_commands_migrate_an_index_and_chats(fast_index: Path, tmp_path: Path) -> None:
    data = Path(tempfile.mkdtemp(prefix="pa-cli-pg-"))
    data.chmod(0o755)
    chats = ensure_schema(tmp_path / "chat.db")
    asyncio.run(_store_conversation(chats))
    env = {"PA_EMBEDDING_BACKEND": "hash", "PA_INDEX_DIR": str(fast_index),
           "PA_FEEDBACK_DB": str(chats)}
    started = _run(env, "db", "start", "--data", str(data / "pg"))
    try:
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip()
        assert url.startswith("postgresql://") and str(data / "pg") in url
        assert _run(env, "db", "url", "--data", str(data / "pg")).stdout.strip() == url
        env["PA_DATABASE_URL"] = url
        migrated = _run(env, "db", "migrate")
        assert migrated.returncode == 0, migrated.stderr
        assert "Published v-" in migrated.stdout and "3 steps" in migrated.stdout
        q = "What share of sex trafficking victims are advertised online?"
        local = json.loads(_run(env, "ask", q, "--json").stdout)
        pg = json.loads(_run({**env, "PA_STORE": "postgres"}, "ask", q, "--json").stdout)
        assert pg["answer"] == local["answer"] and pg["citations"] == local["citations"]
        exported = _run(env, "feedback", "export", "--format", "jsonl")
        rows = [json.loads(line) for line in exported.stdout.splitlines()]
        assert [r["rating"] for r in rows] == ["down", "up"]
    finally:
        stopped = _run(env, "db", "stop", "--data", str(data / "pg"))
        assert stopped.stdout.strip() == "stopped"
        gone = _run(env, "db", "url", "--data", str(data / "pg"))
        assert gone.returncode == 1
        subprocess.run(["rm", "-rf", str(data)], check=False)
