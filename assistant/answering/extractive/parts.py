"""Questions in several parts ('are sites required to scan uploads, and what does the OSCE want
instead?'): each part is searched on its own, and its best sentence joins the answer, so an
answer does not cover one side of a two-sided question only."""

from __future__ import annotations

import re

from assistant.answering.answer_type import is_item, wanted_list, wanted_ordinal
from assistant.answering.base import quotable
from assistant.answering.extractive.scoring import ScoredSentence, SentenceScorer
from assistant.core.models import SearchFilters, SearchResult
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms

_ASK = r"(?:what|how|why|who|which|where|when|is|are|does|do|did|should|can|could|would)\b"
_SPLIT = re.compile(rf"\?\s+(?=\S)|\s*[,;]\s*(?:and|but)\s+(?={_ASK})|\s+and\s+(?=(?:what|how|why|"
                    rf"who|which|where|when)\b)", re.I)
PART_PASSAGES = 5  # passages searched for each part
PART_FLOOR = 0.8  # share of the refusal threshold a part's best sentence must reach


def parts_of(topic: str) -> list[str]:
    """The separately answerable parts of a question (one part for most questions)."""
    pieces = [p.strip(" ,;?") for p in _SPLIT.split(topic)]
    pieces = [p for p in pieces if len(content_terms(p)) >= 2]
    return pieces if len(pieces) > 1 else [topic]


def cover_parts(picked: list[ScoredSentence], parts: list[str], retriever: Retriever,
                scorer: SentenceScorer, floor: float, max_n: int,
                filters: SearchFilters | None) -> list[ScoredSentence]:
    """``picked`` with the best sentence of each part the picks do not already cover."""
    if len(parts) < 2:
        return picked
    out = list(picked)
    rows = {p.row for p in out}
    for part in parts:
        vec = retriever.embed_query(part)
        results = retriever.search(part, PART_PASSAGES, filters, qvec=vec)
        best = next((s for s in scorer.score(part, vec, results) if quotable(s.text)), None)
        if best is None or best.score < floor * PART_FLOOR or best.row in rows:
            continue
        if len(out) >= max_n:
            out = out[: max_n - 1]
        out.append(best)
        rows.add(best.row)
    return out


def item_number(sentence: str) -> int | None:
    """The number of the list item a sentence opens with a digit ('3. Strengthen…' -> 3)."""
    m = re.match(r"\s*\(?(\d{1,2})[.)]\s", sentence)
    return int(m.group(1)) if m else None


def numbered_items(topic: str, retriever: Retriever, results: list[SearchResult],
                   filters: SearchFilters | None) -> list[SearchResult]:
    """For 'the first of the brief's recommendations': the passages that hold item 1 of a list
    under a heading naming that kind of list ('Conclusions and recommendations'), whether or
    not the search found them; a list's items rarely share the question's words."""
    n, kind = wanted_ordinal(topic), wanted_list(topic)
    if n is None or kind is None:
        return results
    have = {r.index for r in results}
    allowed = retriever.mask(filters)
    if n < 0:  # 'the last recommendation': the highest number of such a list
        n = max((number for row, c in enumerate(retriever.store.chunks)
                 if kind[:6] in (c.locator_at(0).section or "").lower()
                 and (allowed is None or allowed[row])
                 for a, b in c.sentences if (number := item_number(c.text[a:b]))), default=0)
        if n == 0:
            return results
    extra: list[SearchResult] = []
    for row, c in enumerate(retriever.store.chunks):
        section = (c.locator_at(0).section or "").lower()
        if row in have or kind[:6] not in section or allowed is not None and not allowed[row]:
            continue
        if any(is_item(c.text[a:b], n) for a, b in c.sentences):
            extra.append(SearchResult(chunk=c, score=0.0, index=row))
    return results + extra


def lift_numbered(scored: list[ScoredSentence], topic: str) -> list[ScoredSentence]:
    """Item n of a list under a heading of the kind asked for leads the answer: for 'the
    first recommendation' the structure answers, whatever words the item shares."""
    n, kind = wanted_ordinal(topic), wanted_list(topic)
    if n is None or kind is None or not scored:
        return scored
    if n < 0:
        n = max((number for s in scored
                 if kind[:6] in (s.result.chunk.locator_at(s.start).section or "").lower()
                 and (number := item_number(s.text))), default=0)
        if n == 0:
            return scored
    top = max(s.score for s in scored)
    items = [s for s in scored if is_item(s.text, n)
             and kind[:6] in (s.result.chunk.locator_at(s.start).section or "").lower()]
    numbered = [s for s in items if re.match(rf"\s*\(?{n}[.)]\s", s.text)]
    for s in numbered or items:  # '1.' outranks a nested 'a.' or 'i.' when both exist
        s.score = s.own = top + 0.01
    return sorted(scored, key=lambda x: -x.score)
