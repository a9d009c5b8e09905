"""Which scored sentences an answer quotes, and how they become excerpts a reader can follow."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import replace

import numpy as np

from assistant.answering.answer_type import (
    continues_list,
    continues_quotation,
    inherited_share,
    is_lead_in,
    responds_to_previous,
)
from assistant.answering.base import quotable
from assistant.answering.extractive.scoring import ScoredSentence
from ingest.documents import Chunk
from ingest.text import fold, unquoted

LIST_ITEMS_MAX = 6  # list items quoted after a lead-in sentence ('...including:')
RELATIVE_CUTOFF = 0.75  # keep sentences scoring at least this share of the best one
NEAR_REPEAT = 0.85  # cosine above which two sentences are the same evidence
OTHER_SOURCE_CUTOFF = 0.7  # a second document's best sentence joins if this share of the best


def select(scored: list[ScoredSentence], vectors: np.ndarray, max_n: int, floor: float,
           exclude: list[str] | None = None, relative_cutoff: float = RELATIVE_CUTOFF,
           near_repeat: float = NEAR_REPEAT,
           other_source_cutoff: float = OTHER_SOURCE_CUTOFF) -> list[ScoredSentence]:
    """Best sentences, skipping near-repeats of each other and of text the user has seen.

    When every pick comes from one document, the best sentence of another document joins them
    if it is still strong evidence (``other_source_cutoff`` of the best): a second source's view
    is worth more to a policymaker than a fifth sentence from the first."""
    exclude_f = [unquoted(x) for x in exclude or []]
    picked: list[ScoredSentence] = []
    candidates: list[ScoredSentence] = []
    top = None

    def repeats(s: ScoredSentence) -> bool:
        return any(float(vectors[s.row] @ vectors[p.row]) > near_repeat or fold(s.text) == fold(p.text)
                   for p in picked)

    for s in scored:
        if not quotable(s.text):
            continue  # headings, list stubs
        if exclude_f and any(unquoted(s.text) in x for x in exclude_f):
            continue
        if top is None:
            top = s.score
        if s.score < max(floor, top * other_source_cutoff):
            break
        candidates.append(s)
    for s in candidates:
        if top is not None and s.score < top * relative_cutoff:
            break
        if not repeats(s):
            picked.append(s)
        if len(picked) == max_n:
            break
    docs = {p.result.chunk.doc_id for p in picked}
    if len(docs) == 1:
        other = next((s for s in candidates
                      if s.result.chunk.doc_id not in docs and not repeats(s)), None)
        if other is not None:
            picked = picked[: max_n - 1] + [other]
    return picked


def run_on(chunk: Chunk, k: int, taken: Container[int] = ()) -> int:
    """The last sentence reached from sentence ``k`` through list items that run on into the
    next ('…; and', '…;'), at most LIST_ITEMS_MAX sentences from ``k``, stopping before one
    that is ``taken``."""
    last = min(len(chunk.sentences), k + LIST_ITEMS_MAX)
    while k + 1 < last and k + 1 not in taken and \
            continues_list(chunk.text[chunk.sentences[k][0] : chunk.sentences[k][1]]):
        k += 1
    return k


def extend_lead_in(chunk: Chunk, k: int, end: int) -> int:
    """A sentence that announces a list ('…including:') is quoted with the items that follow,
    up to the item that closes the list ('…; and' runs on into the last one)."""
    if not is_lead_in(chunk.text[chunk.sentences[k][0] : end]) or k + 1 >= len(chunk.sentences):
        return end
    return chunk.sentences[run_on(chunk, k + 1)][1]


def assemble(picked: list[ScoredSentence]) -> list[ScoredSentence]:
    """Turn picked sentences into excerpts a reader can follow, best first:

    * a sentence that leans on the one before ('One example is…') is quoted with it;
    * picks that follow each other in one passage become one excerpt;
    * a short reply to an excerpt's last sentence ('We agree, but add…') completes it."""
    spans: list[list[int]] = []  # [lo, hi] sentence numbers per excerpt, parallel to ``out``
    out: list[ScoredSentence] = []
    owner: dict[tuple[str, int], int] = {}
    for p in picked:
        cid = p.result.chunk.chunk_id
        if (cid, p.k) in owner:
            continue
        leans = p.inherited or inherited_share(p.text) > 0  # scored high alone or not
        lo = p.k - 1 if leans and p.k > 0 and (cid, p.k - 1) not in owner else p.k
        for j in (owner.get((cid, lo - 1)), owner.get((cid, p.k + 1))):
            if j is not None:  # touches an excerpt already made: grow that one
                spans[j] = [min(spans[j][0], lo), max(spans[j][1], p.k)]
                for k in range(spans[j][0], spans[j][1] + 1):
                    owner[(cid, k)] = j
                break
        else:
            spans.append([lo, p.k])
            out.append(p)
            for k in range(lo, p.k + 1):
                owner[(cid, k)] = len(out) - 1
    result: list[ScoredSentence] = []
    for p, (lo, hi) in zip(out, spans, strict=True):
        sents = p.result.chunk.sentences
        text = p.result.chunk.text
        taken = {k for c, k in owner if c == p.result.chunk.chunk_id}
        if hi + 1 < len(sents) and hi + 1 not in taken and (
                responds_to_previous(text[sents[hi + 1][0] : sents[hi + 1][1]])
                or continues_quotation(text[sents[hi][0] : sents[hi][1]],
                                       text[sents[hi + 1][0] : sents[hi + 1][1]])):
            hi += 1
        hi = run_on(p.result.chunk, hi, taken)  # '…; and' runs on into the next item
        result.append(replace(p, start=sents[lo][0], end=sents[hi][1], k_end=hi))
    return result
