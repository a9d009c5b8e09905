"""Pure rendering helpers for the chat window: an :class:`Answer` and its citations as inert
Markdown. No Chainlit import here, so everything is unit-testable.

Document text is never trusted: every character Markdown or HTML could act on is
backslash-escaped, so a ``<script>`` in a document shows as text and never runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.core.formatting import answer_json
from assistant.core.models import Answer, Citation

# ASCII punctuation that Markdown (CommonMark + GFM) or embedded HTML can give a meaning to.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~$&=:])")
_LIST_START = re.compile(r"^(\s*\d+)([.)])", re.M)


def md_escape(text: str) -> str:
    """Text shown literally by any CommonMark renderer (no emphasis, links, HTML, lists)."""
    out = _SPECIAL.sub(r"\\\1", text)
    return _LIST_START.sub(r"\1\\\2", out)


def plural(n: int, word: str) -> str:
    """'1 excerpt', '2 excerpts'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def marker(n: int) -> str:
    """The inline citation marker; a link to the source it cites (see marker_link)."""
    return f"[{n}]"


def marker_link(n: int, href: str | None) -> str:
    """A marker as Markdown: a link to its source when ``href`` is known, else plain."""
    return f"[{md_escape(marker(n))}](<{href}>)" if href else marker(n)


def escape_answer(text: str, markers: Iterable[int],
                  hrefs: Mapping[int, str] | None = None) -> str:
    """Escape an answer's text but keep its citation markers (``[1]``) live: links to their
    sources (``hrefs``), which the chat window opens in its source panel."""
    out = md_escape(text)
    for n in sorted(set(markers), reverse=True):
        out = out.replace(md_escape(marker(n)), marker_link(n, (hrefs or {}).get(n)))
    return out


def excerpt_span(c: Citation) -> tuple[int, int] | None:
    """Where the cited excerpt sits in its passage (start, end), or None if it can't be found."""
    if not c.passage or not c.excerpt:
        return None
    start = c.excerpt_start
    if start >= 0 and c.passage[start : start + len(c.excerpt)] == c.excerpt:
        return start, start + len(c.excerpt)
    found = c.passage.find(c.excerpt)
    return (found, found + len(c.excerpt)) if found >= 0 else None


def source_heading(c: Citation) -> str:
    """One line: title — publisher · date · locator (escaped)."""
    bits = [c.publisher, c.date, c.locator]
    tail = " · ".join(md_escape(b) for b in bits if b)
    return f"*{md_escape(c.title)}* — {tail}" if tail else f"*{md_escape(c.title)}*"


def sources_block(ans: Answer, hrefs: Mapping[int, str] | None = None,
                  pdfs: Mapping[int, tuple[str, int]] | None = None) -> str:
    """The list under an answer (or the closest material under a refusal); each marker links
    to its source, and a PDF source to its page in the PDF (``pdfs``: address, page)."""
    cites = ans.citations or ans.closest
    if not cites:
        return ""
    pdfs = pdfs or {}
    head = "**Sources**" if ans.citations else \
        "**Closest material in the collection** (it may not answer your question)"
    lines = [head, ""]
    for c in cites:
        flag = "" if c.supported or not ans.citations else " *(not supported by the passage)*"
        pdf = f" · [PDF, page {pdfs[c.marker][1]}](<{pdfs[c.marker][0]}>)" \
            if c.marker in pdfs else ""
        lines.append(f"- {marker_link(c.marker, (hrefs or {}).get(c.marker))} "
                     f"{source_heading(c)}{pdf}{flag}")
    return "\n".join(lines)


def answer_markdown(ans: Answer, hrefs: Mapping[int, str] | None = None,
                    pdfs: Mapping[int, tuple[str, int]] | None = None) -> str:
    """The final content of an answer message: text with live markers, notice, sources."""
    cites = ans.citations or ans.closest
    body = escape_answer(ans.answer, [c.marker for c in ans.citations], hrefs)
    parts = []
    if ans.notice:
        parts.append(f"> **Note:** {md_escape(ans.notice)}")
    parts.append(body)
    if ans.refused:
        parts.append("*I answer only from the documents in this collection. Try rephrasing "
                     "the question with terms the documents use. What the collection holds is "
                     "shown when you start a new chat, and under About & documents.*")
    if cites:
        parts.append(sources_block(ans, hrefs, pdfs))
    return "\n\n".join(parts)


def answer_metadata(ans: Answer, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """The answer's JSON shape, kept with the message (the feedback export reads it), plus the
    filters it was asked under."""
    return {**answer_json(ans), "filters": filters or {}}


# ---- which answer the reader is looking at (LLM mode) --------------------------------------
DRAFT = "Draft — checking…"  # shown above the model's streamed text until the check is done


def checked_line(ans: Answer) -> str:
    """The line above a checked answer in LLM mode: how many of the model's sentences the
    check verified and how many it marked ``(unverified)``, or what was shown instead."""
    if ans.refused:
        return "Checked: not answered from these documents"
    if str(ans.mode) != "llm" or not ans.sentences:
        return "Checked: the model's draft was not used; quoted from the documents instead"
    bad = sum(not s.supported for s in ans.sentences)
    return (f"Checked: {plural(len(ans.sentences) - bad, 'sentence')} verified, "
            f"{bad} marked unsupported")
