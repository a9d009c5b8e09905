"""Lists a question points into: 'the first of the brief's recommendations' (item 1 of the
list under a heading of that kind), 'the last recommendation' (its highest number), and 'what
are the OSCE's recommendations?' (the list's numbered items, in order). A list's items rarely
share the question's words, so the structure answers, not the words."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from assistant.answering.answer_type import is_item, wanted_list, wanted_ordinal
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.focus import FRAME
from assistant.core.models import SearchFilters, SearchResult
from assistant.retrieval.retriever import Retriever
from ingest.documents import Chunk
from ingest.text import content_terms, stem

# 'what are the OSCE's (main) recommendations?', 'what does the brief recommend?'
_RECOMMENDS = re.compile(r"\brecommend(?:s|ed|ations?)?\b", re.I)
_NOT_SUBJECT = frozenset(stem(w) for w in FRAME | set(
    ["recommend", "recommends", "recommended", "recommendation", "recommendations", "make", "makes", "made", "give", "gives", "brief", "paper", "report", "study", "document", "summary", "release", "list", "overall"]))
LIST_ITEMS = 3  # numbered items quoted for 'what are the recommendations?'
RECOMMEND_SECTION = "recommend"


def wants_recommendations(topic: str) -> bool:
    """The question asks for the recommendations themselves, on no narrower subject."""
    if wanted_ordinal(topic) is not None or not _RECOMMENDS.search(topic):
        return False
    asked = re.sub(r"\s*\([^()]*\)\s*$", "", topic)  # not the collection's words added to it
    return not [t for t in content_terms(asked) if t not in _NOT_SUBJECT]


def _in_list(section: str | None, kind: str) -> bool:
    return kind[:6] in (section or "").lower()


def _list_passages(retriever: Retriever, kind: str,
                   allowed: np.ndarray | None) -> Iterator[tuple[int, Chunk]]:
    """(row, passage) of the passages under a heading naming that kind of list, within the
    filter's ``allowed`` rows."""
    for row, c in enumerate(retriever.store.chunks):
        if _in_list(c.locator_at(0).section, kind) and (allowed is None or allowed[row]):
            yield row, c


def _listed(s: ScoredSentence, kind: str) -> bool:
    """The sentence sits under a heading naming that kind of list."""
    return _in_list(s.result.chunk.locator_at(s.start).section, kind)


def item_number(sentence: str) -> int | None:
    """The number of the list item a sentence opens with a digit ('3. Strengthen…' -> 3)."""
    m = re.match(r"\s*\(?(\d{1,2})[.)]\s", sentence)
    return int(m.group(1)) if m else None


def numbered_items(topic: str, retriever: Retriever, results: list[SearchResult],
                   filters: SearchFilters | None, docs: set[str] | None = None
                   ) -> list[SearchResult]:
    """For 'the first of the brief's recommendations': the passages that hold item 1 of a list
    under a heading naming that kind of list ('Conclusions and recommendations'), whether or
    not the search found them. For 'what are the recommendations?', those holding the list's
    first items (of the named institutions' ``docs`` when there are any)."""
    have = {r.index for r in results}
    allowed = retriever.mask(filters)
    if wants_recommendations(topic):
        return results + [
            SearchResult(chunk=c, score=0.0, index=row)
            for row, c in _list_passages(retriever, RECOMMEND_SECTION, allowed)
            if row not in have and (not docs or c.doc_id in docs)
            and any((item_number(c.text[a:b]) or 99) <= LIST_ITEMS for a, b in c.sentences)]
    n, kind = wanted_ordinal(topic), wanted_list(topic)
    if n is None or kind is None:
        return results
    if n < 0:  # 'the last recommendation': the highest number of such a list
        n = max((number for _row, c in _list_passages(retriever, kind, allowed)
                 for a, b in c.sentences if (number := item_number(c.text[a:b]))), default=0)
        if n == 0:
            return results
    return results + [SearchResult(chunk=c, score=0.0, index=row)
                      for row, c in _list_passages(retriever, kind, allowed)
                      if row not in have and any(is_item(c.text[a:b], n) for a, b in c.sentences)]


def lift_numbered(scored: list[ScoredSentence], topic: str) -> list[ScoredSentence]:
    """Item n of a list under a heading of the kind asked for leads the answer: for 'the
    first recommendation' the structure answers, whatever words the item shares."""
    if wants_recommendations(topic) and scored:
        return _lift_first_items(scored)
    n, kind = wanted_ordinal(topic), wanted_list(topic)
    if n is None or kind is None or not scored:
        return scored
    if n < 0:
        n = max((number for s in scored if _listed(s, kind)
                 and (number := item_number(s.text))), default=0)
        if n == 0:
            return scored
    top = max(s.score for s in scored)
    items = [s for s in scored if is_item(s.text, n) and _listed(s, kind)]
    numbered = [s for s in items if item_number(s.text) == n]
    for s in numbered or items:  # '1.' outranks a nested 'a.' or 'i.' when both exist
        s.score = s.own = top + 0.01
    return sorted(scored, key=lambda x: -x.score)


def _lift_first_items(scored: list[ScoredSentence]) -> list[ScoredSentence]:
    """Items 1 to LIST_ITEMS of a recommendations list lead the answer, in their order."""
    top = max(s.score for s in scored)
    for s in scored:
        number = item_number(s.text)
        if number is not None and number <= LIST_ITEMS and _listed(s, RECOMMEND_SECTION):
            s.score = s.own = top + 0.01 * (LIST_ITEMS + 1 - number)
    return sorted(scored, key=lambda x: -x.score)
