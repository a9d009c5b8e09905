"""Where a cited excerpt sits in its source PDF, so the chat window can open it at that page.

The index keeps, per document, the cleaned text, ``origin`` runs mapping cleaned offsets back
to the raw extracted text (``[clean_start, raw_start, length]``) and ``pages`` (``[raw_offset,
page_number, label]``). The page of the excerpt itself is used, not the page where its
passage starts: a passage can run over a page break.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from assistant.core.models import Citation


def clean_to_raw(origin: list[list[int]], offset: int) -> int | None:
    """Raw-text offset of a cleaned-text offset, or None where the cleaner inserted text."""
    starts = [run[0] for run in origin]
    i = bisect.bisect_right(starts, offset) - 1
    if i < 0:
        return None
    clean_start, raw_start, length = origin[i][:3]
    if offset < clean_start + length:
        return raw_start + (offset - clean_start)
    return None


def page_at(pages: list[list[Any]], raw_offset: int) -> int | None:
    """1-based page number holding a raw-text offset."""
    if not pages or raw_offset < 0:
        return None
    i = bisect.bisect_right([int(p[0]) for p in pages], raw_offset) - 1
    return int(pages[max(i, 0)][1])


def excerpt_page(doc: dict[str, Any], chunk_start: int, excerpt: str) -> int | None:
    """Page of the first character of ``excerpt``, searched from its passage's start."""
    text = str(doc.get("text") or "")
    pages = doc.get("pages") or []
    origin = doc.get("origin") or []
    if not text or not pages or not origin or not excerpt:
        return None
    at = text.find(excerpt, max(chunk_start, 0))
    if at < 0:
        at = text.find(excerpt)
    if at < 0:
        return None
    for offset in range(at, min(at + len(excerpt), at + 200)):  # skip inserted characters
        raw = clean_to_raw(origin, offset)
        if raw is not None:
            return page_at(pages, raw)
    return None


def pdf_target(store: Any, corpus_dir: Path, c: Citation) -> tuple[Path, int] | None:
    """(PDF file, 1-based page) for a citation whose document is a PDF on disk, else None.

    ``store`` is the loaded index (:class:`ingest.index.StoredIndex`).
    """
    doc = store.documents.get(c.doc_id)
    if not doc:
        return None
    rel = str(doc["meta"].get("file") or "")
    path = Path(corpus_dir) / rel
    if not rel.lower().endswith(".pdf") or not path.is_file():
        return None
    row = store.by_id.get(c.chunk_id)
    chunk = store.chunks[row] if row is not None else None
    page = excerpt_page(doc, chunk.start if chunk is not None else 0, c.excerpt)
    if page is None and chunk is not None:
        page = chunk.locator.page
    return path, page or 1
