"""Query expansion from the collection's own vocabulary: a word the collection never uses
('quickest') is joined by the collection's words nearest to it in meaning ('fastest'), so the
sparse side and the term overlap can match a paraphrase.

The collection's words and their vectors are written at ingest (``words.npz``, see
:mod:`ingest.words`); an index without them gets no expansion."""

from __future__ import annotations

import re
from functools import cached_property

import numpy as np

from assistant.retrieval.vocabulary import Vocabulary
from ingest.embedding import BaseEmbedder
from ingest.text import STOPWORDS, stem
from ingest.words import load_words

NEAR = 0.7  # cosine of a collection word to the user's word, to be added
PER_WORD = 2  # collection words added for one unknown word


class Expander:
    def __init__(self, vocab: Vocabulary, embedder: BaseEmbedder) -> None:
        self.vocab = vocab
        self.embedder = embedder

    @cached_property
    def _words(self) -> tuple[list[str], np.ndarray] | None:
        found = load_words(self.vocab.store.folder)
        return found if found and found[0] else None

    def neighbours(self, word: str) -> list[str]:
        if self._words is None:
            return []
        words, vectors = self._words
        sims = vectors @ self.embedder.embed_query_vector(word)
        order = np.argsort(-sims)[:PER_WORD]
        return [words[i] for i in order if sims[i] >= NEAR]

    def expand(self, text: str) -> list[str]:
        """Collection words to add for the words of ``text`` the collection never uses."""
        known = self.vocab.known_terms
        out: list[str] = []
        for w in re.findall(r"[a-z][a-z-]{3,}", text.lower()):
            if w in STOPWORDS or stem(w) in known or w in known:
                continue
            out += [n for n in self.neighbours(w) if n not in out]
        return out
