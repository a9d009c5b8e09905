"""Every sentence of the retrieved passages scored against the question: embedding similarity,
idf-weighted term overlap, the passage's own similarity, a bonus for offering the kind of
answer asked for, and relevance shared with the sentence a connective leans on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.answering.answer_type import (
    defines,
    expected_type,
    inherited_share,
    is_item,
    offers,
    spelled_acronyms,
    wanted_ordinal,
)
from assistant.answering.extractive.promo import PENALTY, promotional
from assistant.core.citations import publisher_short
from assistant.core.models import SearchResult
from assistant.retrieval.retriever import Retriever
from ingest.acronyms import expand
from ingest.documents import Chunk
from ingest.text import content_terms, unquoted

PASSAGE_GAP = 3  # characters (blank lines) between a passage's last sentence and the next's first


@dataclass
class ScoredSentence:
    result: SearchResult
    rank: int
    start: int
    end: int
    row: int  # row in the sentence-vector matrix
    k: int  # sentence number inside its passage
    sim: float
    overlap: float
    score: float
    own: float = 0.0  # the score on its own evidence (``score`` may be inherited from the one before)
    k_end: int | None = None  # last sentence of the excerpt when it spans several
    relevance: float = 0.0  # ``score`` before the answer-type bonus

    @property
    def inherited(self) -> bool:
        return self.score > self.own + 1e-9

    @property
    def text(self) -> str:
        return self.result.chunk.text[self.start : self.end]


TYPE_BOOST = 0.12  # a sentence offering the kind of answer asked for (date, figure, name)
DEFINES_BOOST = 0.3  # a sentence spelling out the acronym the question asks about
DEFINING_MAX = 3  # passages spelling it out added to those read
CONTEXT_WEIGHT = 0.5  # weight of the sentence before in a sentence's vector read in context


def in_context(vectors: np.ndarray, qvec: np.ndarray) -> np.ndarray:
    """Each sentence's similarity to ``qvec``: the better of the sentence alone and the
    sentence read with the one before it (their vectors' normalised weighted mean). 'Liability
    should be based on a "should have known" standard.' is about platforms' liability only
    through the sentence before it."""
    own = vectors @ qvec
    if len(vectors) < 2:
        return own
    v = vectors.astype(np.float32)
    joined = (1 - CONTEXT_WEIGHT) * v[1:] + CONTEXT_WEIGHT * v[:-1]
    joined /= np.maximum(np.linalg.norm(joined, axis=1, keepdims=True), 1e-12)
    own[1:] = np.maximum(own[1:], joined @ qvec)
    return own


class SentenceScorer:
    """Scores the sentences of retrieved passages against a question."""

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever
        # Facts of the loaded index version, kept with it: an answerer is built per question,
        # and tokenising the same passages again each time was a third of the answer's cost.
        memo = retriever.__dict__.setdefault("_scorer_memo", ({}, {}, {}))
        self._terms: dict[int, list[set[str]]] = memo[0]
        self._doc_terms: dict[str, set[str]] = memo[1]
        self._promo: dict[int, bool] = memo[2]

    def sentence_terms(self, idx: int) -> list[set[str]]:
        """The words of each sentence of passage ``idx`` (stemmed, acronyms expanded)."""
        if idx not in self._terms:
            c = self.retriever.store.chunks[idx]
            acr = self.retriever.vocab.acronyms
            self._terms[idx] = [expand(set(content_terms(c.text[s:e])), acr) for s, e in c.sentences]
        return self._terms[idx]

    def _promotional(self, idx: int) -> bool:
        if idx not in self._promo:
            self._promo[idx] = promotional(self.retriever.store.chunks[idx].text)
        return self._promo[idx]

    def doc_terms(self, doc_id: str) -> set[str]:
        """Words of a document's title and publisher: every sentence of it speaks for them. Not
        its kind ('position paper'): 'does the OSCE name any company in its paper?' is not
        about every sentence of Equality Now's paper."""
        if doc_id not in self._doc_terms:
            meta = self.retriever.store.meta(doc_id)
            self._doc_terms[doc_id] = set(content_terms(
                f"{meta.title} {meta.publisher} {publisher_short(meta.publisher)}"))
        return self._doc_terms[doc_id]

    def score(self, question: str, qvec: np.ndarray, results: list[SearchResult]) -> list[ScoredSentence]:
        store = self.retriever.store
        bm25 = store.bm25
        q_terms = set(content_terms(question))
        weights = {t: bm25.term_idf(t) for t in q_terms}
        total = sum(weights.values()) or 1.0
        want = expected_type(question)
        ordinal = wanted_ordinal(question)
        acronyms = spelled_acronyms(question, self.retriever.vocab.acronym_forms)
        out: list[ScoredSentence] = []
        for rank, r in enumerate(results):
            idx = r.index
            base = store.sentence_offsets[idx]
            terms = self.sentence_terms(idx)
            meta_terms = self.doc_terms(r.chunk.doc_id)
            n = len(r.chunk.sentences)
            if n == 0:
                continue
            sims = in_context(store.sentence_vectors[base : base + n], qvec)
            penalty = PENALTY if self._promotional(idx) else 0.0
            prev: ScoredSentence | None = None
            for k, (s, e) in enumerate(r.chunk.sentences):
                text = r.chunk.text[s:e]
                have = terms[k] | meta_terms
                overlap = sum(w for t, w in weights.items() if t in have) / total
                sim = float(sims[k])
                relevance = 0.6 * sim + 0.4 * overlap + 0.1 * max(r.dense_score, 0) - penalty
                bonus = 0.0
                if want and offers(text, want):
                    bonus += TYPE_BOOST
                if ordinal and is_item(text, ordinal):
                    bonus += TYPE_BOOST  # 'the third recommendation' -> the item numbered 3
                if any(defines(text, a) for a in acronyms):
                    bonus += DEFINES_BOOST  # 'what does THB stand for?' -> '… beings (THB)'

                own = relevance + bonus
                share = inherited_share(text) if prev is not None else 0.0
                if prev is not None and share:
                    # It continues the sentence before: it shares that one's relevance (and is
                    # quoted with it), but offers the kind of answer asked for on its own.
                    relevance = max(relevance, prev.relevance * share)
                cur = ScoredSentence(r, rank, s, e, base + k, k, sim, overlap, relevance + bonus, own,
                                     relevance=relevance)
                out.append(cur)
                prev = cur
        out.sort(key=lambda x: -x.score)
        return out


def continue_from(scored: list[ScoredSentence], seen: list[str]) -> list[ScoredSentence]:
    """For 'what else…' follow-ups: the sentences right after what was already quoted are the
    natural continuation, so they gain weight, also when the next passage opens with one."""
    seen_f = [unquoted(x) for x in seen]
    shown = [s for s in scored if any(unquoted(s.text) in x for x in seen_f)]
    quoted = {(s.result.chunk.chunk_id, s.k) for s in shown}
    ends = {(s.result.chunk.doc_id, s.result.chunk.start + s.end) for s in shown}
    for s in scored:
        if (s.result.chunk.chunk_id, s.k) in quoted:
            continue
        begins = s.result.chunk.start + s.start
        if (s.result.chunk.chunk_id, s.k - 1) in quoted or (s.k == 0 and any(
                (s.result.chunk.doc_id, begins - gap) in ends for gap in range(PASSAGE_GAP + 1))):
            s.score += 0.25
    return sorted(scored, key=lambda x: -x.score)


def with_definitions(question: str, results: list[SearchResult], retriever: Retriever
                     ) -> list[SearchResult]:
    """``results``, and the passages that spell out an acronym the question asks about ('what
    does THB stand for?'), which a search on a word every passage uses may not bring."""
    acronyms = spelled_acronyms(question, retriever.vocab.acronym_forms)
    if not acronyms:
        return results
    return with_passages(results, retriever,
                         lambda c: any(defines(c.text, a) for a in acronyms))


def with_passages(results: list[SearchResult], retriever: Retriever,
                  holds: Callable[[Chunk], bool]) -> list[SearchResult]:
    """``results``, and up to DEFINING_MAX passages the search did not bring that ``holds``
    (a definition, which a search on a word every passage uses may not bring)."""
    have = {r.index for r in results}
    extra = [SearchResult(chunk=c, score=0.0, index=i)
             for i, c in enumerate(retriever.store.chunks) if i not in have and holds(c)]
    return results + extra[:DEFINING_MAX]


def leading(scored: list[ScoredSentence], chosen: list[ScoredSentence]) -> list[ScoredSentence]:
    """``scored`` with the ``chosen`` sentences first, each scored just above the best: the
    structure or the kind of sentence answers, whatever words it shares with the question."""
    top = max(s.score for s in scored)
    for s in chosen:
        s.score = s.own = top + 0.01
    return sorted(scored, key=lambda x: -x.score)
