"""The whole ingestion: load → clean → dedup → chunk → embed → index, incrementally."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.acronyms import definitions, expand_text
from assistant.models import Chunk, DocumentMeta
from assistant.settings import Settings
from assistant.textutil import ANALYZER_VERSION
from ingest.bm25 import BM25Index
from ingest.chunk import chunk_document, paragraphs_of
from ingest.clean import clean_text
from ingest.dedup import DedupDoc, deduplicate
from ingest.embed import LocalEmbeddings, embed_texts
from ingest.index import IndexError_, StoredIndex, load_index, summarize_error, write_index
from ingest.load import LoadError, RawDocument, load_file
from ingest.manifest import MANIFEST_NAME, default_meta, read_manifest
from ingest.mapped import origin_runs
from ingest.rules import attested_compounds

log = logging.getLogger(__name__)
CLEANER_VERSION = 5


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


# Bump when what the embedder sees changes: stored vectors of older versions are not reused.
EMBED_TEXT_VERSION = 2


def embed_text_for(chunk: Chunk, acronyms: dict[str, str] | None = None) -> str:
    """What the embedder sees: the section heading gives a passage its context, and acronyms
    its document defines are spelled out ('THB' -> 'trafficking in human beings (THB)')."""
    text = f"{chunk.locator.section}. {chunk.text}" if chunk.locator.section else chunk.text
    return expand_text(text, acronyms) if acronyms else text


def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(
        p for p in corpus_dir.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def _settings_fingerprint(s: Settings) -> dict[str, Any]:
    return {"chunk_target_words": s.chunk_target_words, "chunk_max_words": s.chunk_max_words,
            "cleaner_version": CLEANER_VERSION, "analyzer_version": ANALYZER_VERSION,
            "embed_text_version": EMBED_TEXT_VERSION}


def _failure(stage: str, exc: Exception) -> str:
    """One line for an unexpected error while processing one file."""
    return f"failed while {stage} ({summarize_error(exc)})"


def _previous_version(previous: StoredIndex | None, rel: str, documents: dict[str, Any]
                      ) -> tuple[str, dict[str, Any], list[Chunk], dict[str, Any]] | None:
    """The file's document and passages as the previous index holds them (so a file that
    fails unexpectedly keeps what was already ingested), or None."""
    if previous is None:
        return None
    info = (previous.manifest.get("files") or {}).get(rel)
    if not isinstance(info, dict):
        return None
    doc_id = info.get("doc_id")
    if doc_id not in previous.documents or doc_id in documents:
        return None
    ids = info.get("chunks") or []
    if any(cid not in previous.by_id for cid in ids):
        return None
    return (doc_id, previous.documents[doc_id],
            [previous.chunks[previous.by_id[cid]] for cid in ids], info)


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
    crashed: dict[str, str] = {}  # file -> reason, for failures that are not a LoadError
    for i, path in enumerate(files):
        if progress:
            progress("load", i + 1, len(files))
        rel = str(path.relative_to(corpus_dir))
        try:
            raw = load_file(path, int(settings.max_file_mb * 1e6))
        except LoadError as exc:
            report.skipped.append((rel, exc.reason))
            continue
        except OSError as exc:
            report.skipped.append((rel, f"cannot read ({exc})"))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            crashed[rel] = _failure("loading", exc)
            continue
        report.warnings.extend(raw.warnings)
        meta = manifest.get(rel) or manifest.get(path.name)
        if meta is None:
            try:
                meta = default_meta(path, raw.text, raw.pdf_title)
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
                crashed[rel] = _failure("reading its title", exc)
                continue
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
    for raw, m in list(raws):
        try:
            vocabulary |= attested_compounds(raw.text)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            crashed[m.file] = _failure("reading its vocabulary", exc)
            raws.remove((raw, m))
    cleaned: list[Any] = []
    paras: list[Any] = []
    for raw, m in list(raws):
        try:
            c = clean_text(raw.text, vocabulary)
            ps = paragraphs_of(c.text, c.blocks, m.title)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            crashed[m.file] = _failure("cleaning", exc)
            raws.remove((raw, m))
            continue
        cleaned.append(c)
        paras.append(ps)

    while True:  # chunking failed for a file: drop it and deduplicate the rest again
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
        bad: list[int] = []
        for pos, (c, (raw, m), ps, dd) in enumerate(zip(cleaned, raws, paras, ddocs, strict=True)):
            kept = [p for p, k in zip(ps, dd.keep, strict=True) if k]
            try:
                doc_chunks = chunk_document(m, c.text, kept, settings.chunk_target_words,
                                            settings.chunk_max_words, c.origin, raw.pages)
                document = {
                    "meta": m.model_dump(), "text": c.text, "origin": origin_runs(c.origin),
                    "blocks": c.blocks, "raw_kind": raw.kind, "pages": raw.pages,
                    "sha256": raw.sha256, "n_chunks": len(doc_chunks), "removed": c.removed,
                }
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
                crashed[m.file] = _failure("splitting it into passages", exc)
                bad.append(pos)
                continue
            chunks.extend(doc_chunks)
            documents[m.doc_id] = document
            files_info[m.file] = {"sha256": raw.sha256, "doc_id": m.doc_id,
                                  "chunks": [ch.chunk_id for ch in doc_chunks]}
        if not bad:
            break
        cleaned, raws, paras = ([x for i, x in enumerate(xs) if i not in bad]
                                for xs in (cleaned, raws, paras))
    for rel, reason in sorted(crashed.items()):
        kept_doc = _previous_version(previous, rel, documents)
        if kept_doc is not None:
            doc_id, document, doc_chunks, info = kept_doc
            chunks.extend(doc_chunks)
            documents[doc_id] = document
            files_info[rel] = info
            reason += "; its previously ingested version is kept"
        report.skipped.append((rel, reason))
    report.skipped.sort()

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
    acronyms = {doc_id: definitions(d["text"]) for doc_id, d in documents.items()}
    same_embed_text = (previous is not None and previous.manifest.get("settings", {})
                       .get("embed_text_version") == EMBED_TEXT_VERSION)
    if previous is not None and same_embed_text:
        spans = {ch.chunk_id: ch.sentences for ch in chunks}
        for i, ch in enumerate(previous.chunks):
            old_vec[ch.chunk_id] = previous.vectors[i]
            if spans.get(ch.chunk_id) == ch.sentences:  # same text, same sentence boundaries
                off = previous.sentence_offsets[i]
                old_sent[ch.chunk_id] = previous.sentence_vectors[off : off + len(ch.sentences)]
    todo = [ch for ch in chunks if ch.chunk_id not in old_vec]
    todo_sent = [ch for ch in chunks if ch.chunk_id not in old_sent]
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress:
            progress("embed", done[0], total)

    sentence_texts = [expand_text(ch.text[s:e], acronyms.get(ch.doc_id, {}))
                      for ch in todo_sent for s, e in ch.sentences]
    total = len(todo) + len(sentence_texts)
    both = embed_texts(model, [embed_text_for(ch, acronyms.get(ch.doc_id)) for ch in todo]
                       + sentence_texts, tick)  # one call: batched by length across both
    new_vec, new_sent = both[: len(todo)], both[len(todo) :]
    for pos_v, ch in enumerate(todo):
        old_vec[ch.chunk_id] = new_vec[pos_v]
    pos_s = 0
    for ch in todo_sent:
        n = len(ch.sentences)
        old_sent[ch.chunk_id] = new_sent[pos_s : pos_s + n]
        pos_s += n
    dim = model.dim
    vectors = np.vstack([old_vec[ch.chunk_id] for ch in chunks]) if chunks else np.zeros((0, dim), np.float32)
    sent_parts = [old_sent[ch.chunk_id] for ch in chunks if len(ch.sentences)]
    sentence_vectors = np.vstack(sent_parts) if sent_parts else np.zeros((0, dim), np.float32)
    bm25 = BM25Index.build([embed_text_for(ch, acronyms.get(ch.doc_id)) for ch in chunks])
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
