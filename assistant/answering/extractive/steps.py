"""Steps a document counts in words rather than numbers: 'Bringing together different actors
… is a first step.' … 'The UN … is a second step'. A question that counts them ('eqnow's
three-step plan', 'what's step three?', 'the third stage') is answered from the sentences that
name them, in their order, and corrected with the document's own count where it differs: the
structure answers, not words the steps share with the question."""

from __future__ import annotations

import re

from assistant.answering.answer_type import ORDINAL_NUMBERS
from assistant.answering.extractive.counts import NUMBER_WORDS, number_value, number_word
from assistant.answering.extractive.frame import source_label
from assistant.answering.extractive.institutional import named_docs
from assistant.answering.extractive.scoring import ScoredSentence, with_passages
from assistant.answering.question import Asked
from assistant.core.models import SearchResult
from assistant.retrieval.retriever import Retriever

STEP_SCORE = 1.0  # a sentence naming a step asked for answers, whatever words it shares
_NOUN = r"(step|stage|phase|pillar)"
_NUMBER = r"(\d|" + "|".join(NUMBER_WORDS[2:11]) + r")"
_ORDINAL = r"(" + "|".join(ORDINAL_NUMBERS) + r")"
# in a document: 'a first step', 'the second stage'
_NAMED_STEP = re.compile(rf"\b(?:a|the|is|as)\s+{_ORDINAL}\s+{_NOUN}\b", re.I)
# in a question: 'a three-step plan', 'three step path', '3 steps' (a count) …
_COUNTED = re.compile(rf"\b{_NUMBER}[- ]{_NOUN}s?\b", re.I)
# … or 'step three', 'the third step' (an item, so at least that many)
_ITEM = re.compile(rf"\b{_NOUN}\s+{_NUMBER}\b|\b{_ORDINAL}\s+{_NOUN}\b", re.I)


def asked_steps(text: str) -> tuple[int, str] | None:
    """(how many steps the question takes there to be, the noun) or None."""
    if m := _COUNTED.search(text):
        return number_value(m.group(1)), m.group(2).lower()
    if m := _ITEM.search(text):
        if m.group(1):
            return number_value(m.group(2)), m.group(1).lower()
        return ORDINAL_NUMBERS[m.group(3).lower()], m.group(4).lower()
    return None


def _named(text: str, noun: str) -> list[int]:
    return [ORDINAL_NUMBERS[m.group(1).lower()] for m in _NAMED_STEP.finditer(text)
            if m.group(2).lower() == noun]


def _docs(asked: Asked, retriever: Retriever) -> set[str]:
    return named_docs(asked, retriever) or set(retriever.store.documents)


def with_steps(asked: Asked, results: list[SearchResult], retriever: Retriever
               ) -> list[SearchResult]:
    """``results``, with the passages of the asked institutions that name such steps."""
    if (steps := asked_steps(asked.corrected)) is None:
        return results
    docs = _docs(asked, retriever)
    return with_passages(results, retriever,
                         lambda c: c.doc_id in docs and bool(_named(c.text, steps[1])))


def lift_steps(scored: list[ScoredSentence], asked: Asked, retriever: Retriever
               ) -> list[ScoredSentence]:
    """The sentences naming the steps lead the answer, first step first."""
    if (steps := asked_steps(asked.corrected)) is None or not scored:
        return scored
    docs = _docs(asked, retriever)
    named = sorted(((min(found), s) for s in scored
                    if s.result.chunk.doc_id in docs and (found := _named(s.text, steps[1]))),
                   key=lambda x: x[0])
    if not named:
        return scored
    top = max(max(s.score for s in scored), STEP_SCORE)
    for rank, (_, s) in enumerate(named):  # in the steps' order, not the passages'
        s.score = s.own = top + 0.01 * (len(named) - rank)
    return sorted(scored, key=lambda x: -x.score)


def wrong_step_count(asked: Asked, quoted: list[ScoredSentence], retriever: Retriever
                     ) -> str | None:
    """'the third step' or 'a three-step plan' when the quoted document names two: its own
    count, from all its sentences."""
    if (steps := asked_steps(asked.corrected)) is None:
        return None
    n, noun = steps
    for doc_id in dict.fromkeys(s.result.chunk.doc_id for s in quoted):
        last = max((k for c in retriever.store.chunks if c.doc_id == doc_id
                    for k in _named(c.text, noun)), default=0)
        if last and last < n:
            label = source_label(retriever.store.meta(doc_id))
            return (f"{label} names {number_word(last)} {noun}{'s' if last > 1 else ''}, not "
                    f"{number_word(n)} (the quotation below).")
    return None
