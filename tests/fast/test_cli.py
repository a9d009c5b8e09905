"""The CLI on the fast tier: typed options, JSON shapes, exit codes (word-hashing embedder)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.core.settings import Settings, get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def _hash_env(monkeypatch: pytest.MonkeyPatch, fast_settings: Settings,
              fast_index: Path) -> Iterator[None]:
    monkeypatch.setenv("PA_EMBEDDING_BACKEND", "hash")
    monkeypatch.setenv("PA_INDEX_DIR", str(fast_index))
    monkeypatch.setenv("PA_CORPUS_DIR", str(fast_settings.corpus_dir))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_search_json_shape() -> None:
    code, out, _ = run("search", "age verification", "-k", "2", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["results"]) == 2
    assert set(data["results"][0]) == {"doc_id", "chunk_id", "score", "title", "publisher",
                                       "locator", "text"}


def test_an_unknown_mode_is_a_usage_error_naming_the_choices() -> None:
    code, out, err = run("search", "liability", "--mode", "bm25")
    assert code == 2 and out == ""
    assert "'bm25' is not one of" in err and "'sparse'" in err
    code, _, err = run("ask", "liability", "--mode", "extractiv")
    assert code == 2 and "'extractive'" in err


def test_sparse_mode_searches_bm25_only() -> None:
    code, out, _ = run("search", "should have known standard", "--mode", "sparse", "--json")
    assert code == 0
    assert "should have known" in json.loads(out)["results"][0]["text"]


def test_ask_json_is_the_one_answer_shape() -> None:
    code, out, _ = run("ask", "What liability standard does the OSCE recommend?", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"id", "question", "standalone_question", "answer", "refused",
                         "refusal_reason", "mode", "notice", "citations", "closest", "timings_ms"}
    assert data["mode"] == "extractive" and not data["refused"]
    assert set(data["citations"][0]) == {"marker", "doc_id", "chunk_id", "title", "publisher",
                                         "date", "locator", "url", "excerpt", "supported", "also_in"}


def test_a_refusal_is_exit_zero_with_closest_material() -> None:
    code, out, _ = run("ask", "What has Brazil done?")
    assert code == 0
    assert out.startswith("The documents in this collection don't cover this")
    assert "Closest material" in out


def test_corpus_lists_every_document() -> None:
    code, out, _ = run("corpus", "--json")
    assert code == 0
    ids = {d["doc_id"] for d in json.loads(out)["documents"]}
    assert ids == {"osce-press-release-2022", "hstoday-osce-study-2023", "greta-summary-2022",
                   "equality-now-icat-response-2019", "osce-policy-brief-2022"}


def test_chat_answers_then_quits_on_an_empty_line() -> None:
    r = runner.invoke(app, ["chat"], input="What liability standard does the OSCE recommend?\n\n")
    assert r.exit_code == 0
    assert "should have known" in r.stdout and "Sources" in r.stdout


def test_a_missing_index_is_one_line(tmp_path: Path) -> None:
    code, _, err = run("ask", "anything", "--index", str(tmp_path / "none"))
    assert code == 1
    assert err.startswith("error: no index in") and len(err.strip().splitlines()) <= 2
