"""Evidence gathering for briefs, and the comparison of institutions on a topic.

Everything here scores sentences exactly as the answer engine does
(:class:`~assistant.extractive.SentenceScorer`, :func:`~assistant.extractive.select`, floor
``settings.refusal_threshold``), so a brief quotes what ``ask`` would quote.

"Says nothing": an institution says nothing on a topic when none of its sentences reaches the
engine's evidence threshold. Its sentences are scored against the topic as the passages rank in
the *whole* collection (the rank bonus the engine gives the top passages is not handed to an
institution just because a filter left it alone in the results).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.brief import (
    Comparison,
    InstitutionView,
    collection_as_of,
    excerpt_from,
    now_stamp,
    number_references,
    source_docs,
)
from assistant.citations import excerpt_in_source, publisher_short
from assistant.extractive import NEAR_REPEAT, ScoredSentence, SentenceScorer, compose, select
from assistant.models import Citation, DocumentMeta, SearchFilters, SearchResult
from assistant.textutil import STOPWORDS, content_terms, fold, stem

if TYPE_CHECKING:
    from assistant.engine import Assistant

log = logging.getLogger(__name__)

MAX_SECTIONS = 5  # the topic + up to four generated facets
HEADING_FACETS = 3
TERM_FACETS = 2


class Evidence:
    """Finds quotable sentences for queries and remembers what a document already quotes."""

    def __init__(self, assistant: Assistant, publishers: list[str] | None = None) -> None:
        self.assistant = assistant
        self.searcher = assistant.searcher  # one index version for the whole document
        self.store = self.searcher.store
        self.settings = assistant.settings
        self.scorer = SentenceScorer(self.searcher)
        self.filters = SearchFilters(publishers=publishers or [])
        self.threshold = self.settings.refusal_threshold
        self.max_n = self.settings.max_answer_sentences
        self.max_sections = MAX_SECTIONS
        self._rows: list[int] = []
        self._texts: list[str] = []

    def embed(self, query: str) -> np.ndarray:
        return self.searcher.embed_query(query)

    def search(self, query: str, qvec: np.ndarray, k: int | None = None,
               filters: SearchFilters | None = None) -> list[SearchResult]:
        st = self.settings
        return self.searcher.search(query, k or max(st.top_k, 8),
                                    self.filters if filters is None else filters,
                                    st.retrieval_mode, st.candidate_k, st.rrf_k,
                                    st.dedup_threshold, qvec=qvec)

    def used(self, s: ScoredSentence) -> bool:
        f = fold(s.text)
        if any(f in t or t in f for t in self._texts):
            return True
        v = self.store.sentence_vectors
        return any(float(v[s.row] @ v[r]) > NEAR_REPEAT for r in self._rows)

    def pick(self, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """The engine's selection among the sentences not quoted yet."""
        fresh = [s for s in scored if not self.used(s)]
        return select(fresh, self.store.sentence_vectors, self.max_n, self.threshold)

    def gather(self, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """Up to ``max_answer_sentences`` sentences at or above the evidence threshold, best
        first: :func:`select` applied again to what is left, so the answer engine's cut-off
        relative to its best sentence does not hide further evidence from a brief."""
        out: list[ScoredSentence] = []
        v = self.store.sentence_vectors
        while len(out) < self.max_n:
            fresh = [s for s in scored if not self.used(s)
                     and all(s.row != o.row and float(v[s.row] @ v[o.row]) <= NEAR_REPEAT
                             for o in out)]
            batch = select(fresh, v, self.max_n - len(out), self.threshold)
            if not batch:
                break
            out += batch
        return out

    def find(self, query: str, within: set[int] | None = None) -> list[ScoredSentence]:
        """The engine's choice of sentences for ``query``; with ``within``, only among those
        sentence rows (a facet of a topic quotes only evidence on the topic)."""
        qvec = self.embed(query)
        k = self.settings.candidate_k if within is not None else None
        scored = self.scorer.score(query, qvec, self.search(query, qvec, k=k))
        if within is not None:
            scored = [s for s in scored if s.row in within]
        return self.gather(scored)

    def take(self, picked: list[ScoredSentence]) -> list[Citation]:
        """Citations of the picked sentences, each checked verbatim in its source."""
        if not picked:
            return []
        _, cites, _ = compose(picked, self.searcher)
        out: list[Citation] = []
        for s, c in zip(picked, cites, strict=True):
            self._rows.append(s.row)
            self._texts.append(fold(s.text))
            if excerpt_in_source(self.store, c.doc_id, c.excerpt):
                out.append(c)
            else:  # never expected: chunk text is a slice of the cleaned document
                log.warning("excerpt not found verbatim in %s; left out", c.doc_id)
        return out

    def searched_docs(self) -> set[str]:
        mask = self.searcher.mask(self.filters)
        return {c.doc_id for i, c in enumerate(self.store.chunks) if mask is None or mask[i]}

    def meta(self, doc_id: str) -> DocumentMeta:
        return self.store.meta(doc_id)


# ---- sub-questions ---------------------------------------------------------------------------


def _display_heading(h: str) -> str:
    return h.capitalize() if h.isupper() else h


# Words too generic to name a facet of a topic (on top of the retrieval stopwords).
_GENERIC = frozenset({
    "across", "among", "based", "become", "becoming", "being", "current", "currently",
    "different", "ensure", "example", "given", "including", "increasingly", "make", "made",
    "need", "needed", "needs", "often", "order", "part", "provide", "provided", "result",
    "resulted", "results", "step", "steps", "take", "taken", "taking", "used", "uses", "using",
    "well", "whether", "lack", "lacking", "develop", "developed", "developing",
})


def _phrases(text: str) -> set[str]:
    """Stemmed two-word phrases of a text that do not cross punctuation."""
    out: set[str] = set()
    for clause in re.split(r"[.,;:!?()\[\]“”\"]|\s[–—-]\s", fold(text)):
        toks = re.findall(r"[a-z][a-z\-]+", clause)
        for a, b in zip(toks, toks[1:], strict=False):
            if any(t in STOPWORDS or t in _GENERIC or len(t) < 4 for t in (a, b)):
                continue
            out.add(f"{stem(a)} {stem(b)}")
    return out


def topic_evidence(ev: Evidence, topic: str) -> list[ScoredSentence]:
    """Every sentence that meets the evidence threshold for the topic (the brief's pool)."""
    qvec = ev.embed(topic)
    results = ev.search(topic, qvec, k=ev.settings.candidate_k)
    return [s for s in ev.scorer.score(topic, qvec, results) if s.score >= ev.threshold]


def facets(topic: str, relevant: list[ScoredSentence]) -> list[tuple[str, list[ScoredSentence]]]:
    """Facets of a topic, each with its share of the topic's evidence (best first): the section
    headings under which that evidence sits, then key phrases found in more than one of its
    passages. Deterministic and offline."""
    title = topic[:1].upper() + topic[1:]
    by_head: dict[str, list[ScoredSentence]] = defaultdict(list)
    for s in relevant:
        if s.result.chunk.locator.section:
            by_head[s.result.chunk.locator.section].append(s)
    heads = sorted(by_head, key=lambda h: -sum(s.score for s in by_head[h]))[:HEADING_FACETS]
    out = [(f"{title} — {_display_heading(h)}", by_head[h]) for h in heads]
    taken = set(content_terms(topic)) | {t for h in heads for t in content_terms(h)}
    by_phrase: dict[str, list[ScoredSentence]] = defaultdict(list)
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    for s in relevant:
        words = re.findall(r"[a-z][a-z\-]+", fold(s.text))
        for p in _phrases(s.text):
            if set(p.split()) & taken:
                continue
            by_phrase[p].append(s)
            for a, b in zip(words, words[1:], strict=False):
                if f"{stem(a)} {stem(b)}" == p:
                    surface[p][f"{a} {b}"] += 1
    spread = {p: len({s.result.index for s in ss}) for p, ss in by_phrase.items()}
    phrases = sorted((p for p in by_phrase if spread[p] >= 2),
                     key=lambda p: (-spread[p], -sum(s.score for s in by_phrase[p]), p))
    for p in phrases[:TERM_FACETS]:
        term = surface[p].most_common(1)[0][0] if surface[p] else p
        out.append((f"{title} and {term}", by_phrase[p]))
    return out


def llm_subquestions(assistant: Assistant, topic: str, n: int = 4) -> list[str] | None:
    """Sub-questions proposed by the configured LLM; None when none is configured or it fails
    (the caller then uses :func:`facet_queries`)."""
    st = assistant.settings
    if st.llm_provider == "none":
        return None
    try:
        from langchain_core.messages import HumanMessage

        from assistant.llm import build_chat_model
        from assistant.prompts import load_prompt

        reply = build_chat_model(st).invoke([HumanMessage(load_prompt("brief_subquestions").render(n=n, topic=topic))])
        lines = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", ln).strip()
                 for ln in str(reply.content).splitlines()]
        out = [ln for ln in lines if 3 <= len(ln) <= st.max_question_chars][:n]
        return out or None
    except Exception as exc:  # noqa: BLE001 - any model failure falls back to the offline facets
        log.warning("LLM sub-questions unavailable (%s); using the offline decomposition", exc)
        return None


# ---- comparison -------------------------------------------------------------------------------


ADDRESS_SHARE = 0.5  # share of the collection's best evidence an institution's best must reach


def institutions(documents: list[dict[str, Any]],
                 publishers: list[str] | None = None) -> list[tuple[str, list[str], list[str]]]:
    """(institution, its publisher names, its searchable doc_ids), alphabetically. Publishers
    are grouped by their short name (the OSCE and its Office are one institution)."""
    wanted = [p.lower() for p in publishers or []]
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for d in sorted(documents, key=lambda x: str(x.get("date", ""))):
        if d.get("duplicate_of") or not d.get("chunks"):
            continue
        pub = str(d.get("publisher", ""))
        name = publisher_short(pub)
        if wanted and not any(w in pub.lower() or w == name.lower() for w in wanted):
            continue
        pubs, ids = groups.setdefault(name, ([], []))
        if pub not in pubs:
            pubs.append(pub)
        ids.append(d["doc_id"])
    return [(name, *groups[name]) for name in sorted(groups, key=str.lower)]


def compare_with(ev: Evidence, topic: str, publishers: list[str] | None = None) -> Comparison:
    documents = ev.assistant.corpus()
    groups = institutions(documents, publishers)
    qvec = ev.embed(topic)
    # Rank in the whole collection; add each institution's own best passages at the end.
    pool = ev.search(topic, qvec, k=ev.settings.candidate_k, filters=SearchFilters())
    seen = {r.index for r in pool}
    for _name, _pubs, ids in groups:
        for r in ev.search(topic, qvec, filters=SearchFilters(doc_ids=ids)):
            if r.index not in seen:
                pool.append(r)
                seen.add(r.index)
    scored = ev.scorer.score(topic, qvec, pool)
    # An institution "addresses" the topic when its best sentence reaches the evidence threshold
    # and is at least half as strong as the best evidence anywhere in the collection: a passing
    # word overlap ("age of majority" for "age verification") is not a position on the topic.
    bar = max(ev.threshold, ADDRESS_SHARE * scored[0].score) if scored else ev.threshold
    views: list[InstitutionView] = []
    for name, pubs, ids in groups:
        mine = [s for s in scored if s.result.chunk.doc_id in ids]
        cites = ev.take(ev.gather([s for s in mine if s.score >= bar]))
        views.append(InstitutionView(
            institution=name, publishers=pubs, doc_ids=ids,
            excerpts=[excerpt_from(c, ev.meta(c.doc_id)) for c in cites],
            best_score=round(mine[0].score, 3) if mine else None,
            statement="" if cites else f"No passage from {name} addresses {topic}.",
        ))
    searched = {i for _n, _p, ids in groups for i in ids}
    method = (f"Each institution's sentences are scored against the topic with the answer engine's "
              f"scoring, as their passages rank in the whole collection. An institution is quoted "
              f"only where a sentence reaches the engine's evidence threshold ({ev.threshold:.2f}) "
              f"and half the strength of the best evidence in the collection (here {bar:.2f}); "
              f"otherwise the brief says that no passage from it addresses the topic.")
    title = topic[:1].upper() + topic[1:]
    comparison = Comparison(topic=topic, title=f"{title}: what each institution says",
                            generated=now_stamp(),
                            as_of=collection_as_of(documents, ev.store.manifest.get("created")),
                            documents=source_docs(documents, searched), method=method,
                            threshold=bar, views=views)
    comparison.references = number_references([e for v in views for e in v.excerpts], documents)
    return comparison
