"""Whether the documents use a term: 'does the osce, the coe experts group or eqnow ever use that
phrase ('modern slavery')?', 'do any of them use the word safeguarding?'. A speechwriter asks so
as not to put a word in a source's mouth, and whether a text uses a word is a plain fact of it:
each institution asked is quoted where it uses the term, and said to be silent on it where it
never does, whatever sentences score near the question."""

from __future__ import annotations

import re

import numpy as np

from assistant.answering.base import quotable
from assistant.answering.extractive.compose import Shape, by_institution
from assistant.answering.extractive.overview import document_sentences, sentence_at
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.question import Asked
from assistant.retrieval.retriever import Retriever

_QUOTED = r"(?<![A-Za-z])[‘'\"“](?P<quoted>[^’'\"”?]{3,40})[’'\"”](?![A-Za-z])"
_VERB = r"\b(?:use|uses|used|using|say|says|mention|mentions)\s+"
_NOUN = r"(?:phrase|term|word|expression|label|wording)s?"
# 'use the phrase "modern slavery"', 'use the word safeguarding', 'ever use 'THB''
_USES = re.compile(
    rf"{_VERB}(?:the\s+)?{_NOUN}\s+(?:{_QUOTED}|(?P<plain>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)"
    r"(?=\s*(?:[?,.;]|$|\s+(?:at\s+all|ever|anywhere|or|and|in)\b)))"
    # a quotation straight after 'use' or 'mention' (not 'say', which quotes a line to say)
    rf"|\b(?:use|uses|used|using|mention|mentions)\s+{_QUOTED.replace('quoted', 'direct')}"
    rf"|{_VERB}(?:that|this|either|those|these)\s+{_NOUN}\b", re.I)


def _nearest(doc_ids: list[str], retriever: Retriever, topic_vec: np.ndarray
             ) -> ScoredSentence | None:
    """The quotable sentence of those documents nearest to the question."""
    store = retriever.store
    rows = [(row, k) for row, k, text in document_sentences(retriever, doc_ids) if quotable(text)]
    if not rows:
        return None
    sims = [float(store.sentence_vectors[store.sentence_offsets[r] + k] @ topic_vec) for r, k in rows]
    row, k = rows[int(np.argmax(sims))]
    return sentence_at(retriever, row, k)


def asked_term(question: str) -> str | None:
    """The term the question asks whether the documents use, or None."""
    m = _USES.search(question)
    if m is None:
        return None
    if said := m.group("quoted") or m.group("direct") or m.group("plain"):
        return str(said).strip()
    quoted = re.search(_QUOTED, question)  # 'ever use that phrase': the one quoted before it
    return quoted.group("quoted").strip() if quoted else None


def terms_used(asked: Asked, retriever: Retriever, topic_vec: np.ndarray) -> Shape | None:
    """The sentences using the term, by institution; those that never use it are silent, with
    their sentence nearest to the question (what they say instead)."""
    term = asked_term(asked.corrected)
    if term is None:
        return None
    insts = retriever.institutions
    names = asked.institutions or list(insts.authors)
    pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.I)
    using, silent = [], []
    for name in names:
        found = [sentence_at(retriever, row, k) for row, k, text
                 in document_sentences(retriever, insts.all[name].doc_ids) if pattern.search(text)]
        using += found[:2]
        if not found:
            silent.append(name)
    shape = by_institution(using, retriever) if using else Shape(blocks=[])
    shape.silent, shape.topic = silent, f"the term “{term}”"
    shape.nearest = {name: near for name in silent
                     if (near := _nearest(insts.all[name].doc_ids, retriever, topic_vec))}
    shape.preface = [f"No document in the collection uses “{term}”." if not using else
                     f"{' and '.join(n for n in names if n not in silent)} "
                     f"{'uses' if len(names) - len(silent) == 1 else 'use'} “{term}”."]
    return shape
