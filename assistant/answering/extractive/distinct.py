"""Whether an institution's evidence in a comparison is on the question's topic, or only near it.

Every document of the collection is about technology-facilitated trafficking, so each
institution's best sentence scores fairly well against any question on it: 'measures that foster
safety … are needed' comes close to 'do the OSCE or GRETA want survivors shaping the response?'
without saying anything about survivors. What tells an institution that addresses the topic
from one that does not:

* its sentences use a word of the question that not every compared institution uses (a
  *distinctive* word: 'survivors', not 'response', which all of them write); words matched
  only through a document's title do not count, since every sentence of it shares them;
* or, in other words, they say what the best evidence of the comparison says (the leading
  institution's best sentence, ``AGREES`` or more similar): 'live streaming' answers 'broadcast
  in real time' without a word in common.
"""

from __future__ import annotations

import numpy as np

from assistant.answering.extractive.scoring import ScoredSentence, SentenceScorer
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms

AGREES = 0.4  # similarity to the comparison's best sentence at which evidence says the same


def institution_terms(retriever: Retriever, scorer: SentenceScorer, name: str) -> set[str]:
    """Every (stemmed, acronym-expanded) word the institution's documents use."""
    memo: dict[str, set[str]] = retriever.__dict__.setdefault("_institution_terms", {})
    if name not in memo:
        docs = set(retriever.institutions.all[name].doc_ids)
        words: set[str] = set()
        for idx, chunk in enumerate(retriever.store.chunks):
            if chunk.doc_id in docs:
                words.update(*scorer.sentence_terms(idx))
        memo[name] = words
    return memo[name]


def distinctive(topic: str, names: list[str], retriever: Retriever, scorer: SentenceScorer
                ) -> set[str]:
    """The question's words that not every one of the compared institutions uses: a word all
    of them write ('trafficking', 'response') cannot show which of them addresses the topic."""
    terms = set(content_terms(topic))
    if len(names) < 2:
        return terms
    shared = set.intersection(*(institution_terms(retriever, scorer, n) for n in names))
    return terms - shared


def uses(s: ScoredSentence, words: set[str], scorer: SentenceScorer) -> bool:
    """The sentence itself (not its document's title) uses one of ``words``."""
    terms = scorer.sentence_terms(s.result.index)
    return any(bool(words & terms[k]) for k in range(s.k, (s.k_end or s.k) + 1))


def addresses(picked: list[ScoredSentence], words: set[str], scorer: SentenceScorer,
              vectors: np.ndarray, anchor: int | None) -> bool:
    """Whether an institution's picked evidence is on the topic: a picked sentence uses a
    distinctive word of the question, or says what the comparison's best sentence says."""
    if any(uses(p, words, scorer) for p in picked):
        return True
    return anchor is not None and any(
        float(vectors[p.row] @ vectors[anchor]) >= AGREES for p in picked)


def covering(picked: list[ScoredSentence], words: set[str], scorer: SentenceScorer, n: int
             ) -> list[ScoredSentence]:
    """At most ``n`` of the picks (best first), those that bring a distinctive word of the
    question no earlier pick used ahead of those that only say again what is quoted: asked
    'does anyone talk about making at-risk people more aware of the danger?', the OSCE's
    sentence on raising awareness comes before its third one on safety."""
    if not picked:
        return picked
    used = set().union(*(scorer.sentence_terms(p.result.index)[p.k] for p in picked[:1]))
    first, rest = [picked[0]], []
    for p in picked[1:]:
        new = (scorer.sentence_terms(p.result.index)[p.k] & words) - used
        if new:
            first.append(p)
            used |= new
        else:
            rest.append(p)
    return (first + rest)[:n]
