"""Stage 5 over the corpus: a vector per passage and per sentence, reusing the vectors of an
earlier index version for passages (and sentence boundaries) that have not changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ingest.acronyms import definitions, expand_text
from ingest.config import SentenceVectors
from ingest.documents import Chunk
from ingest.embedding import BaseEmbedder
from ingest.embedding.onnx_model import max_seq_length
from ingest.late import TokenModel, late_text, late_vectors
from ingest.report import CorpusState
from ingest.store import StoredIndex

# Bump when what the embedder sees changes: stored vectors of older versions are not reused.
EMBED_TEXT_VERSION = 2


def embed_text_for(chunk: Chunk, acronyms: dict[str, str] | None = None) -> str:
    """What the embedder sees: the section heading gives a passage its context, and acronyms
    its document defines are spelled out ('THB' -> 'trafficking in human beings (THB)')."""
    text = f"{chunk.locator.section}. {chunk.text}" if chunk.locator.section else chunk.text
    return expand_text(text, acronyms) if acronyms else text


def document_acronyms(state: CorpusState) -> dict[str, dict[str, str]]:
    return {doc_id: definitions(d["text"]) for doc_id, d in state.documents.items()}


@dataclass
class Vectors:
    passages: np.ndarray
    sentences: np.ndarray
    embedded: int  # passages embedded in this run (the rest were reused)


def _reusable(previous: StoredIndex | None, chunks: list[Chunk], mode: SentenceVectors
              ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Stored vectors by chunk id: passages with the same text, and sentence vectors only where
    the sentence boundaries are also the same (and were made the same way)."""
    old_vec: dict[str, np.ndarray] = {}
    old_sent: dict[str, np.ndarray] = {}
    settings = previous.manifest.get("settings", {}) if previous is not None else {}
    if (previous is None or settings.get("embed_text_version") != EMBED_TEXT_VERSION
            or settings.get("sentence_vectors", SentenceVectors.SEPARATE.value) != mode.value):
        return old_vec, old_sent
    spans = {ch.chunk_id: ch.sentences for ch in chunks}
    for i, ch in enumerate(previous.chunks):
        old_vec[ch.chunk_id] = previous.vectors[i]
        if spans.get(ch.chunk_id) == ch.sentences:
            off = previous.sentence_offsets[i]
            old_sent[ch.chunk_id] = previous.sentence_vectors[off : off + len(ch.sentences)]
    return old_vec, old_sent


def _late(todo: list[Chunk], acronyms: dict[str, dict[str, str]],
          old_vec: dict[str, np.ndarray], old_sent: dict[str, np.ndarray], model: TokenModel,
          progress: Callable[[str, int, int], None] | None) -> None:
    """Late chunking: one forward pass per passage sets its vector and its sentences'."""
    done = [0]

    def tick(n: int) -> None:
        done[0] = min(done[0] + n, len(todo))
        if progress:
            progress("embed", done[0], len(todo))
            progress("passages", done[0], len(todo))

    if progress and todo:
        progress("passages", 0, len(todo))
    texts = [late_text(ch, acronyms.get(ch.doc_id)) for ch in todo]
    passages, sentences = late_vectors(model, texts, max_seq_length(model.model_path), tick)
    for ch, vec, sent in zip(todo, passages, sentences, strict=True):
        old_vec[ch.chunk_id], old_sent[ch.chunk_id] = vec, sent


def embed_corpus(state: CorpusState, previous: StoredIndex | None, model: BaseEmbedder,
                 progress: Callable[[str, int, int], None] | None = None,
                 mode: SentenceVectors = SentenceVectors.SEPARATE) -> Vectors:
    chunks = state.chunks
    acronyms = document_acronyms(state)
    old_vec, old_sent = _reusable(previous, chunks, mode)
    # Late chunking needs the token embeddings (the sentence-transformers model, torch or ONNX);
    # another embedder (word hashing, e5) embeds sentences separately.
    if mode is SentenceVectors.LATE and isinstance(model, TokenModel):
        todo = [ch for ch in chunks if ch.chunk_id not in old_vec or ch.chunk_id not in old_sent]
        _late(todo, acronyms, old_vec, old_sent, model, progress)
        return _assemble(chunks, old_vec, old_sent, model.dim, len(todo))
    todo = [ch for ch in chunks if ch.chunk_id not in old_vec]
    todo_sent = [ch for ch in chunks if ch.chunk_id not in old_sent]
    sentence_texts = [expand_text(ch.text[s:e], acronyms.get(ch.doc_id, {}))
                      for ch in todo_sent for s, e in ch.sentences]
    # Each distinct text once: manuals repeat short sentences ('Returns:', headings), a third
    # of the texts of two PDF manuals.
    texts = [embed_text_for(ch, acronyms.get(ch.doc_id)) for ch in todo] + sentence_texts
    distinct = list(dict.fromkeys(texts))
    total = len(distinct)
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress:
            progress("embed", done[0], total)
            if todo:  # the same progress in passages, each counted with its sentences
                progress("passages", min(len(todo), done[0] * len(todo) // total), len(todo))

    if progress and todo:
        progress("passages", 0, len(todo))
    # One call for passages and sentences: batched by length across both.
    vecs = model.encode(distinct, tick)
    row = {t: i for i, t in enumerate(distinct)}
    both = vecs[[row[t] for t in texts]] if texts else vecs
    for pos, ch in enumerate(todo):
        old_vec[ch.chunk_id] = both[pos]
    pos = len(todo)
    for ch in todo_sent:
        old_sent[ch.chunk_id] = both[pos : pos + len(ch.sentences)]
        pos += len(ch.sentences)
    return _assemble(chunks, old_vec, old_sent, model.dim, len(todo))


def _assemble(chunks: list[Chunk], old_vec: dict[str, np.ndarray],
              old_sent: dict[str, np.ndarray], dim: int, embedded: int) -> Vectors:
    passages = (np.vstack([old_vec[ch.chunk_id] for ch in chunks]) if chunks
                else np.zeros((0, dim), np.float32))
    parts = [old_sent[ch.chunk_id] for ch in chunks if ch.sentences]
    sentences = np.vstack(parts) if parts else np.zeros((0, dim), np.float32)
    return Vectors(passages, sentences, embedded)
