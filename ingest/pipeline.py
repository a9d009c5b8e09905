"""The whole ingestion, as a sequence of stage calls: load → clean → dedup and chunk → embed →
index. Incremental: only new or changed passages are embedded, and an unchanged corpus writes
nothing. A file that fails at any stage is reported and keeps its previous version
(:class:`~ingest.report.Failures`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ingest.bm25 import BM25Index
from ingest.chunk import chunk_corpus
from ingest.clean import clean_all
from ingest.collect import read_corpus
from ingest.config import IngestConfig, SentenceVectors
from ingest.embedding import BaseEmbedder, ensure_export, make_ingest_embedder
from ingest.index import IndexError_, check_room, load_index, write_index
from ingest.late import TokenModel
from ingest.lock import Holder, IngestLock, remove_leftovers
from ingest.report import CorpusState, Failures, IngestReport, summarize_error
from ingest.store import StoredIndex
from ingest.text import ANALYZER_VERSION
from ingest.vectors import (
    EMBED_TEXT_VERSION,
    Vectors,
    document_acronyms,
    embed_corpus,
    embed_text_for,
)
from ingest.words import WORDS_VERSION, vocabulary, word_vectors

CLEANER_VERSION = 7  # 7: words a dead link repeats are dropped

Progress = Callable[[str, int, int], None]


def fingerprint(config: IngestConfig) -> dict[str, Any]:
    """Everything besides the files that decides what an index holds."""
    return {"chunk_target_words": config.chunk_target_words,
            "chunk_max_words": config.chunk_max_words, "cleaner_version": CLEANER_VERSION,
            "analyzer_version": ANALYZER_VERSION, "embed_text_version": EMBED_TEXT_VERSION,
            "words_version": WORDS_VERSION,
            "sentence_vectors": config.sentence_vectors.value,
            "sentence_dtype": config.sentence_dtype.value}


def _previous(config: IngestConfig, report: IngestReport, rebuild: bool) -> StoredIndex | None:
    """The live version. A rebuild reuses no vectors, but still keeps the last good text of a
    file that fails now, so it loads whatever model built it."""
    try:
        return load_index(config.index_dir, None if rebuild else config.embedding.model_id)
    except IndexError_ as exc:
        if (config.index_dir / "CURRENT").exists() and not rebuild:
            report.warnings.append(f"previous index not reused: {exc}")
        return None


def _unchanged(previous: StoredIndex | None, state: CorpusState, config: IngestConfig,
               report: IngestReport) -> bool:
    return (previous is not None and previous.manifest.get("settings") == fingerprint(config)
            and [c.chunk_id for c in previous.chunks] == [c.chunk_id for c in state.chunks]
            and previous.manifest.get("files") == state.files
            and previous.manifest.get("skipped") == [list(s) for s in report.skipped]
            and previous.manifest.get("kept", []) == [list(s) for s in report.kept])


def _write(config: IngestConfig, state: CorpusState, vectors: Vectors, model: BaseEmbedder,
           previous: StoredIndex | None, report: IngestReport) -> str:
    acronyms = document_acronyms(state)
    bm25 = BM25Index.build([embed_text_for(c, acronyms.get(c.doc_id)) for c in state.chunks])
    words = vocabulary(c.text for c in state.chunks)
    word_vecs = word_vectors(words, previous.folder if previous else None, model)
    manifest = {"embedding_model": config.embedding.model_id, "dim": model.dim,
                "settings": fingerprint(config), "files": state.files,
                "skipped": [list(s) for s in report.skipped],
                "kept": [list(s) for s in report.kept],
                "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
    sentences = vectors.sentences.astype(config.sentence_dtype.value)
    folder = write_index(config.index_dir, manifest, state.chunks, vectors.passages,
                         sentences, state.documents, bm25, (words, word_vecs))
    return str(folder)


def _export_for_questions(config: IngestConfig, report: IngestReport) -> None:
    """Write the model's ONNX export for question time when it is missing (once per model and
    cache folder, a few seconds). A failure is a warning: questions then use torch."""
    try:
        written = ensure_export(config.embedding)
    except Exception as exc:  # noqa: BLE001 - the index is built; only question speed suffers
        report.warnings.append(f"the ONNX export of the embedding model was not written "
                               f"({summarize_error(exc)}); questions are embedded with torch")
        return
    if written is not None:
        report.query_export = str(written)


def run_ingest(config: IngestConfig, rebuild: bool = False, embedder: BaseEmbedder | None = None,
               progress: Progress | None = None, wait: bool = True,
               on_wait: Callable[[Holder | None], None] | None = None) -> IngestReport:
    """Ingest ``config.corpus_dir`` into ``config.index_dir``, holding the index folder's ingest
    lock from reading the previous version to replacing it (:mod:`ingest.lock`): a second ingest
    waits (``on_wait`` is told who holds it) or, with ``wait=False``, raises
    :class:`~ingest.lock.IngestBusyError`. An index folder that cannot be written raises
    :class:`~ingest.lock.IndexNotWritableError` before any embedding."""
    t0 = time.perf_counter()
    if not config.corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {config.corpus_dir}")
    with IngestLock(config.index_dir, wait=wait, on_wait=on_wait) as lock:
        report = IngestReport()
        if lock.stale is not None:
            report.warnings.append(f"the previous ingest ({lock.stale.describe()}) stopped "
                                   "before finishing; its lock was stale")
        removed = remove_leftovers(config.index_dir)
        if removed:
            report.warnings.append(f"removed {len(removed)} half-built version folder(s) left "
                                   "by an interrupted ingest")
        _ingest_locked(config, rebuild, embedder, progress, report)
    _export_for_questions(config, report)
    report.seconds = time.perf_counter() - t0
    return report


def _ingest_locked(config: IngestConfig, rebuild: bool, embedder: BaseEmbedder | None,
                   progress: Progress | None, report: IngestReport) -> None:
    stored = _previous(config, report, rebuild)
    previous = None if rebuild else stored  # whose vectors and files are reused
    failures = Failures(stored)
    loaded = read_corpus(config, report, failures, progress)
    cleaned = clean_all(loaded, failures)
    state = chunk_corpus(cleaned, config, report, failures)
    failures.restore(state, report)
    report.documents, report.chunks = len(state.documents), len(state.chunks)
    if _unchanged(previous, state, config, report):
        assert previous is not None
        report.unchanged, report.reused = True, len(state.chunks)
        report.index_folder = str(previous.folder)
        return
    if embedder is None:  # the ONNX ingest runtime embeds with the export: write it first
        _export_for_questions(config, report)
    model = embedder or make_ingest_embedder(config.embedding)
    if config.sentence_vectors is SentenceVectors.LATE and not isinstance(model, TokenModel):
        report.warnings.append(f"late chunking needs the token embeddings of a sentence-"
                               f"transformers model; {model.model_id} embeds sentences "
                               "separately")
    check_room(config.index_dir, state, model.dim)
    vectors = embed_corpus(state, previous, model, progress, config.sentence_vectors)
    if progress:
        progress("index", 1, 1)
    report.index_folder = _write(config, state, vectors, model, previous, report)
    report.embedded, report.reused = vectors.embedded, len(state.chunks) - vectors.embedded
