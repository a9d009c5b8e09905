"""The whole ingestion: load → clean → dedup → chunk → embed → index, incrementally."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.models import Chunk, DocumentMeta
from assistant.settings import Settings
from ingest.bm25 import BM25Index
from ingest.chunk import chunk_document, paragraphs_of
from ingest.clean import clean_text
from ingest.dedup import DedupDoc, deduplicate
from ingest.embed import LocalEmbeddings, embed_texts
from ingest.index import IndexError_, load_index, write_index
from ingest.load import LoadError, RawDocument, load_file
from ingest.manifest import MANIFEST_NAME, default_meta, read_manifest
from ingest.mapped import origin_runs
from ingest.rules import attested_compounds

log = logging.getLogger(__name__)
CLEANER_VERSION = 4


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    passages_deduplicated: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    index_folder: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.skipped)


def embed_text_for(chunk: Chunk) -> str:
    """What the embedder sees: the section heading gives a passage its context."""
    return f"{chunk.locator.section}. {chunk.text}" if chunk.locator.section else chunk.text


def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(
        p for p in corpus_dir.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def _settings_fingerprint(s: Settings) -> dict[str, Any]:
    return {"chunk_target_words": s.chunk_target_words, "chunk_max_words": s.chunk_max_words,
            "cleaner_version": CLEANER_VERSION}


def run_ingest(
    settings: Settings,
    corpus_dir: Path | None = None,
    index_dir: Path | None = None,
    rebuild: bool = False,
    embedder: LocalEmbeddings | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> IngestReport:
    """Ingest ``corpus_dir`` into ``index_dir``; only new or changed passages are embedded."""
    t0 = time.perf_counter()
    corpus_dir = corpus_dir or settings.corpus_dir
    index_dir = index_dir or settings.index_dir
    report = IngestReport()
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    manifest = read_manifest(corpus_dir)
    files = corpus_files(corpus_dir)

    previous = None
    if not rebuild:
        try:
            previous = load_index(index_dir, settings.embedding_model_id)
        except IndexError_ as exc:
            if (index_dir / "CURRENT").exists():
                report.warnings.append(f"previous index not reused: {exc}")

    raws: list[tuple[RawDocument, DocumentMeta]] = []
    for i, path in enumerate(files):
        if progress:
            progress("load", i + 1, len(files))
        try:
            raw = load_file(path, int(settings.max_file_mb * 1e6))
        except LoadError as exc:
            report.skipped.append((str(path.relative_to(corpus_dir)), exc.reason))
            continue
        except OSError as exc:
            report.skipped.append((str(path.relative_to(corpus_dir)), f"cannot read ({exc})"))
            continue
        report.warnings.extend(raw.warnings)
        rel = str(path.relative_to(corpus_dir))
        meta = manifest.get(rel) or manifest.get(path.name)
        if meta is None:
            meta = default_meta(path, raw.text, raw.pdf_title)
            report.warnings.append(f"{rel}: not in {MANIFEST_NAME}; using id '{meta.doc_id}', "
                                   f"title '{meta.title[:60]}'")
        else:
            meta = meta.model_copy(deep=True)
        meta.file = rel
        raws.append((raw, meta))
    ids = [m.doc_id for _, m in raws]
    for doc_id in {i for i in ids if ids.count(i) > 1}:
        report.warnings.append(f"two files share the id '{doc_id}'; later ones get a suffix")
    seen_ids: dict[str, int] = {}
    for _, m in raws:
        n = seen_ids.get(m.doc_id, 0)
        seen_ids[m.doc_id] = n + 1
        if n:
            m.doc_id = f"{m.doc_id}-{n + 1}"

    vocabulary: set[tuple[str, str]] = set()
    for raw, _ in raws:
        vocabulary |= attested_compounds(raw.text)
    cleaned = [clean_text(raw.text, vocabulary) for raw, _ in raws]
    paras = [paragraphs_of(c.text, c.blocks, m.title) for c, (_, m) in zip(cleaned, raws, strict=True)]
    ddocs = [
        DedupDoc(meta=m, paragraphs=[c.text[p.start : p.end] for p in ps], keep=[True] * len(ps))
        for c, (_, m), ps in zip(cleaned, raws, paras, strict=True)
    ]
    dedup = deduplicate(ddocs)
    report.duplicates = dedup.duplicates
    report.passages_deduplicated = dedup.passages_dropped

    chunks: list[Chunk] = []
    documents: dict[str, dict[str, Any]] = {}
    files_info: dict[str, Any] = {}
    for c, (raw, m), ps, dd in zip(cleaned, raws, paras, ddocs, strict=True):
        kept = [p for p, k in zip(ps, dd.keep, strict=True) if k]
        doc_chunks = chunk_document(m, c.text, kept, settings.chunk_target_words,
                                    settings.chunk_max_words, c.origin, raw.pages)
        chunks.extend(doc_chunks)
        documents[m.doc_id] = {
            "meta": m.model_dump(), "text": c.text, "origin": origin_runs(c.origin),
            "blocks": c.blocks, "raw_kind": raw.kind, "pages": raw.pages, "sha256": raw.sha256,
            "n_chunks": len(doc_chunks), "removed": c.removed,
        }
        files_info[m.file] = {"sha256": raw.sha256, "doc_id": m.doc_id,
                              "chunks": [ch.chunk_id for ch in doc_chunks]}

    fingerprint = _settings_fingerprint(settings)
    if (previous is not None and previous.manifest.get("settings") == fingerprint
            and [ch.chunk_id for ch in previous.chunks] == [ch.chunk_id for ch in chunks]
            and previous.manifest.get("files") == files_info
            and previous.manifest.get("skipped") == [list(s) for s in report.skipped]):
        report.unchanged = True
        report.documents, report.chunks = len(documents), len(chunks)
        report.reused = len(chunks)
        report.index_folder = str(previous.folder)
        report.seconds = time.perf_counter() - t0
        return report

    model = embedder or LocalEmbeddings(settings.embedding_model, settings.embedding_batch_size)
    old_vec: dict[str, np.ndarray] = {}
    old_sent: dict[str, np.ndarray] = {}
    if previous is not None:
        for i, ch in enumerate(previous.chunks):
            old_vec[ch.chunk_id] = previous.vectors[i]
            off = previous.sentence_offsets[i]
            old_sent[ch.chunk_id] = previous.sentence_vectors[off : off + len(ch.sentences)]
    todo = [ch for ch in chunks if ch.chunk_id not in old_vec]
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress:
            progress("embed", done[0], total)

    sentence_texts = [ch.text[s:e] for ch in todo for s, e in ch.sentences]
    total = len(todo) + len(sentence_texts)
    new_vec = embed_texts(model, [embed_text_for(ch) for ch in todo], tick)
    new_sent = embed_texts(model, sentence_texts, tick)
    pos_s = 0
    for pos_v, ch in enumerate(todo):
        old_vec[ch.chunk_id] = new_vec[pos_v]
        n = len(ch.sentences)
        old_sent[ch.chunk_id] = new_sent[pos_s : pos_s + n]
        pos_s += n
    dim = model.dim
    vectors = np.vstack([old_vec[ch.chunk_id] for ch in chunks]) if chunks else np.zeros((0, dim), np.float32)
    sent_parts = [old_sent[ch.chunk_id] for ch in chunks if len(ch.sentences)]
    sentence_vectors = np.vstack(sent_parts) if sent_parts else np.zeros((0, dim), np.float32)
    bm25 = BM25Index.build([embed_text_for(ch) for ch in chunks])
    index_manifest = {
        "embedding_model": settings.embedding_model_id, "dim": dim, "settings": fingerprint,
        "files": files_info, "skipped": [list(s) for s in report.skipped],
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    if progress:
        progress("index", 1, 1)
    folder = write_index(index_dir, index_manifest, chunks, vectors, sentence_vectors, documents, bm25)
    report.documents, report.chunks = len(documents), len(chunks)
    report.embedded, report.reused = len(todo), len(chunks) - len(todo)
    report.index_folder = str(folder)
    report.seconds = time.perf_counter() - t0
    return report
