"""An answer as text to paste into Word or an e-mail: plain text and simple HTML, made from
the one JSON shape (:func:`assistant.core.formatting.answer_json`).

The chat window shows Markdown with every special character backslash-escaped (documents are
never trusted), so Chainlit's own "Copy" would paste ``policy brief \\(2022\\)``. The copy
button copies these instead: the answer's sentences with their quotation marks and markers,
then the numbered source list. The HTML version escapes every document string.
"""

from __future__ import annotations

import html
from typing import Any


def _cites(data: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    if data.get("citations"):
        return "Sources", list(data["citations"])
    if data.get("closest"):
        return "Closest material in the collection (it may not answer the question)", \
            list(data["closest"])
    return "", []


def source_line(c: dict[str, Any]) -> str:
    """'[1] Title. Publisher, date, locator. URL' (empty parts left out)."""
    where = ", ".join(str(x) for x in (c.get("publisher"), c.get("date"), c.get("locator")) if x)
    line = f"[{c.get('marker')}] {c.get('title') or ''}".rstrip()
    if where:
        line += f". {where}"
    if c.get("url"):
        line += f". {c['url']}"
    if c.get("supported") is False:
        line += " (not supported by the passage)"
    return line


def answer_text(data: dict[str, Any]) -> str:
    """Plain text: notice, answer (quotes and markers as shown), then the sources."""
    parts: list[str] = []
    if data.get("notice"):
        parts.append(f"Note: {data['notice']}")
    parts.append(str(data.get("answer") or "").strip())
    head, cites = _cites(data)
    if cites:
        parts.append("\n".join([head, *(source_line(c) for c in cites)]))
    return "\n\n".join(p for p in parts if p) + "\n"


def answer_html(data: dict[str, Any]) -> str:
    """The same as :func:`answer_text` as simple HTML (paragraphs and a list), all escaped."""
    esc = html.escape
    out: list[str] = []
    if data.get("notice"):
        out.append(f"<p><em>Note: {esc(str(data['notice']))}</em></p>")
    for para in str(data.get("answer") or "").strip().split("\n\n"):
        if para.strip():
            out.append("<p>" + esc(para.strip()).replace("\n", "<br>") + "</p>")
    head, cites = _cites(data)
    if cites:
        out.append(f"<p><strong>{esc(head)}</strong></p>")
        out.append("<ul>" + "".join(f"<li>{esc(source_line(c))}</li>" for c in cites) + "</ul>")
    return "\n".join(out)


def previews(data: dict[str, Any]) -> list[dict[str, Any]]:
    """What a marker's hover preview shows: title, publisher, date, locator and the quote."""
    _head, cites = _cites(data)
    keys = ("marker", "title", "publisher", "date", "locator", "excerpt")
    return [{k: c.get(k) for k in keys} for c in cites]
