"""Stage 4 — chunk: structure-aware passages that never cut a sentence.

Paragraphs of one section are packed together up to a target size; a paragraph longer than
the maximum is split between sentences. Every chunk is a contiguous span of the cleaned text,
so its offsets, its locator and a verbatim excerpt can always be recovered.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass

from ingest.clean import Cleaned
from ingest.config import IngestConfig
from ingest.dedup import DedupDoc, deduplicate
from ingest.documents import Chunk, DocumentMeta, Locator
from ingest.mapped import origin_runs
from ingest.report import CorpusState, Failures, IngestReport
from ingest.sentences import sentence_spans


@dataclass
class Paragraph:
    start: int
    end: int
    section: str | None
    number: int


def chunk_id_for(doc_id: str, text: str, occurrence: int = 0) -> str:
    """Stable id: the same text in the same document always gets the same id."""
    h = hashlib.sha1(f"{doc_id}\n{text}\n{occurrence}".encode()).hexdigest()[:16]
    return f"{doc_id}:{h}"


def paragraphs_of(text: str, blocks: list[tuple[int, int, str]], title: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    section: str | None = None
    number = 0
    for start, end, kind in blocks:
        if kind == "heading":
            heading = text[start:end]
            section = None if heading.strip().lower() == title.strip().lower() else heading
            continue
        if kind == "meta":
            continue
        number += 1
        out.append(Paragraph(start, end, "Footnotes" if kind == "footnote" else section, number))
    return out


def _pieces(text: str, para: Paragraph, max_words: int) -> list[tuple[int, int]]:
    """Split one paragraph between sentences so that no piece exceeds ``max_words``."""
    body = text[para.start : para.end]
    if len(body.split()) <= max_words:
        return [(para.start, para.end)]
    pieces: list[tuple[int, int]] = []
    cur_s: int | None = None
    cur_e = 0
    words = 0
    for s, e in sentence_spans(body):
        n = len(body[s:e].split())
        if cur_s is not None and words + n > max_words:
            pieces.append((para.start + cur_s, para.start + cur_e))
            cur_s, words = None, 0
        if cur_s is None:
            cur_s = s
        cur_e, words = e, words + n
    if cur_s is not None:
        pieces.append((para.start + cur_s, para.start + cur_e))
    return pieces


def page_of(pages: list[tuple[int, int, str]], raw_offset: int) -> tuple[int, str] | None:
    if not pages or raw_offset < 0:
        return None
    i = bisect.bisect_right([p[0] for p in pages], raw_offset) - 1
    _, number, label = pages[max(i, 0)]
    return number, label


Unit = tuple[int, int, Paragraph]  # a span of the text and the paragraph it belongs to


def _group(text: str, units: list[Unit], target_words: int, max_words: int) -> list[list[Unit]]:
    """Pack consecutive units of one section up to the target size (never past the maximum)."""
    groups: list[list[Unit]] = []
    for unit in units:
        n = len(text[unit[0] : unit[1]].split())
        if groups:
            group = groups[-1]
            words = sum(len(text[s:e].split()) for s, e, _ in group)
            same_section = group[-1][2].section == unit[2].section
            adjacent = group[-1][2].number + 1 >= unit[2].number
            # a lead-in ending in ':' or a list item ending in ',' / ';' goes on in the next unit
            unfinished = text[group[-1][1] - 1] in ",;:"
            room = words + n <= max_words
            if same_section and adjacent and room and (words < target_words or unfinished):
                group.append(unit)
                continue
        groups.append([unit])
    return groups


def _make_chunk(meta: DocumentMeta, text: str, group: list[Unit], occurrence: int,
                origin: list[int] | None, pages: list[tuple[int, int, str]] | None) -> Chunk:
    start, end = group[0][0], group[-1][1]
    body = text[start:end]
    first, last = group[0][2], group[-1][2]
    page = None
    if pages and origin:
        page = page_of(pages, next((o for o in origin[start:end] if o >= 0), -1))
    loc = Locator(
        section=first.section, paragraph=first.number,
        paragraph_end=last.number if last.number != first.number else None,
        page=page[0] if page else None,
        page_label=page[1] if page and page[1] != str(page[0]) else None,
    )
    spans = sentence_spans(body)
    sentence_pages: list[tuple[int, str]] = []
    if pages and origin:
        for s, e in spans:
            at = next((o for o in origin[start + s : start + e] if o >= 0), -1)
            sentence_pages.append(page_of(pages, at) or page or (1, "1"))
    return Chunk(doc_id=meta.doc_id, chunk_id=chunk_id_for(meta.doc_id, body, occurrence),
                 text=body, title=meta.title, publisher=meta.publisher, date=meta.date,
                 locator=loc, start=start, end=end, sentences=spans,
                 sentence_pages=sentence_pages)


def chunk_document(
    meta: DocumentMeta,
    text: str,
    paragraphs: list[Paragraph],
    target_words: int,
    max_words: int,
    origin: list[int] | None = None,
    pages: list[tuple[int, int, str]] | None = None,
) -> list[Chunk]:
    """Pack paragraphs (already filtered by dedup) into chunks."""
    units = [(s, e, p) for p in paragraphs for s, e in _pieces(text, p, max_words)]
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for group in _group(text, units, target_words, max_words):
        body = text[group[0][0] : group[-1][1]]
        occurrence = seen.get(body, 0)
        seen[body] = occurrence + 1
        chunks.append(_make_chunk(meta, text, group, occurrence, origin, pages))
    return chunks


def _split(p: Paragraph, runs: list[tuple[int, int]] | None) -> list[Paragraph]:
    """A paragraph, or the runs of it that deduplication kept, as paragraph spans."""
    if runs is None:
        return [p]
    return [Paragraph(p.start + s, p.start + e, p.section, p.number) for s, e in runs]


def _document(c: Cleaned, meta: DocumentMeta, n_chunks: int) -> dict[str, object]:
    """What the index keeps of a document: metadata, cleaned text, the map back to the raw file."""
    raw, doc = c.loaded.raw, c.doc
    return {"meta": meta.model_dump(), "text": doc.text, "origin": origin_runs(doc.origin),
            "blocks": doc.blocks, "raw_kind": raw.kind, "pages": raw.pages,
            "sha256": raw.sha256, "n_chunks": n_chunks, "removed": doc.removed}


def _chunk_each(docs: list[Cleaned], paras: list[list[Paragraph]], dedup: list[DedupDoc],
                config: IngestConfig, failures: Failures) -> tuple[CorpusState, list[int]]:
    state = CorpusState()
    bad: list[int] = []
    for pos, (c, ps, dd) in enumerate(zip(docs, paras, dedup, strict=True)):
        kept = [part for p, k, runs in zip(ps, dd.keep, dd.parts, strict=True) if k
                for part in _split(p, runs)]
        try:
            chunks = chunk_document(dd.meta, c.doc.text, kept, config.chunk_target_words,
                                    config.chunk_max_words, c.doc.origin, c.loaded.raw.pages)
            document = _document(c, dd.meta, len(chunks))
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            failures.record(dd.meta.file, "splitting it into passages", exc)
            bad.append(pos)
            continue
        info = {"sha256": c.loaded.raw.sha256, "doc_id": dd.meta.doc_id,
                "chunks": [ch.chunk_id for ch in chunks]}
        state.add(dd.meta.file, dd.meta.doc_id, document, chunks, info)
    return state, bad


def chunk_corpus(docs: list[Cleaned], config: IngestConfig, report: IngestReport,
                 failures: Failures) -> CorpusState:
    """Stage 3 and 4 over the corpus: paragraphs, deduplicated across documents (a
    republication keeps only what its original lacks), packed into passages. A document that
    cannot be split is left out, and the rest deduplicated again without it."""
    paras: list[list[Paragraph]] = []
    ok: list[Cleaned] = []
    for c in docs:
        try:
            paras.append(paragraphs_of(c.doc.text, c.doc.blocks, c.loaded.meta.title))
            ok.append(c)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            failures.record(c.loaded.meta.file, "cleaning", exc)
    while True:
        dedup = [DedupDoc(meta=c.loaded.meta.model_copy(deep=True),
                          paragraphs=[c.doc.text[p.start : p.end] for p in ps],
                          keep=[True] * len(ps)) for c, ps in zip(ok, paras, strict=True)]
        result = deduplicate(dedup)
        state, bad = _chunk_each(ok, paras, dedup, config, failures)
        if not bad:
            break
        ok = [c for i, c in enumerate(ok) if i not in bad]
        paras = [p for i, p in enumerate(paras) if i not in bad]
    report.duplicates = result.duplicates
    report.passages_deduplicated = result.passages_dropped
    return state
