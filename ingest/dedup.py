"""Stage 3 — deduplicate: near-duplicate documents and passages.

A republication (e.g. a news site reprinting a press release) is detected by word-shingle
containment. The earliest-dated document is canonical; the copy records ``duplicate_of`` and the
canonical records ``also_published_in``. Sentences of the copy that repeat the canonical text
are not indexed (the original is cited for them); the copy's own sentences are, so what only
the republication says stays searchable and citable.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ingest.documents import DocumentMeta
from ingest.sentences import sentence_spans
from ingest.text import fold

SHINGLE = 5
SENTENCE_SHINGLE = 3  # sentences are compared by word trigrams: one changed word moves few
SENTENCE_SHARED = 0.7  # a copy's sentence with this share of its trigrams in the original repeats it


def shingles(text: str, n: int = SHINGLE) -> set[int]:
    words = re.findall(r"\w+", fold(text))
    if len(words) < n:
        return {hash(" ".join(words))} if words else set()
    return {
        int.from_bytes(hashlib.blake2b(" ".join(words[i : i + n]).encode(), digest_size=8).digest(), "big")
        for i in range(len(words) - n + 1)
    }


def containment(a: set[int], b: set[int]) -> float:
    """Share of ``a``'s shingles found in ``b``."""
    return len(a & b) / len(a) if a else 0.0


@dataclass
class DedupDoc:
    meta: DocumentMeta
    paragraphs: list[str]  # the passages that would be indexed
    keep: list[bool]
    # per paragraph: None (all of it, if kept) or the runs of its own sentences to keep
    parts: list[list[tuple[int, int]] | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.parts:
            self.parts = [None] * len(self.paragraphs)


@dataclass
class DedupReport:
    duplicates: list[tuple[str, str]]  # (copy doc_id, canonical doc_id)
    passages_dropped: int


def _date_key(meta: DocumentMeta) -> str:
    return meta.date or "9999"


def deduplicate(docs: list[DedupDoc], doc_threshold: float = 0.7,
                passage_threshold: float = 0.6) -> DedupReport:
    """Mark duplicate documents/passages in place (``meta`` and ``keep`` are updated)."""
    doc_sh = [shingles(" ".join(d.paragraphs)) for d in docs]
    order = sorted(range(len(docs)), key=lambda i: (_date_key(docs[i].meta), docs[i].meta.doc_id))
    duplicates: list[tuple[str, str]] = []
    canon_of: dict[int, int] = {}
    for pos, i in enumerate(order):
        for j in order[:pos]:
            if j in canon_of:
                continue
            if containment(doc_sh[i], doc_sh[j]) >= doc_threshold:
                canon_of[i] = j
                break
    for i, j in canon_of.items():
        copy, canon = docs[i].meta, docs[j].meta
        copy.duplicate_of = canon.doc_id
        canon.also_published_in.append(
            {"doc_id": copy.doc_id, "title": copy.title, "publisher": copy.publisher,
             "date": copy.date, "url": copy.url}
        )
        duplicates.append((copy.doc_id, canon.doc_id))
    dropped = 0
    seen: dict[str, int] = {}
    canon_grams: dict[int, set[int]] = {}
    for i in order:
        d = docs[i]
        original = docs[canon_of[i]] if i in canon_of else None
        for k, para in enumerate(d.paragraphs):
            key = fold(para)
            if key in seen and seen[key] != i:
                d.keep[k] = False
            elif original is not None and containment(shingles(para), doc_sh[canon_of[i]]) >= \
                    passage_threshold:
                runs = own_sentences(para, canon_grams.setdefault(
                    canon_of[i], shingles(" ".join(original.paragraphs), SENTENCE_SHINGLE)))
                d.keep[k] = bool(runs)
                d.parts[k] = runs if runs != [(0, len(para))] else None
            else:
                seen.setdefault(key, i)
            dropped += 0 if d.keep[k] else 1
    return DedupReport(duplicates=duplicates, passages_dropped=dropped)


def own_sentences(para: str, canon_grams: set[int]) -> list[tuple[int, int]]:
    """Runs of consecutive sentences of ``para`` that the original does not contain (compared
    by word trigrams, so 'Internet' vs 'the internet' is still the same sentence)."""
    runs: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for s, e in sentence_spans(para):
        shared = containment(shingles(para[s:e], SENTENCE_SHINGLE), canon_grams) >= SENTENCE_SHARED
        if shared:
            if cur is not None:
                runs.append(cur)
            cur = None
        else:
            cur = (cur[0] if cur else s, e)
    if cur is not None:
        runs.append(cur)
    if runs and runs[0][0] == 0 and runs[-1][1] == len(para.rstrip()) and len(runs) == 1:
        return [(0, len(para))]
    return runs
