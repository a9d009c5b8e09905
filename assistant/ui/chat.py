"""What the chat window does with a question: stream the engine's answer into a message, then
show it with citation markers that open their sources, brief actions and friendly errors.
All retrieval and answering happens in :class:`assistant.engine.Assistant`."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import chainlit as cl
from chainlit.types import ThreadDict

from assistant.core.enums import AnswerMode, StreamKind
from assistant.core.errors import QuestionError
from assistant.core.models import Answer, Turn
from assistant.engine import Assistant
from assistant.ui import brief as ui_brief
from assistant.ui import routes
from assistant.ui.collection import collection_summary, scope_line
from assistant.ui.render import DRAFT, answer_markdown, answer_metadata, checked_line, md_escape
from assistant.ui.runtime import (
    assistant_or_error,
    loading_status,
    options_from_settings,
    runtime,
    stream_events,
)
from assistant.ui.sources import answer_from_json, answer_links
from ingest.text import long_date

log = logging.getLogger(__name__)

_PENDING: set[asyncio.Task[None]] = set()
MAX_ANSWERS = ui_brief.MAX_ANSWERS  # answers kept per chat session; the oldest go first
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
    cl.user_session.set("history", [])
    cl.user_session.set("answers", {})
    cl.user_session.set("brief", [])
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


def restore_history(steps: list[Any]) -> list[Turn]:
    """Turns of a resumed thread: its user messages and the plain text of its answers (kept in
    each answer message's metadata; other assistant messages are not answers)."""
    turns: list[Turn] = []
    for step in steps:
        meta = step.get("metadata") or {}
        if isinstance(meta, str):
            try:
                meta = json.loads(meta)
            except ValueError:
                meta = {}
        if step.get("type") == "user_message" and step.get("output"):
            turns.append(Turn(role="user", content=str(step["output"])))
        elif step.get("type") == "assistant_message" and isinstance(meta, dict) \
                and meta.get("answer"):
            turns.append(Turn(role="assistant", content=str(meta["answer"])))
    return turns


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
    history: list[Turn] = cl.user_session.get("history") or []
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
    await show_answer(a, msg, final, values, checked=llm)
    history += [Turn(role="user", content=question), Turn(role="assistant", content=final.answer)]
    cl.user_session.set("history", history)


async def show_answer(a: Assistant, msg: cl.Message, ans: Answer, values: dict[str, Any],
                      checked: bool = False) -> None:
    """The final answer: its markers link to their sources, which ``public/sources.js`` opens
    in its panel (no Chainlit elements: see :mod:`assistant.ui.sources`). ``checked``: it
    replaces an LLM draft, so a line says what the check found."""
    hrefs, pdfs = answer_links(a.store, Path(a.settings.corpus_dir), ans)
    scope = scope_line(a.corpus(), [str(p) for p in values.get("publishers") or []],
                       [str(d) for d in values.get("documents") or []])
    msg.content = (f"*{md_escape(checked_line(ans))}*\n\n" if checked else "") \
        + (f"*{md_escape(scope)}*\n\n" if scope else "") + answer_markdown(ans, hrefs, pdfs)
    msg.actions = ui_brief.actions(msg.id, can_add=bool(ans.citations))
    msg.metadata = answer_metadata(ans, {k: values.get(k) for k in ("publishers", "documents",
                                                                    "k", "mode")})
    answers: dict[str, Answer] = cl.user_session.get("answers") or {}
    cl.user_session.set("answers", remember(answers, msg.id, ans))
    user = cl.context.session.user
    routes.remember(msg.id, user.identifier if user else "", msg.metadata)
    await msg.send()  # ends the stream, persists the message and sends its actions


def remember(answers: dict[str, Answer], message_id: str, ans: Answer,
             limit: int = MAX_ANSWERS) -> dict[str, Answer]:
    """Add an answer to the session's answers, keeping only the ``limit`` most recent (dicts
    keep insertion order), so a long session does not grow without bound."""
    answers.pop(message_id, None)
    answers[message_id] = ans
    while len(answers) > limit:
        del answers[next(iter(answers))]
    return answers


async def resume(thread: ThreadDict) -> None:
    """A conversation opened again: its history for follow-ups, and its answers for the brief
    actions, from the JSON kept with each message (the markers in the kept text still link to
    their sources)."""
    steps = list(thread.get("steps") or [])
    await start()
    cl.user_session.set("history", restore_history(steps))
    a, _error = await cl.make_async(assistant_or_error)()
    if a is None:
        return
    answers: dict[str, Answer] = cl.user_session.get("answers") or {}
    for step in steps:
        meta = step.get("metadata") or {}
        if isinstance(meta, str):
            try:
                meta = json.loads(meta)
            except ValueError:
                continue
        if step.get("type") != "assistant_message" or not isinstance(meta, dict) \
                or meta.get("answer") is None:
            continue
        ans = answer_from_json(meta, a.store)
        if ans is not None:
            remember(answers, str(step["id"]), ans)
    cl.user_session.set("answers", answers)


def documents() -> list[dict[str, Any]]:
    return runtime().documents()
