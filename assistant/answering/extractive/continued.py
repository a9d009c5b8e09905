"""Lists cut by a passage boundary: an excerpt that ends on the last sentence of its passage
with a list item that runs on ('ii. Age-verification…;') goes on in the next passage of the
same document, whose first items ('iii. High-visibility content removal request mechanism;')
belong to the same list. Without them a reader gets two of three measures and no sign of the
third.

A passage that ends on a lead-in ('Thus, OSCE participating States should:') goes on in the same
way with the list that opens the next passage, after at most ``BEFORE_ITEMS`` sentences set
between them on the page (a pull quote); without it the excerpt announces what it never says."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant.answering.answer_type import continues_list, is_lead_in
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.extractive.selection import run_on
from assistant.answering.extractive.trim import LIST_ITEM, item_level
from assistant.core.models import SearchResult

BEFORE_ITEMS = 1  # sentences the next passage may open with before a cut lead-in's list


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


def _same_list(chunk: Any, first: int = 0) -> int:
    """The last sentence of the list items that open ``chunk`` from sentence ``first`` and
    belong to one list: items of the first item's level (and the sentences inside them), while
    each runs on ('…;')."""
    levels = [item_level(chunk.text[a:b]) for a, b in chunk.sentences]
    other = {k for k, level in enumerate(levels) if level not in (levels[first], None)}
    return run_on(chunk, first, other)  # an item of another level ends it


def _ends_on_lead_in(s: ScoredSentence) -> bool:
    """The excerpt ends on its passage's last sentence, and that sentence announces a list."""
    sents = s.result.chunk.sentences
    last = s.k_end if s.k_end is not None else s.k
    return last == len(sents) - 1 and is_lead_in(s.text)


def _first_item(chunk: Any, reach: int) -> int | None:
    """The first of ``chunk``'s first ``reach`` + 1 sentences that opens a list item."""
    return next((k for k, (a, _) in enumerate(chunk.sentences[: reach + 1])
                 if LIST_ITEM.match(chunk.text[a:])), None)


def _next_items(s: ScoredSentence, store: Any) -> ScoredSentence | None:
    """The items that open the next passage of the same document, when ``s`` ends inside its
    passage's last list item and that item runs on; else None."""
    idx = s.result.index
    lead_in = _ends_on_lead_in(s)
    if not (lead_in or _item_runs_to_end(s)):
        return None
    if idx + 1 >= len(store.chunks) or store.chunks[idx + 1].doc_id != s.result.chunk.doc_id:
        return None
    nxt = store.chunks[idx + 1]
    first = _first_item(nxt, BEFORE_ITEMS if lead_in else 0)
    if first is None:
        return None
    hi = _same_list(nxt, first)
    result = SearchResult(chunk=nxt, score=s.result.score, index=idx + 1)
    return replace(s, result=result, start=nxt.sentences[first][0], end=nxt.sentences[hi][1],
                   row=store.sentence_offsets[idx + 1] + first, k=first, k_end=hi)


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
