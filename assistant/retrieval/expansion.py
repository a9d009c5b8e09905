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

NEAR = 0.7  # cosine of a collection word to the user's word, to be added
PER_WORD = 2  # collection words added for one unknown word


# a count says how many, not what: 'three aims' is not about 'third' things
_NUMBERS = frozenset(["three", "four", "five", "seven", "eight", "nine", "eleven", "twelve",
                      "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand",
                      "million", "dozen", "dozens"])


class Expander:
    def __init__(self, vocab: Vocabulary, embedder: BaseEmbedder) -> None:
        self.vocab = vocab
        self.embedder = embedder
        self._seen: dict[str, list[str]] = {}  # user word -> its collection neighbours
        self._closest: dict[str, float] = {}  # user word -> cosine of its nearest collection word

    @cached_property
    def _words(self) -> tuple[list[str], np.ndarray] | None:
        found = self.vocab.store.words()
        return found if found and found[0] else None

    def expand(self, text: str) -> list[str]:
        """Collection words to add for the words of ``text`` the collection never uses. The
        unknown words are embedded in one batch, and remembered across questions."""
        if self._words is None:
            return []
        known = self.vocab.known_terms
        unknown = [w for w in dict.fromkeys(re.findall(r"[a-z][a-z-]{3,}", text.lower()))
                   if w not in STOPWORDS and w not in _NUMBERS and w not in known
                   and stem(w) not in known]
        self._neighbours([w for w in unknown if w not in self._seen])
        out: list[str] = []
        for w in unknown:
            out += [n for n in self._seen[w] if n not in out]
        return out

    def closest(self, word: str) -> float:
        """The cosine of the collection's word nearest in meaning to ``word`` (1.0 for a word
        it uses; 0.0 without the collection's words)."""
        w = word.lower()
        if w in self.vocab.known_terms or stem(w) in self.vocab.known_terms:
            return 1.0
        if self._words is None:
            return 0.0
        if w not in self._closest:
            self._neighbours([w])
        return self._closest[w]

    def _neighbours(self, todo: list[str]) -> None:
        """Embeds the words of ``todo`` in one batch and remembers, for each, its nearest
        collection words (those at NEAR or closer) and the cosine of the nearest one."""
        if not todo or self._words is None:
            return
        words, vectors = self._words
        sims = vectors @ np.asarray(self.embedder.encode(todo), dtype=np.float32).T
        for j, w in enumerate(todo):
            order = np.argsort(-sims[:, j])[:PER_WORD]
            self._seen[w] = [words[i] for i in order if sims[i, j] >= NEAR]
            self._closest[w] = float(sims[order[0], j])
