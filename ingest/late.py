"""Late chunking (Günther et al. 2024, arXiv 2409.04701): one forward pass per passage gives
both the passage vector and its sentence vectors.

The passage is tokenised once (the model folder's ``tokenizer.json``, with character offsets);
the transformer's token embeddings of that pass are mean-pooled over all tokens for the passage
(exactly what sentence-transformers' mean pooling does) and over each sentence's own tokens for
that sentence. A passage longer than the model's window (256 tokens for MiniLM) is cut into
overlapping windows, and each token keeps its embedding from the window in which it sits
furthest from an edge, so every token saw context on both sides where there was any.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from ingest.acronyms import expand_text
from ingest.documents import Chunk

OVERLAP = 64  # content tokens shared by neighbouring windows of a long passage

Span = tuple[int, int]


@runtime_checkable
class TokenModel(Protocol):
    model_path: str
    batch_size: int

    def token_embeddings(self, feeds: dict[str, np.ndarray]) -> np.ndarray: ...


def late_text(chunk: Chunk, acronyms: dict[str, str] | None) -> tuple[str, list[Span]]:
    """What the embedder reads for the passage (as :func:`ingest.vectors.embed_text_for`: the
    section heading, then the text with defined acronyms spelled out) and where each sentence
    lies in it. Pieces are expanded one by one so the sentence offsets stay exact."""
    def grow(t: str) -> str:
        return expand_text(t, acronyms) if acronyms else t

    pieces = [grow(f"{chunk.locator.section}. ") if chunk.locator.section else ""]
    pos, prev, spans = len(pieces[0]), 0, []
    for s, e in chunk.sentences:
        gap, sent = grow(chunk.text[prev:s]), grow(chunk.text[s:e])
        spans.append((pos + len(gap), pos + len(gap) + len(sent)))
        pieces += [gap, sent]
        pos += len(gap) + len(sent)
        prev = e
    pieces.append(grow(chunk.text[prev:]))
    return "".join(pieces), spans


@dataclass
class _Window:
    text: int  # which passage
    start: int  # its first content token
    ids: list[int]  # [CLS] content[start:end] [SEP]


def windows(n_content: int, size: int) -> list[Span]:
    """Content-token ranges of at most ``size`` tokens covering ``0..n_content``."""
    if n_content <= size:
        return [(0, n_content)]
    step = size - OVERLAP
    starts = list(range(0, n_content - size, step)) + [n_content - size]
    return [(s, s + size) for s in starts]


def _owner(ranges: list[Span], n_content: int) -> np.ndarray:
    """For each content token, the window in which it is furthest from an edge."""
    pos = np.arange(n_content)[:, None]
    starts = np.array([a for a, _ in ranges])[None, :]
    ends = np.array([b for _, b in ranges])[None, :]
    margin = np.minimum(pos - starts, ends - 1 - pos)
    return np.argmax(np.where((pos >= starts) & (pos < ends), margin, -1), axis=1)


def _forward(model: TokenModel, batch: list[_Window]) -> list[np.ndarray]:
    width = max(len(w.ids) for w in batch)
    ids = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, w in enumerate(batch):
        ids[i, : len(w.ids)] = w.ids
        mask[i, : len(w.ids)] = 1
    out = model.token_embeddings({"input_ids": ids, "attention_mask": mask,
                                  "token_type_ids": np.zeros_like(ids)})
    return [out[i, : len(w.ids)] for i, w in enumerate(batch)]


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


def _pool(tokens: np.ndarray, offsets: list[Span], spans: list[Span]) -> list[np.ndarray]:
    """The mean of each span's tokens (content tokens only; offsets are in characters)."""
    starts = np.array([a for a, _ in offsets])
    ends = np.array([b for _, b in offsets])
    out = []
    for s, e in spans:
        inside = (starts >= s) & (ends <= e) & (ends > starts)
        if not inside.any():  # a span inside one token: the tokens it touches
            inside = (starts < e) & (ends > s)
        out.append(_unit(tokens[inside].mean(axis=0)) if inside.any()
                   else np.zeros(tokens.shape[1], np.float32))
    return out


def late_vectors(model: TokenModel, texts: list[tuple[str, list[Span]]], max_len: int = 256,
                 progress: Callable[[int], None] | None = None
                 ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Passage vectors and each passage's sentence vectors (rows in sentence order), from one
    forward pass per passage (per window of a long one)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model.model_path) / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    encoded = tok.encode_batch([t for t, _ in texts])
    plan: list[_Window] = []
    ranges: list[list[Span]] = []
    for i, enc in enumerate(encoded):
        ids = enc.ids[1:-1]
        ranges.append(windows(len(ids), max_len - 2))
        plan += [_Window(i, a, [enc.ids[0], *ids[a:b], enc.ids[-1]]) for a, b in ranges[i]]
    states: dict[tuple[int, int], np.ndarray] = {}
    order = sorted(range(len(plan)), key=lambda j: -len(plan[j].ids))
    for k in range(0, len(order), model.batch_size):
        batch = [plan[j] for j in order[k : k + model.batch_size]]
        for w, out in zip(batch, _forward(model, batch), strict=True):
            states[(w.text, w.start)] = out
        if progress:
            progress(len(batch))
    passages, sentences = [], []
    for i, enc in enumerate(encoded):
        outs = [states[(i, a)] for a, _ in ranges[i]]
        n = len(enc.ids) - 2
        owner = _owner(ranges[i], n)
        content = np.stack([outs[o][1 + p - ranges[i][o][0]] for p, o in enumerate(owner)]
                           ) if n else np.zeros((0, outs[0].shape[1]), np.float32)
        every = np.vstack([outs[0][:1], content, outs[-1][-1:]])  # [CLS] … [SEP]
        passages.append(_unit(every.mean(axis=0)))
        pooled = _pool(content, list(enc.offsets[1:-1]), texts[i][1])
        sentences.append(np.array(pooled, dtype=np.float32) if pooled
                         else np.zeros((0, content.shape[1]), np.float32))
    return np.array(passages, dtype=np.float32), sentences
