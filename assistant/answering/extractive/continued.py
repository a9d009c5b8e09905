"""Lists cut by a passage boundary: an excerpt that ends on the last sentence of its passage
with a list item that runs on ('ii. Age-verification…;') goes on in the next passage of the
same document, whose first items ('iii. High-visibility content removal request mechanism;')
belong to the same list. Without them a reader gets two of three measures and no sign of the
third."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant.answering.answer_type import continues_list
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.extractive.selection import run_on
from assistant.answering.extractive.trim import LIST_ITEM, item_level
from assistant.core.models import SearchResult


def _item_runs_to_end(s: ScoredSentence) -> bool:
    """The excerpt ends inside the passage's last list item, which runs on ('…;'): no later
    sentence of the passage opens an item, and its last sentence continues the list."""
    chunk = s.result.chunk
    last = s.k_end if s.k_end is not None else s.k
    rest = [chunk.text[a:b] for a, b in chunk.sentences[last + 1:]]
    if any(LIST_ITEM.match(t) for t in rest):
        return False
    return continues_list(rest[-1] if rest else s.text) and (
        not rest or any(LIST_ITEM.match(line) for line in s.text.split("\n")))


def _same_list(chunk: Any) -> int:
    """The last sentence of the list items that open ``chunk`` and belong to one list: items
    of the first item's level (and the sentences inside them), while each runs on ('…;')."""
    levels = [item_level(chunk.text[a:b]) for a, b in chunk.sentences]
    other = {k for k, level in enumerate(levels) if level not in (levels[0], None)}
    return run_on(chunk, 0, other)  # an item of another level ends it


def _next_items(s: ScoredSentence, store: Any) -> ScoredSentence | None:
    """The items that open the next passage of the same document, when ``s`` ends inside its
    passage's last list item and that item runs on; else None."""
    idx = s.result.index
    if not _item_runs_to_end(s):
        return None
    if idx + 1 >= len(store.chunks) or store.chunks[idx + 1].doc_id != s.result.chunk.doc_id:
        return None
    nxt = store.chunks[idx + 1]
    if not nxt.sentences or not LIST_ITEM.match(nxt.text[nxt.sentences[0][0]:]):
        return None
    hi = _same_list(nxt)
    result = SearchResult(chunk=nxt, score=s.result.score, index=idx + 1)
    return replace(s, result=result, start=nxt.sentences[0][0], end=nxt.sentences[hi][1],
                   row=store.sentence_offsets[idx + 1], k=0, k_end=hi)


def across_passages(excerpts: list[ScoredSentence], store: Any) -> list[ScoredSentence]:
    """``excerpts`` with each list that a passage boundary cuts continued from the next
    passage, right after it (once per passage)."""
    out: list[ScoredSentence] = []
    have = {(e.result.index, e.k) for e in excerpts}
    for e in excerpts:
        more = _next_items(e, store)
        if more is None or (more.result.index, 0) in have:
            out.append(e)
            continue
        sents = e.result.chunk.sentences  # the cut item, to the end of its passage
        out += [replace(e, end=sents[-1][1], k_end=len(sents) - 1), more]
        have.add((more.result.index, 0))
    return out
