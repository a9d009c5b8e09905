"""Briefs from the chat: "Add to brief" collects an answer's cited excerpts (in the chat
database's ``pa_brief``, so any replica sees the brief), "Export brief" writes them as Markdown and DOCX via :mod:`assistant.briefs` and offers both for download."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import chainlit as cl

from assistant.core.models import Answer
from assistant.core.settings import Settings
from assistant.ui import conversation
from assistant.ui.render import plural
from assistant.ui.runtime import runtime
from assistant.ui.sources import answer_from_json

log = logging.getLogger(__name__)

ADD = "add_to_brief"
EXPORT = "export_brief"
TITLE = "Policy brief: technology-facilitated human trafficking"


def actions(message_id: str, can_add: bool) -> list[cl.Action]:
    out = []
    if can_add:
        out.append(cl.Action(name=ADD, payload={"message_id": message_id}, label="Add to brief",
                             icon="bookmark-plus",
                             tooltip="Collect this answer's cited excerpts in a brief"))
    out.append(cl.Action(name=EXPORT, payload={}, label="Export brief", icon="file-down",
                         tooltip="Download the brief as Markdown and Word (DOCX)"))
    return out


def _index() -> Any:
    """The loaded index (answers are shown only once it is loaded)."""
    a = runtime().assistant
    return a.store if a is not None else None


async def _answer_of(settings: Settings, thread: str, mid: str) -> Answer | None:
    data = await conversation.chats(settings).answer(thread, mid)
    return None if data is None else answer_from_json(data, _index())


async def _brief_answers(settings: Settings, thread: str) -> list[Answer]:
    store = _index()
    items = await conversation.chats(settings).brief(thread)
    return [a for _, data in items if (a := answer_from_json(data, store)) is not None]


async def add(action: cl.Action) -> None:
    settings = runtime().settings
    thread = conversation.thread_id()
    mid = str(action.payload.get("message_id") or action.forId or "")
    ans = await _answer_of(settings, thread, mid)
    if ans is None:
        await cl.context.emitter.send_toast(
            "This answer is not stored with this conversation. Ask the question again to add "
            "it to a brief.", "warning")
        return
    if not ans.citations:
        await cl.context.emitter.send_toast("That answer has no cited excerpts to add.", "warning")
        return
    if not await conversation.chats(settings).add_to_brief(thread, mid):
        await cl.context.emitter.send_toast("This answer is already in the brief.", "info")
        return
    items = await _brief_answers(settings, thread)
    n_ex = sum(len(a.citations) for a in items)
    await cl.context.emitter.send_toast(
        f"Added {plural(len(ans.citations), 'excerpt')} to the brief; it now holds "
        f"{plural(len(items), 'answer')} with {plural(n_ex, 'excerpt')}.", "success")


def build_files(answers: list[Answer], documents: list[dict[str, Any]], folder: Path
                ) -> tuple[Path, Path]:
    """Write ``<name>.md`` and ``<name>.docx`` of the brief into ``folder``."""
    from assistant.briefs import brief_from_answers, to_markdown, write_docx

    brief = brief_from_answers(answers, TITLE, documents)
    stem = "policy-brief"  # short: the download chips show about 17 characters
    md = folder / f"{stem}.md"
    md.write_text(to_markdown(brief), encoding="utf-8")
    docx = write_docx(brief, folder / f"{stem}.docx")
    return md, Path(docx)


async def export(action: cl.Action, documents: list[dict[str, Any]]) -> None:
    """Write the brief and attach its two files to the answer whose button was clicked, so
    the download links appear by the button (a toast says so); earlier exports are removed."""
    toast = cl.context.emitter.send_toast
    answers = await _brief_answers(runtime().settings, conversation.thread_id())
    if not answers:
        await toast("The brief is empty. Click \"Add to brief\" under an answer to collect its "
                    "cited excerpts, then export again.", "warning")
        return
    with tempfile.TemporaryDirectory(prefix="pa-brief-") as tmp:
        try:
            md, docx = await cl.make_async(build_files)(answers, documents, Path(tmp))
        except ImportError:
            await toast("Exporting briefs isn't available in this installation (the brief "
                        "module is missing).", "error")
            return
        except Exception:  # logged; the user gets a plain message
            log.exception("brief export failed")
            await toast("Sorry, the brief could not be written. Please try again; if it keeps "
                        "failing, check the server log.", "error")
            return
        files = [
            cl.File(name=md.name, path=str(md), display="inline", mime="text/markdown"),
            cl.File(name=docx.name, path=str(docx), display="inline",
                    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ]
        for old in cl.user_session.get("brief_files") or []:
            await old.remove()
        for f in files:  # read into the session's files now: the folder goes away after this
            await f.send(for_id=str(action.forId or ""), persist=False)
        cl.user_session.set("brief_files", files)
    n_ex = sum(len(a.citations) for a in answers)
    await toast(f"Your brief is ready: {plural(len(answers), 'answer')}, "
                f"{plural(n_ex, 'cited excerpt')}. Download it as Markdown or Word under this "
                "answer.", "success")
