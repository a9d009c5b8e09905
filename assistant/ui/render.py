"""Pure rendering helpers for the chat window: an :class:`Answer` and its citations as inert
Markdown. No Chainlit import here, so everything is unit-testable.

Document text is never trusted: every character Markdown or HTML could act on is
backslash-escaped, so a ``<script>`` in a document shows as text and never runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from assistant.core.formatting import answer_json
from assistant.core.models import Answer, Citation

# ASCII punctuation that Markdown (CommonMark + GFM) or embedded HTML can give a meaning to.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~$&=:])")
_LIST_START = re.compile(r"^(\s*\d+)([.)])", re.M)
_BLANKS = re.compile(r"\n\s*\n")
_WEB_URL = re.compile(r"https?://[^\s<>()\\`]+")


def md_escape(text: str) -> str:
    """Text shown literally by any CommonMark renderer (no emphasis, links, HTML, lists)."""
    out = _SPECIAL.sub(r"\\\1", text)
    return _LIST_START.sub(r"\1\\\2", out)


def plural(n: int, word: str) -> str:
    """'1 excerpt', '2 excerpts'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def marker(n: int) -> str:
    """The inline citation marker; also the name of the source element it opens."""
    return f"[{n}]"


def escape_answer(text: str, markers: Iterable[int]) -> str:
    """Escape an answer's text but keep its citation markers (``[1]``) as plain brackets,
    so the chat window can turn each into a link to its source element."""
    out = md_escape(text)
    for n in sorted(set(markers), reverse=True):
        out = out.replace(md_escape(marker(n)), marker(n))
    return out


def _bold(segment: str) -> str:
    """Bold escaped text; emphasis cannot span paragraphs, so bold each paragraph."""
    parts = _BLANKS.split(segment)
    return "\n\n".join(f"**{p.strip()}**" if p.strip() else p for p in parts)


def excerpt_span(c: Citation) -> tuple[int, int] | None:
    """Where the cited excerpt sits in its passage (start, end), or None if it can't be found."""
    if not c.passage or not c.excerpt:
        return None
    start = c.excerpt_start
    if start >= 0 and c.passage[start : start + len(c.excerpt)] == c.excerpt:
        return start, start + len(c.excerpt)
    found = c.passage.find(c.excerpt)
    return (found, found + len(c.excerpt)) if found >= 0 else None


def highlighted_passage(c: Citation) -> str:
    """The whole passage, escaped, with the cited excerpt in bold."""
    span = excerpt_span(c)
    if span is None:
        return _bold(md_escape(c.excerpt.strip()))
    start, end = span
    cited = c.passage[start:end]
    # Emphasis markers must touch non-space characters: move surrounding white space out.
    lead = len(cited) - len(cited.lstrip())
    trail = len(cited) - len(cited.rstrip())
    before = c.passage[: start + lead]
    after = c.passage[end - trail :]
    return md_escape(before) + _bold(md_escape(cited.strip())) + md_escape(after)


def source_heading(c: Citation) -> str:
    """One line: title — publisher · date · locator (escaped)."""
    bits = [c.publisher, c.date, c.locator]
    tail = " · ".join(md_escape(b) for b in bits if b)
    return f"*{md_escape(c.title)}* — {tail}" if tail else f"*{md_escape(c.title)}*"


def source_markdown(c: Citation, *, closest: bool = False, pdf_page: int | None = None,
                    question: str = "", doc_link: str = "") -> str:
    """Content of the side-panel element of one source. The cited sentence is the only bold
    text in it (the stylesheet highlights it); every document string is escaped."""
    label = "Closest material" if closest else "Source"
    head = f"{label} {md_escape(marker(c.marker))}"
    if question:
        head += f" · for “{md_escape(question)}”"
    facts = [("Publisher", c.publisher), ("Date", c.date), ("Where", c.locator)]
    lines = [f"*{head}*", "", f"### {md_escape(c.title)}", ""]
    lines.append("\n".join(f"{k}: {md_escape(v)}" for k, v in facts if v))
    lines.append("")
    if closest:
        lines += ["*The closest passage found; it may not answer the question.*", ""]
    elif not c.supported:
        lines += ["*This quotation was not found to support the sentence it is cited for.*", ""]
    what = "closest" if closest else "cited"
    lines += [f"*The passage, with the {what} sentence highlighted:*", "",
              highlighted_passage(c), ""]
    if doc_link:
        lines += [f"[Open the document at this passage]({doc_link})", ""]
    if pdf_page is not None:
        lines += [f"*The PDF opens at page {pdf_page}: click {md_escape(pdf_element_name(c.marker))}"
                  " under the answer.*", ""]
    if _WEB_URL.fullmatch(c.url):
        lines.append(f"Original: [{md_escape(c.url)}](<{c.url}>)")
    elif c.url:
        lines.append(f"Original: {md_escape(c.url)}")
    return "\n".join(lines).strip() + "\n"


def pdf_element_name(n: int) -> str:
    return f"PDF {marker(n)}"


def sources_block(ans: Answer, pdf_markers: Iterable[int] = ()) -> str:
    """The list under an answer (or the closest material under a refusal)."""
    cites = ans.citations or ans.closest
    if not cites:
        return ""
    pdfs = set(pdf_markers)
    head = "**Sources**" if ans.citations else \
        "**Closest material in the collection** (it may not answer your question)"
    lines = [head, ""]
    for c in cites:
        flag = "" if c.supported or not ans.citations else " *(not supported by the passage)*"
        pdf = f" · {pdf_element_name(c.marker)}" if c.marker in pdfs else ""
        lines.append(f"- {marker(c.marker)} {source_heading(c)}{pdf}{flag}")
    return "\n".join(lines)


def answer_markdown(ans: Answer, pdf_markers: Iterable[int] = ()) -> str:
    """The final content of an answer message: text with live markers, notice, sources."""
    cites = ans.citations or ans.closest
    body = escape_answer(ans.answer, [c.marker for c in ans.citations])
    parts = []
    if ans.notice:
        parts.append(f"> **Note:** {md_escape(ans.notice)}")
    parts.append(body)
    if ans.refused:
        parts.append("*I answer only from the documents in this collection. Try rephrasing "
                     "the question with terms the documents use. What the collection holds is "
                     "shown when you start a new chat, and under About & documents.*")
    if cites:
        parts.append(sources_block(ans, pdf_markers))
    return "\n\n".join(parts)


def answer_metadata(ans: Answer, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """The answer's JSON shape, kept with the message (the feedback export reads it), plus the
    filters it was asked under."""
    return {**answer_json(ans), "filters": filters or {}}
