"""An answer's sources as the chat window opens them: the links its markers carry, and the
content of the source panel (``/pa/source/<message id>/<marker>``).

The markers of an answer are ordinary links to the document view (they work with no script);
``public/sources.js`` opens the source panel instead when one is clicked, filled from
:func:`source_view`. Chainlit's own elements are not used for sources: every element it
receives re-renders every message of the conversation and opens its side panel with every
source of the conversation, so each answer cost more than the one before (issue 12, item 8).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.core.enums import AnswerMode
from assistant.core.models import Answer, Citation
from assistant.ui.docview import doc_href, pdf_href
from assistant.ui.pdf import pdf_target
from assistant.ui.render import excerpt_span

WEB = ("http://", "https://")


def answer_from_json(data: dict[str, Any], store: Any) -> Answer | None:
    """An answer as kept with its message (the one JSON shape), its passages taken from the
    loaded index again; None when the JSON is not an answer's."""
    try:
        def cite(c: dict[str, Any]) -> Citation:
            row = store.by_id.get(str(c.get("chunk_id")))
            passage = store.chunks[row].text if row is not None else ""
            return Citation(**{**c, "passage": passage, "excerpt_start": -1})

        return Answer(question=str(data.get("question") or ""),
                      standalone_question=str(data.get("standalone_question") or ""),
                      answer=str(data["answer"]), refused=bool(data.get("refused")),
                      citations=[cite(c) for c in data.get("citations") or []],
                      closest=[cite(c) for c in data.get("closest") or []],
                      mode=AnswerMode(str(data.get("mode") or "extractive")),
                      notice=data.get("notice"))
    except (KeyError, TypeError, ValueError):
        return None


def citation_links(store: Any, corpus_dir: Path, c: Citation) -> tuple[str, str, int | None]:
    """(document view address, PDF view address or '', PDF page or None) of one citation."""
    cited = excerpt_span(c)
    pdf = pdf_target(store, corpus_dir, c)
    doc = doc_href(c.doc_id, c.chunk_id, cited)
    if pdf is None:
        return doc, "", None
    return doc, pdf_href(c.doc_id, pdf[1], c.chunk_id, cited), pdf[1]


def answer_links(store: Any, corpus_dir: Path, ans: Answer) -> tuple[dict[int, str],
                                                                     dict[int, tuple[str, int]]]:
    """Per marker: the address its link opens, and the PDF view (address, page) of PDF sources."""
    hrefs: dict[int, str] = {}
    pdfs: dict[int, tuple[str, int]] = {}
    for c in ans.citations or ans.closest:
        doc, pdf, page = citation_links(store, corpus_dir, c)
        hrefs[c.marker] = doc
        if pdf and page is not None:
            pdfs[c.marker] = (pdf, page)
    return hrefs, pdfs


def source_view(data: dict[str, Any], marker: int, store: Any,
                corpus_dir: Path) -> dict[str, Any] | None:
    """What the source panel shows for one marker of an answer kept as JSON: the document's
    title, publisher, date and place, the passage split around the cited sentence, and where
    to open the document. Plain strings only: the page inserts them as text."""
    ans = answer_from_json(data, store)
    if ans is None:
        return None
    closest = not ans.citations
    c = next((x for x in ans.citations or ans.closest if x.marker == marker), None)
    if c is None:
        return None
    span = excerpt_span(c)
    if span is None:
        before, cited, after = "", c.excerpt, ""
    else:
        before, cited, after = c.passage[: span[0]], c.passage[span[0] : span[1]], \
            c.passage[span[1] :]
    doc, pdf, page = citation_links(store, corpus_dir, c)
    return {
        "marker": c.marker, "label": "Closest material" if closest else "Source",
        "question": ans.question, "title": c.title, "publisher": c.publisher, "date": c.date,
        "locator": c.locator, "closest": closest, "supported": c.supported,
        "before": before, "cited": cited, "after": after,
        "doc_href": doc, "pdf_href": pdf, "pdf_page": page,
        "url": c.url if c.url.startswith(WEB) else "",
    }
