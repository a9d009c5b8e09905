"""Questions about a document or an institution as a whole: 'what does GRETA say?', 'summarise
the GRETA report', 'what's the OSCE brief about?', 'give me the gist of the equality now paper'.

Once the names are set aside such a question has no topic, so no sentence scores well against
it and it was refused. Its answer is where each document says what it is about: the sentences
that speak of the document itself ('This Brief summarizes…', 'The scope of the present study
is rather broad. It offers…'), with the sentences that go on from them ('It examines…'); a
document that never speaks of itself is represented by its opening.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace

from assistant.answering.base import quotable
from assistant.answering.catalogue import documents_asked
from assistant.answering.extractive.compose import Shape, by_institution
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.question import Asked
from assistant.core.models import SearchResult
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms

PER_DOCUMENT = 3  # sentences quoted for each document

# Words that ask for a whole document, not a topic in it.
_WHOLE = frozenset(content_terms(
    "say says said tell about summary summarise summarize summarised summarized summarising "
    "gist overview main point points key takeaway takeaways overall general position view "
    "stance argue argument cover covers content contents tldr what is it thing things paper "
    "brief report study release article document summary response reply piece basically tl dr "
    "docs all sentence sentences line lines paragraph paragraphs word words nutshell briefly "
    "short quick quickly one two three few couple give "
    # 'what's the difference between the osce brief and the press release?'
    "difference differences differ different compare comparison contrast between versus vs "
    "same similar agree agreement disagree disagreement "
    "finding findings find found conclusion conclusions conclude message messages headline "
    "headlines "
    # 'i need one sentence from greta for my speech': a quotable line, on nothing in particular
    "need want speech quote quotes quotation quotable cite use remarks slide slides note "
    # 'greta's study came out in jan 2022 - what does it say?': when, not what about
    "came come out published publish released issued dated back "
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"))  # 'in two sentences', 'in a nutshell'
_DOCUMENT_WORDS = re.compile(r"\b(?:papers?|briefs?|reports?|stud(?:y|ies)|releases?|articles?|"
                             r"documents?|docs|summar(?:y|ies)|responses?|reply|pieces?)\b", re.I)
# A sentence that speaks of its own document: 'This Brief…', 'the present study', 'our paper'.
_SELF = re.compile(r"\b(?:this|the present|our)\s+(?:brief|study|paper|report|document|"
                   r"summary|response|occasional paper|position paper)\b", re.I)
_GOES_ON = re.compile(r"^(?:It|They|Finally, it|It also|Crucially, (?:it|the study))\b")


def asks_whole(asked: Asked, retriever: Retriever) -> bool:
    """The question names an institution or a document and asks about nothing in it (the
    words of the documents' kinds, 'press release', 'position paper', name a document)."""
    named = bool(asked.institutions) or bool(_DOCUMENT_WORDS.search(asked.corrected))
    # expansions and 'what's'; not what a follow-up carries on from ('why? (age verification)')
    topic = re.sub(r"(?<![?]\s)(?<![?])\([^)]*\)|[’']s\b", " ", asked.topic)
    whole = _WHOLE | retriever.vocab.kind_terms
    terms = {t for t in content_terms(topic) if not t.isdigit()  # a year it gives
             and not set(content_terms(t.replace("-", " "))) <= whole}  # 'a one-line summary'
    return named and terms <= whole


def _runs(picked: list[ScoredSentence]) -> list[ScoredSentence]:
    """Picks that follow each other in one passage as one excerpt (nothing added around them)."""
    out: list[ScoredSentence] = []
    for s in picked:
        last = out[-1] if out else None
        if last is not None and last.result.index == s.result.index and \
                (last.k_end if last.k_end is not None else last.k) + 1 == s.k:
            out[-1] = replace(last, end=s.end, k_end=s.k)
        else:
            out.append(s)
    return out


def sentence_at(retriever: Retriever, row: int, k: int) -> ScoredSentence:
    """Sentence ``k`` of passage ``row``, as an excerpt to quote (no score of its own)."""
    store = retriever.store
    chunk = store.chunks[row]
    a, b = chunk.sentences[k]
    result = SearchResult(chunk=chunk, score=0.0, index=row)
    return ScoredSentence(result, 0, a, b, store.sentence_offsets[row] + k, k, 0.0, 0.0, 1.0, 1.0)


def document_sentences(retriever: Retriever, doc_ids: Collection[str]
                       ) -> list[tuple[int, int, str]]:
    """(passage row, sentence index, text) of every sentence of those documents, in order; the
    row of its vector is ``store.sentence_offsets[row] + k``."""
    return [(row, k, c.text[a:b]) for row, c in enumerate(retriever.store.chunks)
            if c.doc_id in doc_ids for k, (a, b) in enumerate(c.sentences)]


def about_itself(doc_id: str, retriever: Retriever) -> list[ScoredSentence]:
    """The document's sentences on what it is about, in its order; else its opening."""
    rows = [i for i, c in enumerate(retriever.store.chunks) if c.doc_id == doc_id]
    picked: list[ScoredSentence] = []
    opening: list[ScoredSentence] = []
    for row in rows:
        chunk = retriever.store.chunks[row]
        follows = False
        for k, (a, b) in enumerate(chunk.sentences):
            text = chunk.text[a:b]
            if not quotable(text) or text[:1].isdigit():
                follows = False
                continue
            if len(opening) < 2:
                opening.append(sentence_at(retriever, row, k))
            if _SELF.search(text) or (follows and _GOES_ON.match(text)):
                picked.append(sentence_at(retriever, row, k))
                follows = True
            else:
                follows = False
    return (picked or opening)[:PER_DOCUMENT]


def overview(asked: Asked, retriever: Retriever) -> Shape | None:
    """Each document asked about, by what it says it is about; None when the question asks
    about something in them."""
    if not asks_whole(asked, retriever):
        return None
    docs = [d for d in documents_asked(asked.corrected, retriever)
            if not retriever.store.meta(d).duplicate_of]
    excerpts = [s for d in docs for s in _runs(about_itself(d, retriever))]
    return by_institution(excerpts, retriever) if excerpts else None


# 'eqnow's opening line', 'the first sentence of the greta page', 'how does the brief begin?'
_OPENING = re.compile(r"\b(?:opening|first)\s+(?:line|sentence|words|paragraph)s?\b"
                      r"|\b(?:opens|begins|starts)\s+(?:off\s+)?(?:with|by)\b"
                      r"|\bhow\s+(?:does|did)\s+.{1,60}?\s+(?:open|begin|start)\b", re.I)
_SECTION = re.compile(r"\b(?:section|part|chapter|conclusions?|recommendations?|introduction)\b",
                      re.I)
_OPENING_WORDS = frozenset(content_terms(
    "first line lines sentence words paragraph opening open opens begin begins start starts "
    "section part chapter brief report paper study release article summary document page"))
_POINTS_BACK = re.compile(r"\b(?:you|your|quoted|above|previous|earlier)\b", re.I)


def opening(asked: Asked, retriever: Retriever) -> Shape | None:
    """The first sentence of each document asked about: what a question asking for its
    opening line wants, whatever its words share with the question; None for other questions
    and for 'the first sentence you quoted'."""
    text = asked.corrected
    m = _OPENING.search(text)
    if m is None or _POINTS_BACK.search(text):
        return None
    # the opening of a document named beside it, not 'for the minister's opening lines'
    near = text[max(0, m.start() - 30): m.end() + 40]
    if not (retriever.institutions.mentions(near) or _DOCUMENT_WORDS.search(near)):
        return None
    store = retriever.store
    # 'how does the brief open its recommendations section?': that section's first sentence
    named = set(content_terms(text)) - _OPENING_WORDS if _SECTION.search(text) else set()
    firsts = []
    for doc_id in documents_asked(text, retriever):
        if store.meta(doc_id).duplicate_of:
            continue  # a republication opens with its original's text
        rows = [i for i, c in enumerate(store.chunks) if c.doc_id == doc_id and c.sentences]
        section = [i for i in rows
                   if named & set(content_terms(store.chunks[i].locator_at(0).section or ""))]
        if rows:
            firsts.append(sentence_at(retriever, (section or rows)[0], 0))
    return by_institution(firsts, retriever) if firsts else None
