"""`policy-assistant model …` and `serve --llm` on the fast tier: what a user without the
model is told (no download, no server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.core.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def _empty_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("PA_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_model_path_without_the_model_says_how_to_install_it() -> None:
    r = runner.invoke(app, ["model", "path"])
    assert r.exit_code == 1
    assert "run: policy-assistant model install" in r.stderr


def test_model_serve_without_the_model_says_how_to_install_it() -> None:
    r = runner.invoke(app, ["model", "serve"])
    assert r.exit_code == 1
    assert "the local model is not installed; run: policy-assistant model install" in r.stderr


def test_serve_llm_takes_only_local() -> None:
    r = runner.invoke(app, ["serve", "--llm", "gpt", "--no-ingest"])
    assert r.exit_code == 1
    assert "--llm takes 'local'" in r.stderr


def test_the_local_provider_is_the_openai_client_on_loopback() -> None:
    from langchain_openai import ChatOpenAI

    from assistant.answering.config import LLMConfig
    from assistant.answering.llm.local import MODEL
    from assistant.answering.llm.models import build_chat_model

    s = get_settings().model_copy(update={"llm_provider": "local", "llm_server_port": 9123})
    model = build_chat_model(LLMConfig.from_settings(s))
    assert isinstance(model, ChatOpenAI)
    assert (model.openai_api_base, model.model_name) == ("http://127.0.0.1:9123/v1", MODEL.alias)
