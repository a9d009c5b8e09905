"""The embedded default answerer: verbatim sentences of the sources, attributed and cited.

No language model: retrieved passages are split into sentences (boundaries computed at ingest
with pysbd), each sentence is scored against the question (embedding similarity, idf-weighted
term overlap, rank of its passage), redundant ones are dropped, and 1-5 are quoted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from assistant.acronyms import expand
from assistant.answer_type import (
    continues_list,
    expected_type,
    inherited_share,
    is_item,
    is_lead_in,
    offers,
    responds_to_previous,
    wanted_ordinal,
)
from assistant.citations import doc_label, make_citation, publisher_short
from assistant.condense import condense, wants_more
from assistant.models import (
    Answer,
    AnswerSentence,
    Chunk,
    Citation,
    SearchFilters,
    SearchResult,
    Turn,
)
from assistant.refusal import refuse
from assistant.retrieval import IndexSearcher
from assistant.settings import Settings
from assistant.textutil import content_terms, fold, long_date


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
LIST_ITEMS_MAX = 6  # list items quoted after a lead-in sentence ('...including:')


class SentenceScorer:
    """Scores the sentences of retrieved passages against a question."""

    def __init__(self, searcher: IndexSearcher) -> None:
        self.searcher = searcher
        self._terms: dict[int, list[set[str]]] = {}
        self._doc_terms: dict[str, set[str]] = {}

    def _sentence_terms(self, idx: int) -> list[set[str]]:
        if idx not in self._terms:
            c = self.searcher.store.chunks[idx]
            acr = self.searcher.acronyms
            self._terms[idx] = [expand(set(content_terms(c.text[s:e])), acr) for s, e in c.sentences]
        return self._terms[idx]

    def doc_terms(self, doc_id: str) -> set[str]:
        """Words of a document's title and publisher: every sentence of it speaks for them."""
        if doc_id not in self._doc_terms:
            meta = self.searcher.store.meta(doc_id)
            self._doc_terms[doc_id] = set(content_terms(
                f"{meta.title} {meta.publisher} {publisher_short(meta.publisher)} {meta.kind}"))
        return self._doc_terms[doc_id]

    def score(self, question: str, qvec: np.ndarray, results: list[SearchResult]) -> list[ScoredSentence]:
        store = self.searcher.store
        bm25 = store.bm25
        q_terms = set(content_terms(question))
        weights = {t: bm25.term_idf(t) for t in q_terms}
        total = sum(weights.values()) or 1.0
        want = expected_type(question)
        ordinal = wanted_ordinal(question)
        out: list[ScoredSentence] = []
        for rank, r in enumerate(results):
            idx = r.index
            base = store.sentence_offsets[idx]
            terms = self._sentence_terms(idx)
            meta_terms = self.doc_terms(r.chunk.doc_id)
            n = len(r.chunk.sentences)
            if n == 0:
                continue
            sims = store.sentence_vectors[base : base + n] @ qvec
            prev: ScoredSentence | None = None
            for k, (s, e) in enumerate(r.chunk.sentences):
                text = r.chunk.text[s:e]
                have = terms[k] | meta_terms
                overlap = sum(w for t, w in weights.items() if t in have) / total
                sim = float(sims[k])
                relevance = 0.6 * sim + 0.4 * overlap + 0.1 * max(r.dense_score, 0)
                bonus = 0.0
                if want and offers(text, want):
                    bonus += TYPE_BOOST
                if ordinal and is_item(text, ordinal):
                    bonus += TYPE_BOOST  # 'the third recommendation' -> the item numbered 3
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
    natural continuation, so they gain weight."""
    seen_f = [fold(x) for x in seen]
    quoted = {(s.result.chunk.chunk_id, s.k) for s in scored if any(fold(s.text) in x for x in seen_f)}
    for s in scored:
        if (s.result.chunk.chunk_id, s.k - 1) in quoted and (s.result.chunk.chunk_id, s.k) not in quoted:
            s.score += 0.25
    return sorted(scored, key=lambda x: -x.score)


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
    exclude_f = [fold(x) for x in exclude or []]
    picked: list[ScoredSentence] = []
    candidates: list[ScoredSentence] = []
    top = None

    def repeats(s: ScoredSentence) -> bool:
        return any(float(vectors[s.row] @ vectors[p.row]) > near_repeat or fold(s.text) == fold(p.text)
                   for p in picked)

    for s in scored:
        if len(s.text.split()) < 4:
            continue  # headings, list stubs
        if exclude_f and any(fold(s.text) in x for x in exclude_f):
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


def extend_lead_in(chunk: Chunk, k: int, end: int) -> int:
    """A sentence that announces a list ('…including:') is quoted with the items that follow,
    up to the item that closes the list ('…; and' runs on into the last one)."""
    if not is_lead_in(chunk.text[chunk.sentences[k][0] : end]):
        return end
    for _s, e in chunk.sentences[k + 1 : k + 1 + LIST_ITEMS_MAX]:
        end = e
        if not continues_list(chunk.text[_s:e]):
            break
    return end


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
        lo = p.k - 1 if p.inherited and p.k > 0 and (cid, p.k - 1) not in owner else p.k
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
        if hi + 1 < len(sents) and (p.result.chunk.chunk_id, hi + 1) not in owner \
                and responds_to_previous(text[sents[hi + 1][0] : sents[hi + 1][1]]):
            hi += 1
        result.append(replace(p, start=sents[lo][0], end=sents[hi][1], k_end=hi))
    return result


def compose(picked: list[ScoredSentence], searcher: IndexSearcher) -> tuple[str, list[Citation], list[AnswerSentence]]:
    parts: list[str] = []
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    last_doc = None
    for n, s in enumerate(picked, start=1):
        chunk = s.result.chunk
        meta = searcher.store.meta(chunk.doc_id)
        last = s.k if s.k_end is None else s.k_end
        cit = make_citation(n, chunk, meta, s.start, extend_lead_in(chunk, last, s.end),
                            supported=True, support_score=s.score)
        citations.append(cit)
        quote = f"“{cit.excerpt}” [{n}]"
        if chunk.doc_id == last_doc:
            parts.append(f"It adds: {quote}")
        else:
            when = f" ({long_date(meta.date)})" if meta.date else ""
            parts.append(f"According to {doc_label(meta)}{when}, {quote}")
        sentences.append(AnswerSentence(text=cit.excerpt, markers=[n], supported=True,
                                        support_score=s.score))
        last_doc = chunk.doc_id
    return "\n\n".join(parts), citations, sentences


class ExtractiveAnswerer:
    """``Answerer`` that quotes the sources verbatim; works offline with no LLM."""

    mode = "extractive"

    def __init__(self, searcher: IndexSearcher, settings: Settings) -> None:
        self.searcher = searcher
        self.settings = settings
        self.scorer = SentenceScorer(searcher)

    def answer(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None) -> Answer:
        t0 = time.perf_counter()
        history = history or []
        st = self.settings
        standalone = condense(question, history)
        qvec = self.searcher.embed_query(standalone)
        t1 = time.perf_counter()
        results = self.searcher.search(standalone, max(k or st.top_k, 8), filters, st.retrieval_mode,
                                       st.candidate_k, st.rrf_k, st.dedup_threshold, qvec=qvec)
        t2 = time.perf_counter()
        scored = self.scorer.score(standalone, qvec, results)
        seen = [t.content for t in history if t.role == "assistant"] if wants_more(question) and history else []
        if seen:
            scored = continue_from(scored, seen)
        picked = select(scored, self.searcher.store.sentence_vectors, st.max_answer_sentences,
                        st.refusal_threshold, exclude=seen)
        timings = {"embed": (t1 - t0) * 1e3, "retrieve": (t2 - t1) * 1e3}
        unknown = self.searcher.unknown(standalone)
        if unknown:
            ans = refuse(question, standalone, results, self.searcher,
                         "the collection never mentions " + ", ".join(f"“{w}”" for w in unknown))
        elif not picked:
            ans = refuse(question, standalone, results, self.searcher, "the best evidence is too weak",
                         best=scored[0].score if scored else None)
        else:
            text, citations, sentences = compose(assemble(picked), self.searcher)
            ans = Answer(question=question, standalone_question=standalone, answer=text,
                         citations=citations, sentences=sentences, mode="extractive")
        timings["total"] = (time.perf_counter() - t0) * 1e3
        ans.timings_ms = {k2: round(v, 2) for k2, v in timings.items()}
        return ans
