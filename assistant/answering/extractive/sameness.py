"""Whether another document says what the answer before quoted, and in the same words: 'is that
same list in the brief itself, word for word?', 'does the press release word it the same?'. A
brief cites the primary source where it can, so the answer quotes the named document's nearest
sentences and says whether their words are the same, close, or not there at all. The
conversation keeps the answers' text only, so the question before is answered again (the
extractive engine gives the same answer to the same question)."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from assistant.answering.catalogue import documents_asked
from assistant.answering.extractive.compose import Shape, by_institution
from assistant.answering.extractive.frame import source_label
from assistant.answering.extractive.overview import document_sentences, sentence_at
from assistant.core.enums import CitationRole
from assistant.core.models import Answer, Turn
from assistant.retrieval.retriever import Retriever
from ingest.text import unquoted

_SAME = re.compile(r"\bword[- ]for[- ]word\b|\bverbatim\b|\bidentical(?:ly)?\b|\bexact(?:ly)?\s+the\s+same\b"
                   r"|\bsame\s+(?:wording|words|list|line|quote|sentence|text|phrasing|language)\b"
                   r"|\bwords?\s+it\s+(?:the\s+)?same\b", re.I)
_IN_DOCUMENT = re.compile(r"\b(?:in|from)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:brief|paper|report|"
                          r"release|article|study|summary|write-?up|piece|page)\b", re.I)
CLOSE = 0.9  # cosine from which a sentence of the named document says the same thing (a
# rewording of one sentence scores about 0.95, a sentence on the same topic about 0.83)


def _rows_quoted(excerpt: str, doc_id: str, retriever: Retriever) -> list[tuple[int, int]]:
    """(passage row, sentence index) of the stored sentences the excerpt quotes."""
    flat = unquoted(excerpt)
    return [(row, k) for row, k, text in document_sentences(retriever, [doc_id])
            if len(text) > 20 and unquoted(text) in flat]


def same_elsewhere(question: str, history: list[Turn], answer: Callable[[str, list[Turn]], Answer],
                   retriever: Retriever) -> Shape | None:
    """The named document's sentences nearest to what the answer before quoted, with a line
    saying whether the wording is the same; None when the question does not ask that."""
    users = [i for i, t in enumerate(history) if t.role == "user"]
    if not users or not _SAME.search(question):
        return None
    place = _IN_DOCUMENT.search(question)  # where to look: 'in the brief itself'
    targets = documents_asked(place.group(0) if place else question, retriever)
    if not targets or len(targets) == len(retriever.store.documents):
        return None  # no document named to look in
    before = answer(history[users[-1]].content, history[: users[-1]])
    quoted = [rk for c in before.citations if c.role is CitationRole.EVIDENCE
              and c.doc_id not in targets for rk in _rows_quoted(c.excerpt, c.doc_id, retriever)]
    if before.refused or not quoted:
        return None
    store = retriever.store
    vecs = np.array([store.sentence_vectors[store.sentence_offsets[r] + k] for r, k in quoted])
    near = sorted(((float(np.max(vecs @ store.sentence_vectors[store.sentence_offsets[row] + k])),
                    row, k) for row, k, _ in document_sentences(retriever, targets)), reverse=True)
    if not near:
        return None
    label = source_label(store.meta(targets[0]))
    found = [(row, k) for score, row, k in near if score >= CLOSE]
    if not found:
        shape = by_institution([sentence_at(retriever, near[0][1], near[0][2])], retriever)
        shape.preface = [f"{label} does not repeat what the answer before quotes; its nearest "
                         "sentence follows."]
        return shape
    said = {unquoted(store.chunks[r].text[slice(*store.chunks[r].sentences[k])]) for r, k in quoted}
    same = all(unquoted(store.chunks[r].text[slice(*store.chunks[r].sentences[k])]) in said
               for r, k in found)
    shape = by_institution([sentence_at(retriever, row, k) for row, k in found], retriever)
    shape.preface = [f"{label} has the same words (the quotation below)." if same else
                     f"{label} says it in words close to, but not the same as, those quoted before "
                     "(the quotation below)."]
    return shape
