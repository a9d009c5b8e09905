"""Questions asked of named institutions.

* One institution named ('what does EqNow say about X'): its documents' sentences are preferred;
  when only another institution says it, the answer says who does (a wrong attribution is
  corrected, not answered as if it were right).
* Several named, or 'each'/'both' ('do the OSCE, GRETA and EqNow all back age checks?'): each is
  searched in its own documents and answers for itself, and one that says nothing on the topic
  is named as silent, since in a comparison a silence is a finding. An institution speaks when
  its best evidence reaches the floor, or comes near the best institution's (``speaks_at``);
  the others' sentences are then ranked toward that best sentence (``toward``), which says in
  the collection's words what a question in the user's words is about. Those others speak only
  on the topic itself, not on the collection's general theme (``distinct.addresses``); each
  institution's picks that bring a new distinctive word of the question come first
  (``distinct.covering``), and a list its excerpt announces goes on into the next passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.answering.answer_type import expected_type
from assistant.answering.base import quotable
from assistant.answering.catalogue import documents_asked
from assistant.answering.extractive.continued import across_passages
from assistant.answering.extractive.distinct import addresses, covering, distinctive
from assistant.answering.extractive.scoring import ScoredSentence, SentenceScorer, continue_from
from assistant.answering.extractive.selection import assemble, select
from assistant.answering.extractive.trim import LIST_ITEM, WORD_BUDGET, trim, within
from assistant.answering.question import Asked
from assistant.core.models import SearchFilters, SearchResult
from assistant.retrieval.retriever import Retriever

NAMED_BOOST = 0.06  # a sentence of an institution the question names
PER_INSTITUTION = 4  # sentences picked for each institution in a comparison (within WORD_BUDGET)
COMPARE_PASSAGES = 6  # passages read for each institution
COMPARE_FLOOR = 0.85  # share of the refusal threshold an institution's best evidence must reach
# (the question is narrowed to its documents, so their best sentence is on the topic or nothing)
SPEAKS_RELATIVE = 0.75  # below that floor, share of the best institution's evidence to speak
ANCHOR_WEIGHT = 0.1  # weight of a sentence's similarity to the best institution's best one
COMPARE_LOW = 0.55  # share of the floor that no institution's evidence may be below
NEAREST_MIN = 0.15  # a silent institution's nearest sentence is shown from this score


def prefer_named(scored: list[ScoredSentence], docs: set[str], floor: float
                 ) -> list[ScoredSentence]:
    """Sentences of the named institutions first. When they have evidence on the topic (as a
    comparison would count it), only theirs is quoted: 'what does the OSCE want…' is not
    answered with what Equality Now wants."""
    named = [s for s in scored if s.result.chunk.doc_id in docs]
    if named and max(s.score for s in named if quotable(s.text)) >= floor * COMPARE_FLOOR:
        scored = named
    for s in named:
        s.score += NAMED_BOOST
    return sorted(scored, key=lambda x: -x.score)


def only_from(scored: list[ScoredSentence], docs: list[str]) -> list[ScoredSentence]:
    return [s for s in scored if s.result.chunk.doc_id in docs]


# a publication named by its kind: 'the osce press release', 'the launch release'. 'Brief',
# 'study' and 'report' are not: users call the whole study by any of them.
_PUBLICATION = re.compile(r"\b(?:press|launch|news)\s+releases?\b|\breleases?\b(?!\s+of\b)", re.I)


# a publication named by a kind that only one document is, with no institution: 'what does
# the press release say…', 'the position paper', 'the article'
_KIND_ONLY = re.compile(r"\b(?:press|launch|news)\s+releases?\b|\bposition\s+papers?\b|"
                        r"\b(?:the|that|this)\s+(?:news\s+)?article\b(?!\s+\d)", re.I)
KIND_PASSAGES = 3  # passages of a document named by its kind added to those read


def kind_named(asked: Asked, retriever: Retriever) -> set[str]:
    """The documents a question names by their kind alone ('what does the press release say
    about self-regulation?'), when it names no institution and the kind is not every
    document's; empty otherwise."""
    if asked.institutions or not _KIND_ONLY.search(asked.corrected):
        return set()
    docs = set(documents_asked(asked.corrected, retriever))
    return docs if len(docs) < len(retriever.store.documents) else set()


def with_kind_named(asked: Asked, results: list[SearchResult], retriever: Retriever,
                    tvec: np.ndarray, filters: SearchFilters | None) -> list[SearchResult]:
    """``results``, and the best passages of a document the question names by its kind, which
    a search on the topic alone may not bring."""
    docs = sorted(d for d in kind_named(asked, retriever)
                  if filters is None or not filters.doc_ids or d in filters.doc_ids)
    if not docs:
        return results
    have = {r.index for r in results}
    extra = retriever.search(asked.topic, KIND_PASSAGES, SearchFilters(doc_ids=docs), qvec=tvec)
    return results + [x for x in extra if x.index not in have]


def named_docs(asked: Asked, retriever: Retriever) -> set[str]:
    """The documents of the institutions the question names; those of the kind it names, where
    it names a publication ('what does the osce press release say…')."""
    insts = retriever.institutions.all
    own = {d for name in asked.institutions for d in insts[name].doc_ids}
    if not _PUBLICATION.search(asked.corrected):
        return own
    return own & set(documents_asked(asked.corrected, retriever)) or own


@dataclass
class Compared:
    blocks: list[tuple[str, list[ScoredSentence]]]
    silent: list[str]
    nearest: dict[str, ScoredSentence] = field(default_factory=dict)


def compare(asked: Asked, qvec: np.ndarray, topic_vec: np.ndarray, retriever: Retriever,
            scorer: SentenceScorer, floor: float, filters: SearchFilters | None,
            seen: list[str] | None = None) -> Compared:
    """Each named institution's best evidence on the topic, from its own documents only;
    for a 'what else' follow-up, none of what the answers before (``seen``) quoted, and what
    follows it first."""
    found: dict[str, list[ScoredSentence]] = {}
    for name in asked.institutions:
        docs = retriever.institutions.all[name].doc_ids
        if filters is not None and filters.doc_ids:
            docs = [d for d in docs if d in filters.doc_ids]
        if docs:
            results = retriever.search(asked.search, COMPARE_PASSAGES,
                                       SearchFilters(doc_ids=docs), qvec=qvec, tvec=topic_vec)
            scored = scorer.score(asked.topic, topic_vec, results)
            found[name] = continue_from(scored, seen) if seen else scored
    bests = {name: next((s.score for s in scored if quotable(s.text)), 0.0)
             for name, scored in found.items()}
    blocks: list[tuple[str, list[ScoredSentence]]] = []
    silent = [name for name in asked.institutions if name not in found]
    nearest: dict[str, ScoredSentence] = {}
    bar = speaks_at(bests, floor)
    leader = max(bests, key=lambda n: bests[n], default=None)
    anchor = next((s.row for s in found[leader] if quotable(s.text)), None) if leader else None
    words = distinctive(asked.topic, list(found), retriever, scorer)
    vectors = retriever.store.sentence_vectors
    for name, scored in found.items():
        if anchor is not None and name != leader:
            scored = toward(scored, vectors, anchor)
        # An institution that speaks is quoted on its own best evidence (select's cutoff
        # relative to its best sentence), not on how it compares with the others.
        picked = select(scored, vectors, 2 * PER_INSTITUTION, floor * COMPARE_LOW,
                        exclude=seen) if bests[name] >= bar else []
        picked = covering([p for p in picked if quotable(p.text)], words, scorer,
                          PER_INSTITUTION)
        if name != leader and not addresses(picked, words, scorer, vectors, anchor):
            picked = []  # near the topic in general, not on what is asked: silent
        if picked:
            excerpts = within(trim(assemble(picked), expected_type(asked.topic)), WORD_BUDGET)
            blocks.append((name, across_passages(excerpts, retriever.store)))
        else:
            silent.append(name)
            if (near := _nearest(scored)) is not None:
                nearest[name] = near
    return Compared(blocks=blocks, silent=silent, nearest=nearest)


def _nearest(scored: list[ScoredSentence]) -> ScoredSentence | None:
    """An institution's sentence nearest to the topic when none of its evidence counts as
    addressing it: a question in users' words scores the sentence that does lower than one in
    the documents' own, so the reader is shown what came closest rather than only told of a
    silence. Not a list item, which would stand without its lead-in. None when even that is
    far from the topic."""
    near = next((s for s in scored if quotable(s.text) and not LIST_ITEM.match(s.text)), None)
    if near is None or near.score < NEAREST_MIN:
        return None
    return replace(near, k_end=None, end=near.result.chunk.sentences[near.k][1])


def toward(scored: list[ScoredSentence], vectors: np.ndarray, anchor: int
           ) -> list[ScoredSentence]:
    """The sentences re-ranked toward the best evidence any institution gave: that sentence
    says in the collection's words what a question in the user's words is about."""
    out = [replace(s, score=s.score + ANCHOR_WEIGHT * float(vectors[s.row] @ vectors[anchor]))
           for s in scored]
    return sorted(out, key=lambda x: -x.score)


def speaks_at(bests: dict[str, float], floor: float) -> float:
    """The score an institution's best evidence must reach to speak in a comparison. Evidence
    that reaches the floor always does; below it, evidence nearly as strong as the best
    institution's (``SPEAKS_RELATIVE`` of it) does too, as long as that is not weak in itself
    (``COMPARE_LOW`` of the floor): a question in users' words scores every institution's
    sentences lower, and what one institution says is then judged against what the others say.
    When none reaches the floor, none is the yardstick: the floor stands."""
    top = max(bests.values(), default=0.0)
    full = floor * COMPARE_FLOOR
    if top < full:
        return full  # nobody reaches the floor: nobody's evidence is a yardstick for the others
    return max(floor * COMPARE_LOW, min(full, SPEAKS_RELATIVE * top))


def best_of(scored: list[ScoredSentence], docs: set[str]) -> ScoredSentence | None:
    return next((s for s in scored if s.result.chunk.doc_id in docs and quotable(s.text)), None)
