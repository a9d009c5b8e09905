"""Briefs from the chat: "Add to brief" collects an answer's cited excerpts, "Export brief"
writes them as Markdown and DOCX via :mod:`assistant.briefs` and offers both for download."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import chainlit as cl

from assistant.core.models import Answer
from assistant.ui.render import plural

MAX_ANSWERS = 200  # answers a chat session keeps for "Add to brief" (ui_chat evicts the oldest)

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


def _brief_answers() -> list[tuple[str, Answer]]:
    items = cl.user_session.get("brief")
    if items is None:
        items = []
        cl.user_session.set("brief", items)
    return items


async def add(action: cl.Action) -> None:
    answers: dict[str, Answer] = cl.user_session.get("answers") or {}
    mid = str(action.payload.get("message_id") or action.forId or "")
    ans = answers.get(mid)
    if ans is None:
        await cl.context.emitter.send_toast(
            f"This answer is no longer held: it is from an earlier session, or older than the "
            f"last {MAX_ANSWERS} answers of this one. Ask the question again to add it to a brief.",
            "warning")
        return
    if not ans.citations:
        await cl.context.emitter.send_toast("That answer has no cited excerpts to add.", "warning")
        return
    items = _brief_answers()
    if any(m == mid for m, _ in items):
        await cl.context.emitter.send_toast("This answer is already in the brief.", "info")
        return
    items.append((mid, ans))
    n_ex = sum(len(a.citations) for _, a in items)
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
    items = _brief_answers()
    if not items:
        await toast("The brief is empty. Click \"Add to brief\" under an answer to collect its "
                    "cited excerpts, then export again.", "warning")
        return
    answers = [a for _, a in items]
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
