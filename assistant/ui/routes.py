"""The app's own HTTP routes beside Chainlit's, under ``/pa/``: an answer as clean text for
the copy button and the marker previews (``/pa/answer/<message id>``), one of its sources for
the source panel (``/pa/source/<message id>/<marker>``), a document opened at a
cited passage (``/pa/doc/<doc id>?chunk=<chunk id>``) and its original file
(``/pa/file/<doc id>``), a PDF at a cited page through pdf.js (``/pa/pdf/<doc id>``, the
library under ``/pa/pdfjs/``), and the collection in brief for the landing page
(``/pa/collection``).

Answers are looked up among the recent answers of this process, then in the chat database
(the JSON kept with each message). With a login on (passwords or the local single-user mode),
only the user who owns the conversation gets its answers.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from pathlib import Path
from typing import Any

from assistant import feedback
from assistant.chatdb import ChatTarget
from assistant.ui import docview, pdfjs, pdfview, plain
from assistant.ui.collection import collection_summary
from assistant.ui.runtime import runtime
from assistant.ui.sources import source_view

RECENT_LIMIT = 2000  # answers of this process kept in memory (the database has the rest)
_RECENT: OrderedDict[str, tuple[str, dict[str, Any]]] = OrderedDict()


def remember(message_id: str, owner: str, data: dict[str, Any]) -> None:
    """Keep an answer's JSON for its message (before the database has it)."""
    _RECENT[message_id] = (owner, data)
    _RECENT.move_to_end(message_id)
    while len(_RECENT) > RECENT_LIMIT:
        _RECENT.popitem(last=False)


def find_answer(db: ChatTarget, message_id: str) -> tuple[str, dict[str, Any]] | None:
    return _RECENT.get(message_id) or feedback.answer_of_message(db, message_id)


def answer_payload(data: dict[str, Any]) -> dict[str, Any]:
    return {"text": plain.answer_text(data), "html": plain.answer_html(data),
            "sources": plain.previews(data), "timings_ms": data.get("timings_ms") or {}}


NO_SNIFF = {"X-Content-Type-Options": "nosniff"}


def _store() -> Any | None:
    a = runtime().assistant
    return a.store if a is not None else None


def document_page(doc_id: str, chunk_id: str, cited: tuple[int, int] | None) -> str | None:
    """The document view's HTML, or None for an unknown document."""
    store = _store()
    doc = store.documents.get(doc_id) if store is not None else None
    if store is None or doc is None:
        return None
    row = store.by_id.get(chunk_id)
    chunk = store.chunks[row] if row is not None and store.chunks[row].doc_id == doc_id else None
    headings = {str(c.locator.section) for c in store.chunks
                if c.doc_id == doc_id and c.locator.section}
    return docview.document_html(doc, doc_id, chunk, cited, headings)


def pdf_page(doc_id: str, page: int, chunk_id: str, cited: tuple[int, int] | None) -> str | None:
    """The PDF view at a page with the cited text marked; the cleaned-text document view
    (saying why) when pdf.js is not installed; None for an unknown document or no PDF."""
    store = _store()
    doc = store.documents.get(doc_id) if store is not None else None
    path = original_file(doc_id)
    if store is None or doc is None or path is None or path.suffix.lower() != ".pdf":
        return None
    text_view = docview.doc_href(doc_id, chunk_id, cited)
    if pdfjs.installed(runtime().settings.cache_path) is None:
        note = (f"The PDF viewer (pdf.js) is not installed here, so this is the document's "
                f"cleaned text, at the cited passage (page {page} of the PDF).")
        row = store.by_id.get(chunk_id)
        chunk = store.chunks[row] if row is not None and store.chunks[row].doc_id == doc_id \
            else None
        headings = {str(c.locator.section) for c in store.chunks
                    if c.doc_id == doc_id and c.locator.section}
        return docview.document_html(doc, doc_id, chunk, cited, headings, note)
    row = store.by_id.get(chunk_id)
    text = store.chunks[row].text if row is not None and store.chunks[row].doc_id == doc_id \
        else ""
    excerpt = text[cited[0]:cited[1]] if cited is not None else text
    return pdfview.pdf_page_html(doc, doc_id, page, excerpt, text_view)


def original_file(doc_id: str) -> Path | None:
    """The corpus file of a document, only if it lies inside the corpus folder."""
    store = _store()
    doc = store.documents.get(doc_id) if store is not None else None
    if doc is None:
        return None
    corpus = Path(runtime().settings.corpus_dir).resolve()
    rel = str((doc.get("meta") or {}).get("file") or "")
    path = (corpus / rel).resolve()
    if not rel or not path.is_file() or not path.is_relative_to(corpus):
        return None
    return path


def allowed(owner: str, user: Any) -> bool:
    """Without any login every answer is readable (there are no users); with one, only the
    owner's."""
    if user is None:
        return True
    return bool(owner) and owner == getattr(user, "identifier", None)


def _document_routes(router: Any) -> None:
    """A document at a passage, a PDF at a page (and pdf.js), an original file."""
    from chainlit.auth import get_current_user
    from fastapi import Depends, HTTPException

    @router.get("/doc/{doc_id}")
    async def document(doc_id: str, chunk: str = "", s: int = -1, e: int = -1,
                       user: Any = Depends(get_current_user)) -> Any:  # noqa: B008
        from fastapi.responses import HTMLResponse

        cited = (s, e) if 0 <= s < e else None
        page = await asyncio.to_thread(document_page, doc_id, chunk, cited)
        if page is None:
            raise HTTPException(status_code=404, detail="no such document")
        return HTMLResponse(page, headers=NO_SNIFF)

    @router.get("/pdf/{doc_id}")
    async def pdf(doc_id: str, page: int = 1, chunk: str = "", s: int = -1, e: int = -1,
                  user: Any = Depends(get_current_user)) -> Any:  # noqa: B008
        from fastapi.responses import HTMLResponse

        cited = (s, e) if 0 <= s < e else None
        view = await asyncio.to_thread(pdf_page, doc_id, page, chunk, cited)
        if view is None:
            raise HTTPException(status_code=404, detail="no such PDF")
        return HTMLResponse(view, headers=NO_SNIFF)

    @router.get("/pdfjs/{rel:path}")
    async def pdfjs_file(rel: str) -> Any:
        from fastapi.responses import FileResponse

        path = pdfjs.asset(runtime().settings.cache_path, rel)
        if path is None:
            raise HTTPException(status_code=404, detail="no such file")
        kind = "text/javascript" if path.suffix in (".mjs", ".js") else None
        return FileResponse(path, media_type=kind, headers={**NO_SNIFF,
                                                            "Cache-Control": "max-age=86400"})

    @router.get("/file/{doc_id}")
    async def original(doc_id: str, user: Any = Depends(get_current_user)) -> Any:  # noqa: B008
        from fastapi.responses import FileResponse

        path = original_file(doc_id)
        if path is None:
            raise HTTPException(status_code=404, detail="no such file")
        if path.suffix.lower() == ".pdf":  # opens in the browser, at #page=N
            return FileResponse(path, media_type="application/pdf", headers=NO_SNIFF)
        # document HTML must never run on the app's origin: other types are downloads
        return FileResponse(path, media_type="application/octet-stream", filename=path.name,
                            headers=NO_SNIFF)


def _answer_routes(router: Any, db: ChatTarget) -> None:
    """The collection in brief, an answer as clean text, one source of an answer."""
    from chainlit.auth import get_current_user
    from fastapi import Depends, HTTPException

    @router.get("/collection")
    async def collection(user: Any = Depends(get_current_user)) -> dict[str, Any]:  # noqa: B008
        a = runtime().assistant
        if a is None:
            raise HTTPException(status_code=503, detail="the index is still loading")
        return collection_summary(a.corpus())

    @router.get("/source/{message_id}/{marker}")
    async def source(message_id: str, marker: int,
                     user: Any = Depends(get_current_user)) -> dict[str, Any]:  # noqa: B008
        found = find_answer(db, message_id)
        store = _store()
        view = None
        if found is not None and allowed(found[0], user) and store is not None:
            view = await asyncio.to_thread(source_view, found[1], marker, store,
                                           Path(runtime().settings.corpus_dir))
        if view is None:
            raise HTTPException(status_code=404, detail="no such source")
        return view

    @router.get("/answer/{message_id}")
    async def answer(message_id: str,
                     user: Any = Depends(get_current_user)) -> dict[str, Any]:  # noqa: B008
        found = find_answer(db, message_id)
        if found is None or not allowed(found[0], user):
            raise HTTPException(status_code=404, detail="no such answer")
        return answer_payload(found[1])


def mount(db: ChatTarget) -> None:
    """Add the routes to Chainlit's FastAPI app, ahead of its catch-all page route."""
    from chainlit.server import app
    from fastapi import APIRouter

    router = APIRouter(prefix="/pa")
    _document_routes(router)
    _answer_routes(router, db)
    if getattr(app.state, "pa_routes", False):
        return  # mounted already (the app module was imported again)
    app.state.pa_routes = True
    routes = app.router.routes
    before = len(routes)
    app.include_router(router)
    # Chainlit serves its page for every unknown path ("/{full_path:path}"): put ours first.
    added = routes[before:]
    del routes[before:]
    routes[0:0] = added
