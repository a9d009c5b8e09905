"""Where the same sentence stands in several documents: which one is the original.

A republication, or a later document that repeats a sentence of an earlier one, must not take
the citation away from the source. The original is the document another one was recorded as a
copy of, else the earliest dated one (undated documents count as latest, and documents of the
manifest come before files a user dropped in). The others are named as "also in".
"""

from __future__ import annotations

import hashlib
from functools import cached_property

from ingest.store import StoredIndex
from ingest.text import fold

MIN_WORDS = 6  # shorter sentences ('Read more.') may repeat by chance


def _key(text: str) -> str:
    return hashlib.blake2b(fold(text).encode(), digest_size=12).hexdigest()


class Origins:
    def __init__(self, store: StoredIndex) -> None:
        self.store = store

    @cached_property
    def _rows(self) -> dict[str, list[tuple[int, int]]]:
        """Folded sentence -> every (passage row, sentence number) that holds it."""
        out: dict[str, list[tuple[int, int]]] = {}
        for row, c in enumerate(self.store.chunks):
            for k, (s, e) in enumerate(c.sentences):
                if len(c.text[s:e].split()) >= MIN_WORDS:
                    out.setdefault(_key(c.text[s:e]), []).append((row, k))
        return out

    def rank(self, doc_id: str) -> tuple[int, str, int, str]:
        """Sort key: originals first."""
        meta = self.store.documents[doc_id]["meta"]
        copy = 1 if meta.get("duplicate_of") else 0
        date = str(meta.get("date") or "")
        return (copy, date or "9999", 0 if meta.get("in_manifest", True) else 1, doc_id)

    def original(self, row: int, k: int) -> tuple[int, int]:
        """The (row, sentence) of the original occurrence of sentence ``k`` of passage ``row``."""
        c = self.store.chunks[row]
        s, e = c.sentences[k]
        places = self._rows.get(_key(c.text[s:e])) if len(c.text[s:e].split()) >= MIN_WORDS \
            else None
        if not places or len(places) == 1:
            return row, k
        return min(places, key=lambda p: self.rank(self.store.chunks[p[0]].doc_id))

    def also_in(self, doc_id: str, excerpt: str) -> list[str]:
        """The other documents whose text contains ``excerpt`` (republications included)."""
        if len(excerpt.split()) < MIN_WORDS:
            return []
        needle = fold(excerpt)
        return [d for d, doc in self.store.documents.items()
                if d != doc_id and needle in self._folded(d)]

    def uses(self, doc_id: str, words: str) -> bool:
        """Whether the document's whole text uses the words, the sentences a republication
        shares with its original included (they are indexed under the original only)."""
        return fold(words) in self._folded(doc_id)

    def _folded(self, doc_id: str) -> str:
        cache = self.__dict__.setdefault("_folded_docs", {})
        if doc_id not in cache:
            cache[doc_id] = fold(str(self.store.documents[doc_id].get("text", "")))
        return str(cache[doc_id])
