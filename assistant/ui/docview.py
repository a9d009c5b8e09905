"""The document view served by the app (offline): a document's cleaned text with its section
headings, the cited passage marked and the cited sentence scrolled into view (``#cited``), and
links to the original file and its web address when known.

Everything from the document is HTML-escaped; the page has no script and loads nothing from
elsewhere.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from ingest.text import long_date

STYLE = """
body { font: 17px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       margin: 0; color: #1c2430; background: #fff; }
header { padding: 1rem 1.25rem; border-bottom: 1px solid #dde3ea; background: #f6f8fa; }
header h1 { font-size: 1.3rem; margin: 0 0 0.3rem; line-height: 1.35; }
header p { margin: 0.15rem 0; color: #4a5563; font-size: 0.95rem; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem 1.25rem 40vh; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 0.4rem; }
p { margin: 0 0 0.9rem; white-space: pre-wrap; }
mark.passage { background: #e8f0fb; }
mark#cited, mark.cited { background: #ffe58a; font-weight: 600; }
mark#cited { scroll-margin-top: 30vh; }
a { color: #1a5fb4; }
"""


def doc_href(doc_id: str, chunk_id: str, cited: tuple[int, int] | None) -> str:
    """The app's address of a document opened at a passage; ``cited`` is where the cited
    sentence sits in the passage (start, end)."""
    href = f"/pa/doc/{quote(doc_id, safe='')}?chunk={quote(chunk_id, safe='')}"
    if cited is not None:
        href += f"&s={cited[0]}&e={cited[1]}"
    return href + "#cited"


def pdf_href(doc_id: str, page: int, chunk_id: str, cited: tuple[int, int] | None) -> str:
    """The app's address of a PDF opened at a page with the cited passage marked."""
    href = f"/pa/pdf/{quote(doc_id, safe='')}?page={int(page)}&chunk={quote(chunk_id, safe='')}"
    if cited is not None:
        href += f"&s={cited[0]}&e={cited[1]}"
    return href


def _spans(text: str, chunk: Any, cited: tuple[int, int] | None) -> tuple[int, int, int, int]:
    """(passage start, passage end, cited start, cited end) in the document text."""
    start, end = max(0, min(chunk.start, len(text))), max(0, min(chunk.end, len(text)))
    if cited is None or start + cited[1] > end:
        return start, end, start, start
    return start, end, start + cited[0], start + cited[1]


def _paragraphs(text: str, headings: set[str]) -> list[tuple[int, int, bool]]:
    """(start, end, is_heading) of each paragraph (blocks separated by blank lines)."""
    out: list[tuple[int, int, bool]] = []
    pos = 0
    for block in text.split("\n\n"):
        s, e = pos, pos + len(block)
        pos = e + 2
        if block.strip():
            out.append((s, e, block.strip() in headings))
    return out


def _marked(text: str, s: int, e: int, spans: tuple[int, int, int, int]) -> str:
    """The escaped text[s:e], with the passage and the cited sentence marked."""
    ps, pe, cs, ce = spans
    cuts = sorted({s, e, *(x for x in (ps, pe, cs, ce) if s < x < e)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[a:b])
        if cs <= a and b <= ce and cs < ce:
            out.append(f'<mark id="cited">{piece}</mark>' if a == cs else
                       f'<mark class="cited">{piece}</mark>')
        elif ps <= a and b <= pe:
            out.append(f'<mark class="passage">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


def document_html(doc: dict[str, Any], doc_id: str, chunk: Any | None,
                  cited: tuple[int, int] | None, headings: set[str], note: str = "") -> str:
    """The whole page. ``doc`` is the index's document record (``text``, ``meta``); ``chunk``
    the cited passage (``start``, ``end``) or None; ``cited`` the cited sentence's place in
    the passage; ``headings`` the document's sections; ``note`` a line shown under the
    links."""
    meta = doc.get("meta") or {}
    text = str(doc.get("text") or "")
    spans = _spans(text, chunk, cited) if chunk is not None else (0, 0, 0, 0)
    esc = html.escape
    title = str(meta.get("title") or doc_id)
    facts = " · ".join(x for x in (str(meta.get("publisher") or ""),
                                    long_date(str(meta.get("date") or ""))) if x)
    links = [f'<a href="/pa/file/{quote(doc_id, safe="")}">The original file '
             f'({esc(str(meta.get("file") or ""))})</a>']
    url = str(meta.get("url") or "")
    if url.startswith(("http://", "https://")):
        links.append(f'<a href="{esc(url, quote=True)}" rel="noopener noreferrer">'
                     f"On the web: {esc(url)}</a>")
    body = []
    for s, e, is_heading in _paragraphs(text, headings):
        inner = _marked(text, s, e, spans)
        body.append(f"<h2>{inner}</h2>" if is_heading else f"<p>{inner}</p>")
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>{esc(facts)}</p>"
        f"<p>{' · '.join(links)}</p>"
        + (f'<p class="note">{esc(note)}</p>' if note else "") + "</header>"
        f"<main>{''.join(body)}</main></body></html>"
    )
