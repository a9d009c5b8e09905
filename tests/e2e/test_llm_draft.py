"""LLM mode in a real browser, through llama.cpp's real OpenAI-compatible server (issue 16):
the reader sees "Draft — checking…" above the model's streamed text, and then the checked
answer under a line saying what the check found.

The bundled SmolLM2-135M runs in every test run; its sentences never pass the check on these
questions, so the quoted evidence replaces its draft. The installed 1.5B model (skipped when
`policy-assistant model install` has not run) writes sentences the check verifies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.answering.llm.checked import UNVERIFIED
from assistant.answering.llm.local import LocalServer, installed_model
from assistant.answering.llm.models import LLMError, bundled_gguf
from assistant.core.settings import Settings
from assistant.ui.render import DRAFT
from tests.e2e.serving import ROOT, Browser, Server, free_port, start_server, stop_server
from tests.e2e.test_browser import ANSWER, ask, open_app, record_stream, shot

LLM_TIMEOUT_S = 480  # the server's limit for one answer, and the page's wait for it
pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.llm, pytest.mark.timeout(900)]
Q = "What liability standard does the OSCE recommend for platforms?"
CHECKED = re.compile(r"^Checked: (\d+) sentences? verified, (\d+) marked unsupported$", re.M)
QUOTED = "Checked: the model's draft was not used; quoted from the documents instead"


def _app(gguf: Path, corpus_index: Path, work: Path) -> Iterator[Server]:
    """The chat app in LLM mode, its model behind llama.cpp's server on another port."""
    llm = LocalServer(gguf, free_port(), threads=1, n_ctx=2048, log=work / "llm.log")
    llm.start()
    try:
        app = start_server(work, {
            "PA_INDEX_DIR": str(corpus_index), "PA_CORPUS_DIR": str(ROOT / "corpus"),
            "PA_ANSWERER": "llm", "PA_LLM_PROVIDER": "local", "PA_LLM_SERVER_PORT": str(llm.port),
            "PA_LLM_FIRST_TOKEN_TIMEOUT_S": "240", "PA_LLM_TIMEOUT_S": str(LLM_TIMEOUT_S)})
        yield app
        stop_server(app)
    finally:
        llm.stop()


@pytest.fixture(scope="module")
def smol_app(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    try:
        gguf = bundled_gguf()
    except LLMError as exc:
        pytest.skip(str(exc))
    yield from _app(gguf, corpus_index, tmp_path_factory.mktemp("smol-app"))


@pytest.fixture(scope="module")
def qwen_app(settings: Settings, corpus_index: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    gguf = installed_model(settings.cache_path)
    if gguf is None:
        pytest.skip("the local model is not installed: run `policy-assistant model install`")
    yield from _app(gguf, corpus_index, tmp_path_factory.mktemp("qwen-app"))


def _ask_and_watch(page: Any, server: Server) -> tuple[list[str], str]:
    """Every text the answer showed while it was built, and its final text. The page waits as
    long as the server waits for the model (PA_LLM_TIMEOUT_S), not the browser tests' 90 s: on
    two shared cores a small model's answer can take longer."""
    page.set_default_timeout(LLM_TIMEOUT_S * 1000)
    open_app(page, server)
    record_stream(page)
    final = ask(page, Q, 1).inner_text()
    return [str(t) for t in page.evaluate("window.__seen")], str(final)


def test_the_draft_is_marked_then_replaced_by_the_quotes(smol_app: Server,
                                                         chromium: Browser) -> None:
    page = chromium.new_page()
    seen, final = _ask_and_watch(page, smol_app)
    drafts = [t for t in seen if DRAFT in t]
    assert drafts, "the streamed draft was never marked as a draft"
    assert drafts[0].strip().startswith(DRAFT)
    assert DRAFT not in final
    assert final.strip().startswith(QUOTED)
    assert "could not be verified against the sources" in final
    assert page.locator(ANSWER).count() == 1
    shot(page, "llm-draft-replaced-by-quotes")


def test_the_checked_answer_says_how_many_sentences_were_verified(qwen_app: Server,
                                                                  chromium: Browser) -> None:
    page = chromium.new_page()
    seen, final = _ask_and_watch(page, qwen_app)
    assert any(t.strip().startswith(DRAFT) and len(t.strip()) > len(DRAFT) + 20 for t in seen), \
        "no marked draft with the model's text in it"
    assert DRAFT not in final
    m = CHECKED.search(final)
    assert m is not None, final[:300]
    assert final.strip().startswith(m.group(0))
    verified, unsupported = int(m.group(1)), int(m.group(2))
    assert verified >= 1
    assert final.count(UNVERIFIED) == unsupported
    shot(page, "llm-checked-answer")
