"""Process-wide resources of the chat window and the bridge from the synchronous engine to
Chainlit's event loop. No Chainlit import: the callbacks in ``assistant/app.py`` call these.

The :class:`~assistant.engine.Assistant` loads once per process. ``policy-assistant serve``
prepares it before the server starts (building or updating the index first); when the app is
started some other way it loads lazily on first use.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.enums import AnswerMode, StoreKind
from assistant.core.errors import NotReadyError
from assistant.core.models import SearchFilters, StreamEvent, Turn
from assistant.core.settings import Settings, get_settings
from assistant.engine import Assistant, open_assistant
from ingest.embedding import EmbeddingModelError
from ingest.index import IndexError_
from ingest.pipeline import run_ingest

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    assistant: Assistant | None = None
    error: str | None = None  # what the user should do when the assistant could not load
    ingest_note: str = ""
    status: str = "Loading the document collection"
    lock: threading.Lock = field(default_factory=threading.Lock)
    ready: threading.Event = field(default_factory=threading.Event)

    def documents(self) -> list[dict[str, Any]]:
        return self.assistant.corpus() if self.assistant is not None else []


_RUNTIME: Runtime | None = None


def _load(rt: Runtime) -> None:
    try:
        rt.assistant = open_assistant(rt.settings)
        rt.error = None
    except NotReadyError as exc:
        rt.assistant = None
        rt.error = str(exc)
        log.warning("assistant not loaded: %s", exc)


def prepare(settings: Settings | None = None, ingest: bool = True,
            say: Callable[[str], None] | None = None, background: bool = False,
            on_ready: Callable[[Runtime], None] | None = None) -> Runtime:
    """Build or update the index (incremental; quick when nothing changed), then load once.

    With ``background`` this returns at once and a thread does the work, so the web server
    can answer while the model loads; ``assistant_or_error`` waits for it.
    """
    global _RUNTIME
    rt = Runtime(settings or get_settings())
    _RUNTIME = rt
    tell = say or (lambda _m: None)

    def work() -> None:
        try:
            if ingest:
                _ingest(rt, tell)
            rt.status = "Loading the search index"
            _load(rt)  # questions get the query embedder (ONNX once ingest has exported it)
        except Exception as exc:  # reported to every chat; details in the log
            log.exception("loading failed")
            rt.error = f"loading failed ({type(exc).__name__}: {exc})"
        finally:
            rt.ready.set()
        if rt.assistant is not None:
            docs = [d for d in rt.documents() if d.get("chunks")]
            tell(f"Ready: {len(docs)} documents, {len(rt.assistant.store.chunks)} passages.")
        if on_ready is not None:
            on_ready(rt)

    if background:
        threading.Thread(target=work, name="pa-load", daemon=True).start()
    else:
        work()
    return rt


def _ingest(rt: Runtime, say: Callable[[str], None]) -> None:
    """Bring the index up to date. The embedding model is loaded by ingest only when passages
    must be embedded; questions use the query embedder the Assistant makes."""
    s = rt.settings
    if s.store is StoreKind.POSTGRES:  # replicas read what `ingest` published; none writes it
        rt.ingest_note = "the index is read from PostgreSQL (PA_STORE=postgres); update it with " \
            "`policy-assistant ingest` on one machine"
        say(rt.ingest_note)
        return
    if not Path(s.corpus_dir).is_dir():
        rt.ingest_note = f"corpus folder {s.corpus_dir} not found; using the existing index"
        say(rt.ingest_note)
        return
    try:
        say(f"Checking the index in {s.index_dir} against the corpus in {s.corpus_dir} ...")
        rt.status = "Checking the index against the documents (building it on a first start)"
        report = run_ingest(s.ingest_config(), on_wait=lambda holder: say(
            "another ingest is running on this index "
            f"({holder.describe() if holder else 'holder unknown'}); waiting for it"))
    except (IndexError_, EmbeddingModelError, OSError, ValueError) as exc:
        rt.ingest_note = f"could not update the index: {exc}"
        say(rt.ingest_note)
        return
    if report.unchanged:
        rt.ingest_note = "index up to date"
    else:
        rt.ingest_note = (f"index updated: {report.documents} documents, {report.chunks} passages "
                          f"({report.embedded} embedded) in {report.seconds:.1f} s")
        for name, why in report.skipped:
            say(f"skipped {name}: {why}")
        for name, why in report.kept:
            say(f"kept the previous version of {name} (the new file cannot be used: {why})")
    say(rt.ingest_note)


def runtime() -> Runtime:
    """The process's runtime; loads lazily (without ingesting) if ``prepare`` was not called."""
    global _RUNTIME
    if _RUNTIME is None:
        _RUNTIME = prepare(ingest=False)
    return _RUNTIME


def loading_status() -> str | None:
    """What is still loading, or None once the assistant can answer."""
    rt = runtime()
    return None if rt.ready.is_set() else rt.status


def assistant_or_error() -> tuple[Assistant | None, str | None]:
    """The Assistant (picking up a re-ingested index), or a message that says what to do.
    Blocks while a background load is running: call it off the event loop."""
    rt = runtime()
    rt.ready.wait()
    with rt.lock:
        if rt.assistant is None:
            _load(rt)  # the user may have built the index since
        else:
            _safe_refresh(rt.assistant)
    if rt.assistant is None:
        return None, (f"The document index isn't available: {rt.error}\n\n"
                      "Build it with `policy-assistant ingest`, then reload this page.")
    return rt.assistant, None


def _safe_refresh(a: Assistant) -> bool:
    try:
        return a.refresh()
    except Exception as exc:  # noqa: BLE001 - keep serving the version already loaded
        log.warning("index refresh failed, keeping the loaded version: %r", exc)
        return False


def options_from_settings(values: dict[str, Any], settings: Settings,
                          doc_ids: set[str] | None = None
                          ) -> tuple[SearchFilters, int, AnswerMode]:
    """Chat settings (as the widgets send them) -> (filters, number of sources, mode)."""
    pubs = [str(p) for p in values.get("publishers") or []]
    docs = [str(d) for d in values.get("documents") or []]
    if doc_ids is not None:
        docs = [d for d in docs if d in doc_ids]
    try:
        k = int(values.get("k") or settings.top_k)
    except (TypeError, ValueError):
        k = settings.top_k
    k = max(1, min(k, 20))
    try:
        mode = AnswerMode(str(values.get("mode") or settings.answerer))
    except ValueError:
        mode = AnswerMode.EXTRACTIVE
    if mode is AnswerMode.LLM and settings.llm_provider == "none":
        mode = AnswerMode.EXTRACTIVE
    return SearchFilters(publishers=pubs, doc_ids=docs), k, mode


_DONE = object()


async def stream_events(a: Assistant, question: str, history: list[Turn],
                        filters: SearchFilters | None, mode: AnswerMode, k: int
                        ) -> AsyncIterator[StreamEvent]:
    """Run the CPU-bound ``ask_stream`` in a worker thread and yield its events on the loop.

    Exceptions raised by the engine are re-raised here. If the consumer stops early (the
    user pressed stop), the worker stops at its next event.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            for ev in a.ask_stream(question, history, filters, mode, k):
                loop.call_soon_threadsafe(queue.put_nowait, ev)
                if stop.is_set():
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer to report
            loop.call_soon_threadsafe(queue.put_nowait, exc)
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, _DONE)

    worker = loop.run_in_executor(None, work)
    try:
        while True:
            item = await queue.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        del worker  # it ends by itself at its next event
