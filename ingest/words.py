"""The collection's vocabulary with a vector per word, written beside each index version
(``words.npz``) for query expansion: a user's word the collection never uses is matched to
the collection's words nearest in meaning.

Words of a previous version are reused, so an incremental ingest embeds only new words
(the default corpus has about a thousand: 2.4 s on 2 cores the first time)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ingest.embedding import BaseEmbedder
from ingest.text import STOPWORDS

FILE = "words.npz"
WORDS_VERSION = 1  # in the index fingerprint: an index written before words.npz is rewritten
_WORD = re.compile(r"[A-Za-z][a-z-]{3,}")


def vocabulary(texts: Iterable[str]) -> list[str]:
    """Distinct lower-case words of four letters or more, stop words left out."""
    return sorted({w.lower() for t in texts for w in _WORD.findall(t)} - set(STOPWORDS))


def load_words(folder: Path) -> tuple[list[str], np.ndarray] | None:
    """The words and vectors stored with a version, or None (an older version has none)."""
    path = folder / FILE
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        return [str(w) for w in data["words"]], np.asarray(data["vectors"], dtype=np.float32)


def word_vectors(words: list[str], previous: Path | None, model: BaseEmbedder) -> np.ndarray:
    """A vector for each word, reusing those of the previous version's words."""
    old = load_words(previous) if previous is not None else None
    known = dict(zip(old[0], old[1], strict=True)) if old else {}
    todo = [w for w in words if w not in known]
    if todo:
        known.update(zip(todo, model.encode(todo, None), strict=True))
    if not words:
        return np.zeros((0, model.dim), dtype=np.float32)
    return np.vstack([known[w] for w in words]).astype(np.float32)


def save_words(folder: Path, words: list[str], vectors: np.ndarray) -> None:
    with (folder / FILE).open("wb") as fh:
        np.savez(fh, words=np.array(words, dtype=str), vectors=vectors)
