"""The chat window's bridge to the engine: settings -> options, streaming off the event loop,
friendly errors, PDF pages, login users. Real engine, real index, no browser."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.engine import QuestionError
from assistant.ui import runtime as ui_runtime
from assistant.ui.auth import (
    AuthConfigError,
    check_password,
    configured_users,
    ensure_secret,
    parse_users,
)
from assistant.ui.pdf import clean_to_raw, excerpt_page, page_at, pdf_target
from assistant.ui.runtime import options_from_settings, stream_events
from tests.pdfgen import make_pdf


@pytest.fixture()
def fresh_runtime() -> Iterator[None]:
    saved = ui_runtime._RUNTIME
    yield
    ui_runtime._RUNTIME = saved


def test_options_from_chat_settings(settings: Settings) -> None:
    filters, k, mode = options_from_settings(
        {"publishers": ["OSCE"], "documents": ["greta-summary-2022", "gone"], "k": 3.0,
         "mode": "llm"}, settings, {"greta-summary-2022"})
    assert filters.publishers == ["OSCE"] and filters.doc_ids == ["greta-summary-2022"]
    assert k == 3
    assert mode == "extractive"  # no LLM configured: the extractive answerer is used
    filters, k, mode = options_from_settings({}, settings)
    assert filters.is_empty() and k == settings.top_k and mode == "extractive"
    llm = settings.model_copy(update={"llm_provider": "ollama"})
    assert options_from_settings({"mode": "llm", "k": "x"}, llm)[1:] == (llm.top_k, "llm")


@pytest.mark.slow
def test_stream_events_runs_the_engine_off_the_loop(assistant) -> None:  # type: ignore[no-untyped-def]
    async def collect(question: str) -> tuple[str, list[str], bool]:
        loop_free = False
        tokens: list[str] = []
        kinds: list[str] = []

        async def ticker() -> None:
            nonlocal loop_free
            await asyncio.sleep(0)
            loop_free = True  # the loop ran other work while the engine computed

        task = asyncio.create_task(ticker())
        async for ev in stream_events(assistant, question, [], None, "extractive", 5):
            kinds.append(ev.kind)
            if ev.kind == "token":
                tokens.append(ev.text)
            else:
                final = ev.answer
        await task
        assert final is not None and "".join(tokens) == final.answer
        return final.answer, kinds, loop_free

    text, kinds, loop_free = asyncio.run(
        collect("What share of sex trafficking victims are advertised online?"))
    assert "75%" in text and "[1]" in text
    assert kinds[-1] == "answer" and kinds.count("token") >= 1 and loop_free

    async def empty() -> None:
        async for _ev in stream_events(assistant, "   ", [], None, "extractive", 5):
            pass

    with pytest.raises(QuestionError, match="Please type a question"):
        asyncio.run(empty())


@pytest.mark.slow
def test_missing_index_says_what_to_do(tmp_path: Path, embedder, fresh_runtime: None) -> None:  # type: ignore[no-untyped-def]
    s = Settings(corpus_dir=tmp_path / "nothing", index_dir=tmp_path / "index",
                 _env_file=None)  # type: ignore[call-arg]
    rt = ui_runtime.prepare(s, ingest=True)  # no corpus: nothing to build, no crash
    assert rt.assistant is None and "not found" in rt.ingest_note
    a, message = ui_runtime.assistant_or_error()
    assert a is None and message is not None
    assert "policy-assistant ingest" in message and "Traceback" not in message


@pytest.mark.slow
def test_pdf_citation_opens_at_the_page_of_the_excerpt(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant
    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "guidance.pdf", [
        ["Guidance on platform accountability.", "This page introduces the guidance."],
        ["Section 2. Duties of online platforms.",
         "Online platforms must remove trafficking advertisements within 24 hours of notice."],
    ])
    s = Settings(corpus_dir=corpus, index_dir=tmp_path / "index",
                 _env_file=None)  # type: ignore[call-arg]
    assert not run_ingest(s.ingest_config(), embedder=embedder).skipped
    a = Assistant(s, embedder=embedder)
    ans = a.ask("How quickly must platforms remove trafficking advertisements?")
    assert ans.citations, ans.answer
    c = ans.citations[0]
    assert "24 hours" in c.excerpt
    assert pdf_target(a.store, corpus, c) == (corpus / "guidance.pdf", 2)
    (corpus / "guidance.pdf").unlink()  # file gone: no PDF element, the text source remains
    assert pdf_target(a.store, corpus, c) is None


def test_page_mapping_helpers() -> None:
    origin = [[0, 0, 10], [11, 12, 20]]  # a character inserted at clean offset 10
    assert clean_to_raw(origin, 5) == 5 and clean_to_raw(origin, 10) is None
    assert clean_to_raw(origin, 15) == 16
    pages = [[0, 1, "i"], [14, 2, "ii"]]
    assert page_at(pages, 3) == 1 and page_at(pages, 16) == 2 and page_at([], 3) is None
    doc = {"text": "0123456789 abcdefghijklmnopqrs", "origin": origin, "pages": pages}
    assert excerpt_page(doc, 0, "cdef") == 2 and excerpt_page(doc, 0, "zzz") is None


def test_login_users_from_settings_and_file(tmp_path: Path, settings: Settings) -> None:
    assert parse_users("alice:pw1, bob:p:w:2") == {"alice": "pw1", "bob": "p:w:2"}
    with pytest.raises(AuthConfigError, match="expected 'user:password'"):
        parse_users("alice")
    f = tmp_path / "users.txt"
    f.write_text("# team\ncarol:secret\n\n", encoding="utf-8")
    s = settings.model_copy(update={"auth_users": "alice:pw1", "auth_users_file": f})
    users = configured_users(s)
    assert users == {"carol": "secret", "alice": "pw1"}
    assert check_password(users, "alice", "pw1")
    assert not check_password(users, "alice", "pw2") and not check_password(users, "eve", "")
    assert configured_users(settings) == {}  # off by default


def test_auth_secret_is_generated_once_and_kept(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAINLIT_AUTH_SECRET", raising=False)
    first = ensure_secret(tmp_path / ".chainlit")
    assert len(first) >= 40 and os.environ["CHAINLIT_AUTH_SECRET"] == first
    assert (tmp_path / ".chainlit" / "auth_secret").stat().st_mode & 0o077 == 0
    monkeypatch.delenv("CHAINLIT_AUTH_SECRET")
    assert ensure_secret(tmp_path / ".chainlit") == first
