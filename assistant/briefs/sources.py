"""The scope of a brief (which documents were searched), its excerpts and numbered references."""

from __future__ import annotations

from typing import Any

from assistant.briefs.model import Excerpt, Reference, SourceDoc
from assistant.core.citations import doc_label
from assistant.core.models import Citation
from ingest.documents import DocumentMeta
from ingest.text import fold, long_date

OUTSIDE_FILTER = "outside the publishers selected"


def scope_sentence(docs: list[SourceDoc], as_of: str) -> str:
    """The scope line: 'only these' only when a filter left documents out; a republication
    searched through its original, or a document without text, is no restriction."""
    searched = [d for d in docs if d.searched]
    if any(d.note == OUTSIDE_FILTER for d in docs):
        return (f"Evidence from {as_of}. Only these documents were searched "
                f"({len(searched)} of {len(docs)} in the collection):")
    return (f"Evidence from {as_of}. Every document of the collection was searched "
            f"({len(searched)} {'document' if len(searched) == 1 else 'documents'}):")


def source_docs(documents: list[dict[str, Any]], searched: set[str] | None = None) -> list[SourceDoc]:
    """The scope: every document of the collection, marked searched or not (and why not)."""
    titles = {d["doc_id"]: d.get("title", d["doc_id"]) for d in documents}
    out: list[SourceDoc] = []
    for d in sorted(documents, key=lambda x: (str(x.get("publisher", "")), str(x.get("date", "")))):
        note, is_searched = "", True
        original = titles.get(d.get("duplicate_of") or "", d.get("duplicate_of"))
        if d.get("duplicate_of") and not d.get("chunks", 1):
            is_searched = False
            note = f"republication of “{original}”, searched through it"
        elif d.get("duplicate_of") and (searched is None or d["doc_id"] in searched):
            note = f"republication of “{original}”: what only it says is searched, the rest " \
                "through the original"
        elif not d.get("chunks", 1):
            is_searched, note = False, "no searchable text"
        elif searched is not None and d["doc_id"] not in searched:
            is_searched, note = False, OUTSIDE_FILTER
        out.append(SourceDoc(doc_id=d["doc_id"], title=d.get("title", d["doc_id"]),
                             publisher=d.get("publisher", ""), date=long_date(str(d.get("date", ""))),
                             kind=d.get("kind", ""), url=d.get("url", ""), searched=is_searched,
                             note=note))
    return out


def collection_as_of(documents: list[dict[str, Any]], indexed: str | None = None) -> str:
    """'the collection indexed on 25 November 2026 (newest document dated 15 February 2022)'."""
    dates = sorted(str(d.get("date", "")) for d in documents if d.get("date"))
    newest = f"newest document dated {long_date(dates[-1])}" if dates else "no dated documents"
    if indexed:
        return f"the collection as indexed on {long_date(indexed[:10])} ({newest})"
    return f"the collection ({newest})"


def excerpt_from(c: Citation, meta: DocumentMeta | None) -> Excerpt:
    label = c.publisher
    if meta is not None:
        label = doc_label(meta) + (f" ({long_date(meta.date)})" if meta.date else "")
    return Excerpt(text=c.excerpt, doc_id=c.doc_id, chunk_id=c.chunk_id, title=c.title,
                   publisher=c.publisher, date=c.date, locator=c.locator, url=c.url,
                   label=label, score=c.support_score)


def number_references(excerpts: list[Excerpt], documents: list[dict[str, Any]]) -> list[Reference]:
    """Number the cited passages in order of first use and set each excerpt's ``ref``."""
    metas = {d["doc_id"]: d for d in documents}
    refs: dict[str, Reference] = {}
    for e in excerpts:
        ref = refs.get(e.chunk_id)
        if ref is None:
            d = metas.get(e.doc_id, {})
            also = [", ".join(x for x in (p.get("publisher", ""), long_date(p.get("date", "")),
                                          p.get("url", "")) if x)
                    for p in d.get("also_published_in") or []]
            ref = Reference(number=len(refs) + 1, doc_id=e.doc_id, chunk_id=e.chunk_id,
                            title=e.title, publisher=e.publisher, date=e.date,
                            kind=d.get("kind", ""), url=e.url or d.get("url", ""),
                            locator=e.locator, also_published_in=also)
            refs[e.chunk_id] = ref
        e.ref = ref.number
    return list(refs.values())


class Seen:
    """Quotations already placed: the same text (or one containing it) is not quoted again."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def has(self, text: str) -> bool:
        f = fold(text)
        return any(f in t or t in f for t in self.texts)

    def add(self, text: str) -> None:
        self.texts.append(fold(text))
