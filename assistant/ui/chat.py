"""What the chat window does with a question: stream the engine's answer into a message, then
show it with citation markers that open their sources, brief actions and friendly errors.
All retrieval and answering happens in :class:`assistant.engine.Assistant`."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import chainlit as cl
from chainlit.types import ThreadDict

from assistant.core.enums import AnswerMode, StreamKind
from assistant.core.errors import QuestionError
from assistant.core.models import Answer
from assistant.engine import Assistant
from assistant.ui import brief as ui_brief
from assistant.ui import conversation, routes
from assistant.ui.collection import collection_summary, scope_line
from assistant.ui.render import DRAFT, answer_markdown, answer_metadata, checked_line, md_escape
from assistant.ui.runtime import (
    assistant_or_error,
    loading_status,
    options_from_settings,
    runtime,
    stream_events,
)
from assistant.ui.sources import answer_links
from ingest.text import long_date

log = logging.getLogger(__name__)

_PENDING: set[asyncio.Task[None]] = set()
TROUBLE = ("Sorry, something went wrong while answering. Please try again; if it keeps "
           "happening, the server log has the details.")


def settings_widgets(a: Assistant) -> list[Any]:
    from chainlit.input_widget import MultiSelect, Select, Slider

    s = a.settings
    if s.llm_provider != "none":
        modes = {"Extractive (quotes only)": "extractive",
                 f"Language model ({s.llm_provider}{': ' + s.llm_model if s.llm_model else ''})":
                     "llm"}
        mode_help = "The language model writes the answer from the passages; every sentence "\
                    "is checked against them."
        initial = s.answerer
    else:
        modes = {"Extractive (quotes only)": "extractive"}
        mode_help = "No language model is configured (PA_LLM_PROVIDER), so answers quote the "\
                    "documents directly."
        initial = AnswerMode.EXTRACTIVE
    institutions = collection_summary(a.corpus())["institutions"]
    docs = {f"{d['title']} ({d.get('publisher', '')}, {long_date(str(d.get('date') or ''))})":
            d["doc_id"] for d in a.corpus() if d.get("chunks")}
    return [
        MultiSelect(id="publishers", label="Only these institutions",
                    values=[str(i["name"]) for i in institutions], initial=[],
                    description="One entry per institution, its offices included. Leave empty "
                                "to search every institution."),
        MultiSelect(id="documents", label="Only these documents", items=docs, initial=[],
                    description="Leave empty to search every document."),
        Slider(id="k", label="Number of sources to read", initial=s.top_k, min=1, max=10,
               step=1),
        Select(id="mode", label="Answer mode", items=modes, initial_value=initial,
               description=mode_help),
    ]


async def start() -> None:
    if loading_status() is None:
        await _settings_or_error()
    else:  # don't hold the chat start (the input stays locked until it ends) while loading
        task = asyncio.create_task(_settings_or_error())
        _PENDING.add(task)  # keep a reference until it is done
        task.add_done_callback(_PENDING.discard)


async def _settings_or_error() -> None:
    a, error = await cl.make_async(assistant_or_error)()
    if a is None:
        await cl.Message(content=md_escape(error or TROUBLE)).send()
        return
    await cl.ChatSettings(settings_widgets(a)).send()


async def answer(message: cl.Message) -> None:
    status = loading_status()
    waiting = cl.Message(content=f"{status}… Your answer follows as soon as it is ready.")
    if status:
        await waiting.send()
    a, error = await cl.make_async(assistant_or_error)()  # may wait or reload: off the loop
    if status:
        await waiting.remove()
    if a is None:
        await cl.Message(content=md_escape(error or TROUBLE)).send()
        return
    question = message.content or ""
    try:
        a.validate(question)
    except QuestionError as exc:
        await cl.Message(content=md_escape(str(exc))).send()
        return
    values = cl.user_session.get("chat_settings") or {}
    filters, k, mode = options_from_settings(values, a.settings, {d["doc_id"] for d in a.corpus()})
    history = await conversation.chats(a.settings).history(conversation.thread_id())
    msg = cl.Message(content="")
    final: Answer | None = None
    # LLM mode: the streamed text is a draft until the engine has checked it; say so above it
    llm = AnswerMode(mode or a.settings.answerer) is AnswerMode.LLM and a.llm_config.enabled
    draft = f"*{md_escape(DRAFT)}*\n\n" if llm else ""
    restart = False
    try:
        if draft:  # at once: the model's first token may take seconds
            await msg.stream_token(draft)
        async for ev in stream_events(a, question, list(history), filters, mode, k):
            if ev.kind is StreamKind.TOKEN:
                text = md_escape(ev.text)
                await msg.stream_token(draft + text if restart else text, is_sequence=restart)
                restart = False
            elif ev.kind is StreamKind.RESET:  # the engine starts over (an LLM fallback)
                restart = True
            elif ev.kind is StreamKind.ANSWER:
                final = ev.answer
    except QuestionError as exc:
        msg.content = md_escape(str(exc))
    except Exception:  # logged in full; the chat gets a plain message
        log.exception("answering failed")
        msg.content = TROUBLE
    if final is None:
        await msg.send()
        return
    await show_answer(a, msg, final, values, question, checked=llm)


async def show_answer(a: Assistant, msg: cl.Message, ans: Answer, values: dict[str, Any],
                      question: str, checked: bool = False) -> None:
    """The final answer: its markers link to their sources, which ``public/sources.js`` opens
    in its panel (no Chainlit elements: see :mod:`assistant.ui.sources`). It is stored (the
    conversation's history, and what "Add to brief" adds) before it is shown. ``checked``: it
    replaces an LLM draft, so a line says what the check found."""
    hrefs, pdfs = answer_links(a.store, Path(a.settings.corpus_dir), ans)
    scope = scope_line(a.corpus(), [str(p) for p in values.get("publishers") or []],
                       [str(d) for d in values.get("documents") or []])
    msg.content = (f"*{md_escape(checked_line(ans))}*\n\n" if checked else "") \
        + (f"*{md_escape(scope)}*\n\n" if scope else "") + answer_markdown(ans, hrefs, pdfs)
    msg.actions = ui_brief.actions(msg.id, can_add=bool(ans.citations))
    msg.metadata = answer_metadata(ans, {k: values.get(k) for k in ("publishers", "documents",
                                                                    "k", "mode")})
    user = cl.context.session.user
    owner = user.identifier if user else ""
    await conversation.chats(a.settings).save_answer(conversation.thread_id(), msg.id, owner,
                                                     question, msg.metadata)
    routes.remember(msg.id, owner, msg.metadata)
    await msg.send()  # ends the stream, persists the message and sends its actions
    await _saved(msg)


async def _saved(msg: cl.Message) -> None:
    """Store the answer message before the turn ends. Chainlit persists messages in tasks it
    does not wait for, so a process killed right after answering could lose the message its
    user has seen; written here too (an upsert, so the two writes agree)."""
    from chainlit.data import get_data_layer

    layer = get_data_layer()
    if layer is not None:
        await layer.create_step(msg.to_dict())


async def resume(thread: ThreadDict) -> None:
    """A conversation opened again (in the sidebar, or by a client that reconnected to another
    replica): its history and answers are read from the database at each turn."""
    await start()


def documents() -> list[dict[str, Any]]:
    return runtime().documents()
