"""Lists a question points into: 'the first of the brief's recommendations' (item 1 of the
list under a heading of that kind), 'the last recommendation' (its highest number), and 'what
are the OSCE's recommendations?' (the list's numbered items, in order). A list's items rarely
share the question's words, so the structure answers, not the words."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from assistant.answering.answer_type import is_item, wanted_list, wanted_ordinal
from assistant.answering.extractive.counts import LEADS, NUMBER_WORDS, counts, number_word
from assistant.answering.extractive.frame import source_label
from assistant.answering.extractive.scoring import ScoredSentence, leading
from assistant.answering.focus import FRAME, counted
from assistant.core.models import SearchFilters, SearchResult
from assistant.retrieval.retriever import Retriever
from ingest.documents import Chunk
from ingest.text import content_terms, stem

# 'what are the OSCE's (main) recommendations?', 'what does the brief recommend?'
_RECOMMENDS = re.compile(r"\brecommend(?:s|ed|ations?)?\b|\b(?:ask|call)(?:s|ing)?\s+for\b", re.I)
_NOT_SUBJECT = frozenset(stem(w) for w in FRAME | set(
    ["recommend", "recommends", "recommended", "recommendation", "recommendations", "make",
     "ask", "asks", "asking", "call", "calls", "calling", "top",
     "makes", "made", "give", "gives", "brief", "paper", "report", "study", "document",
     "summary", "release", "list", "overall", "policy"]
    # words that say which list or how much of it, not what about: 'the five numbered
    # recommendations the brief closes with, in order', 'the full list'
    + ["numbered", "close", "closes", "closing", "end", "ends", "final", "conclude",
       "concludes", "concluding", "order", "full", "whole", "complete", "all", "key", "main"]))
LIST_ITEMS = 3  # numbered items quoted for 'what are the recommendations?'
RECOMMEND_SECTION = "recommend"
LISTED_SCORE = 0.4  # the least score of a list's items when the question asks for the list


# 'what should governments do?', 'what should parliament do about this?': what the documents
# recommend to those who make policy, on no narrower subject
_SHOULD_DO = re.compile(
    r"^\W*(?:so\s+|and\s+)?what\s+(?:should|must|ought|can|could)\s+(?:the\s+|our\s+)?(?:governments?|"
    r"states?|parliaments?|lawmakers|legislators?|legislatures?|policy[\s-]?makers|mps|"
    r"ministers?|ministries|congress)\s+(?:\w+\s+)?do\b(?:\s+(?:about\s+(?:this|it|that)|now|"
    r"next|first))?\W*$", re.I)


def wants_recommendations(topic: str) -> bool:
    """The question asks for the recommendations themselves, on no narrower subject."""
    asked = re.sub(r"\s*\([^()]*\)\s*$", "", topic)  # not the collection's words added to it
    if _SHOULD_DO.match(asked):
        return True
    if wanted_ordinal(topic) is not None or not _RECOMMENDS.search(topic):
        return False
    asked = asked.split("?")[0]  # not a request after the question ('need them for a slide')
    return not [t for t in content_terms(asked)
                if t not in _NOT_SUBJECT and t not in NUMBER_WORDS and not t.isdigit()]


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
    items = [s for s in scored if is_item(s.text, n) and _listed(s, kind)]
    numbered = [s for s in items if item_number(s.text) == n]
    return leading(scored, numbered or items)  # '1.' outranks a nested 'a.' or 'i.' when both exist


def _lift_first_items(scored: list[ScoredSentence]) -> list[ScoredSentence]:
    """Items 1 to LIST_ITEMS of a recommendations list lead the answer, in their order, as
    evidence that counts whatever words they share ('what should parliament do?')."""
    top = max(max(s.score for s in scored), LISTED_SCORE)
    for s in scored:
        number = item_number(s.text)
        if number is not None and number <= LIST_ITEMS and _listed(s, RECOMMEND_SECTION):
            s.score = s.own = top + 0.01 * (LIST_ITEMS + 1 - number)
    return sorted(scored, key=lambda x: -x.score)


def _numbered_as(s: ScoredSentence, words: list[str], retriever: Retriever
                 ) -> tuple[int, str] | None:
    """(its highest number, the word of ``words`` its heading names) of the numbered list the
    excerpt ``s`` quotes items of, under a heading naming one of ``words``; None otherwise."""
    c = s.result.chunk
    items = [a for a, b in c.sentences if s.start <= a < s.end and item_number(c.text[a:b]) is not None]
    section = c.locator_at(items[0]).section if items else None
    if not section:
        return None
    heading = set(content_terms(section))
    named = [w for w in words if set(content_terms(w)) & heading]
    if not named:
        return None
    last = max((k for other in retriever.store.chunks
                if other.doc_id == c.doc_id and other.locator_at(0).section == section
                for a, b in other.sentences if (k := item_number(other.text[a:b]))), default=0)
    return (last, named[0].lower()) if last else None


def wrong_list_count(asked_text: str, quoted: list[ScoredSentence],
                     retriever: Retriever) -> str | None:
    """The question counts a numbered list ('the five numbered recommendations') that the
    quoted list numbers otherwise (1 to 3): the list's own count, in the question's word."""
    for s in quoted[:LEADS]:
        for n, number, words in counts(asked_text):
            found = _numbered_as(s, words, retriever)
            if found and found[0] != n:
                label = source_label(retriever.store.meta(s.result.chunk.doc_id))
                return f"{label} numbers {number_word(found[0])} {found[1]}, not {number} (the quotation below)."
    return None


def list_size(asked_text: str, quoted: list[ScoredSentence], retriever: Retriever) -> str | None:
    """'how many recommendations does the osce make?' when the answer quotes a numbered list
    under a heading of that kind: how many items it numbers, in the question's word."""
    if (what := counted(asked_text)) is None:
        return None
    for s in quoted[:LEADS]:
        if found := _numbered_as(s, what.split(), retriever):
            label = source_label(retriever.store.meta(s.result.chunk.doc_id))
            return f"{label} numbers {number_word(found[0])} {found[1]}."
    return None
