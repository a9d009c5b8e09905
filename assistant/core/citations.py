"""Citations as data: labels, construction, and the verbatim check against the source."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.core.models import Citation
from ingest.documents import UNKNOWN_PUBLISHER, Chunk, DocumentMeta
from ingest.mapped import raw_segments
from ingest.store import StoredIndex
from ingest.text import fold, long_date

_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)\s*$")


def publisher_short(publisher: str, others: list[str] | None = None) -> str:
    """The institution a publisher belongs to, by its own name: a trailing acronym in brackets
    ('…Trafficking in Human Beings (GRETA)' -> 'GRETA'); the name of another publisher it
    begins with; or a leading acronym of a longer name ('OSCE Office of …' -> 'OSCE')."""
    m = _ACRONYM.search(publisher)
    if m:
        return m.group(1)
    for other in sorted(others or [], key=len):
        if other != publisher and publisher.startswith(other + " "):
            return publisher_short(other, others)
    words = publisher.split()
    if len(words) > 2 and words[0].isupper() and len(words[0]) >= 3:
        return words[0]
    return publisher


def doc_label(meta: DocumentMeta) -> str:
    """'the OSCE press release', 'the Equality Now position paper'; a file a user added with no
    manifest entry is named by its file: 'the document you added, deals.txt'."""
    if not meta.in_manifest and meta.publisher == UNKNOWN_PUBLISHER:
        return f"the document you added, {Path(meta.file).name}"
    kind = re.sub(r"\s*\([^)]*\)", "", meta.kind or "document").strip()
    return f"the {publisher_short(meta.publisher)} {kind}"


def make_citation(marker: int, chunk: Chunk, meta: DocumentMeta, start: int, end: int,
                  supported: bool = True, support_score: float | None = None,
                  also_in: list[str] | None = None) -> Citation:
    """A citation of ``chunk.text[start:end]`` (offsets relative to the chunk)."""
    return Citation(
        marker=marker, doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=chunk.title,
        publisher=chunk.publisher, date=long_date(chunk.date),
        locator=chunk.locator_at(start).render(), excerpt=chunk.text[start:end],
        passage=chunk.text, excerpt_start=start, url=meta.url, supported=supported,
        support_score=support_score, also_in=also_in or [],
    )


FOOTNOTE_REF = re.compile(r"(?<=[a-z.)”\"’])\d{1,2}(?=\s|$)")  # as ingest.clean removes them


def excerpt_in_source(store: StoredIndex, doc_id: str, excerpt: str,
                      raw_text: str | None = None) -> bool:
    """True when ``excerpt`` is verbatim text of the cleaned document and, given the raw file's
    text, maps back onto it (same words, ignoring line breaks and hyphens restored by cleaning)."""
    doc = store.documents.get(doc_id)
    if doc is None or not excerpt:
        return False
    text: str = doc["text"]
    at = text.find(excerpt)
    if at < 0:
        return False
    if raw_text is None:
        return True
    segs = raw_segments(doc["origin"], at, at + len(excerpt))
    raw = FOOTNOTE_REF.sub("", " ".join(raw_text[a:b] for a, b in segs))
    # Compare the words only: cleaning rejoins lines, restores hyphens, drops markup and the
    # footnote reference numbers glued to a word ('trafficking.”2 Given').
    squash = lambda s: re.sub(r"[\s\-\[\]()#*_<>]+", "", fold(s))  # noqa: E731
    return squash(raw) == squash(excerpt)
