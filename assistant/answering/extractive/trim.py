"""An answer a reader can follow: list items with their lead-in, and no figure that answers a
different question.

A word budget keeps a factual answer short: measured on the documents suite and users-dev
(2026-12-05, answers to one-part questions), 120 words of quotation gave answers of 107/120
words (median) and cost 2 and 4 cases; 140 words, 114/136 and 2 and 1 cases; 160 words,
130/150 and 1 and 1 case; without a budget the medians were 156/181 words. 160 it is, for each
part of a question in several parts and each institution it names."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answering.answer_type import ROMAN, is_lead_in, offers
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.extractive.selection import extend_lead_in

WORD_BUDGET = 160  # words of quotation for one question (for each part or institution it names)
LEAD_IN_REACH = 6  # sentences back from a list item to its lead-in
LIST_ITEM = re.compile(r"^\s*(?:[-•*]|\(?[a-z0-9]{1,4}[.)])\s")


_MARKER = re.compile(r"^\s*\(?([a-z0-9]{1,4})[.)]\s")


def item_level(sentence: str) -> str | None:
    """The kind of marker a list item carries: 'number', 'roman', 'letter' or 'bullet'."""
    m = _MARKER.match(sentence)
    if m is None:
        return "bullet" if LIST_ITEM.match(sentence) else None
    mark = m.group(1)
    return "number" if mark.isdigit() else "roman" if mark in ROMAN else "letter"


def with_lead_in(s: ScoredSentence) -> ScoredSentence:
    """A list item quoted from the sentence that announces its list ('…should:'), when its
    passage holds that sentence. An item of the same kind that announces a list of its own
    ('b. Due diligence obligations…, including:' before 'c. Liability…') is a sibling, not
    the lead-in: its sub-items are passed over too."""
    level = item_level(s.text)
    if level is None:
        return s
    c = s.result.chunk
    for j in range(s.k - 1, max(-1, s.k - 1 - LEAD_IN_REACH), -1):
        a, b = c.sentences[j]
        text = c.text[a:b]
        if is_lead_in(text) and item_level(text) != level:
            return replace(s, start=a, k=j, k_end=s.k if s.k_end is None else s.k_end)
        if not LIST_ITEM.match(text):
            break
    return s


def off_question(s: ScoredSentence, lead: ScoredSentence, want: str | None) -> bool:
    """A figure from another document than the lead's, when a figure was asked for: it answers
    a different question ('what share are advertised online?' is not answered by 78%)."""
    return (want == "number" and s.result.chunk.doc_id != lead.result.chunk.doc_id
            and offers(s.text, "number"))


def _span(s: ScoredSentence) -> tuple[int, int]:
    """Sentence numbers an excerpt will quote, its list items included."""
    c = s.result.chunk
    last = s.k if s.k_end is None else s.k_end
    end = extend_lead_in(c, last, s.end)
    return s.k, max(k for k, (_a, b) in enumerate(c.sentences) if b <= end)


def merged(out: list[ScoredSentence], s: ScoredSentence) -> bool:
    """Fold ``s`` into an excerpt of ``out`` that quotes some of the same sentences (a list
    item quoted with its lead-in overlaps the lead-in quoted with its items): one excerpt,
    never the same words twice."""
    lo, hi = _span(s)
    for i, o in enumerate(out):
        if o.result.chunk.chunk_id != s.result.chunk.chunk_id:
            continue
        olo, ohi = _span(o)
        if lo <= ohi and olo <= hi:
            a, b = min(lo, olo), max(hi, ohi)
            sents = o.result.chunk.sentences
            out[i] = replace(o, k=a, k_end=b, start=sents[a][0], end=sents[b][1])
            return True
    return False


# A footnote's number before its text ('1 ‘Technology-facilitated trafficking’ is understood…',
# '2 See Facebook…'): a scrape artefact, not part of what is quoted
_NOTE_NUMBER = re.compile(r"^\s*\d{1,2}\s+(?=[‘'“\"A-Z])")


def without_note_number(s: ScoredSentence) -> ScoredSentence:
    m = _NOTE_NUMBER.match(s.result.chunk.text[s.start : s.end])
    return replace(s, start=s.start + m.end()) if m else s


def trim(excerpts: list[ScoredSentence], want: str | None) -> list[ScoredSentence]:
    out: list[ScoredSentence] = []
    for s in excerpts:
        whole = without_note_number(with_lead_in(s))
        if out and off_question(whole, out[0], want):
            continue
        if not merged(out, whole):
            out.append(whole)
    return out


def _words(s: ScoredSentence) -> int:
    end = extend_lead_in(s.result.chunk, s.k if s.k_end is None else s.k_end, s.end)
    return len(s.result.chunk.text[s.start : end].split())


def core(s: ScoredSentence) -> ScoredSentence:
    """An excerpt cut back to end at the sentence it was picked for: what it grew after that
    (a continuation, the rest of a list) is context, not answer."""
    return replace(s, end=s.result.chunk.sentences[s.k][1], k_end=s.k)


def within(excerpts: list[ScoredSentence], budget: int) -> list[ScoredSentence]:
    """The best excerpt, then the others while the answer stays within ``budget`` words of
    quotation (a factual answer of about 120 words; a question in several parts, or about
    several institutions, gets a budget for each). Then, in what is left of the budget, an
    excerpt that did not fit is cut back to end at its picked sentence, in its place."""
    keep: dict[int, ScoredSentence] = {}
    used = 0
    for i, s in enumerate(excerpts):
        words = _words(s)
        if keep and used + words > budget:
            continue
        keep[i] = s
        used += words
    for i, s in enumerate(excerpts):
        if i not in keep and used + (words := _words(cut := core(s))) <= budget:
            keep[i] = cut
            used += words
    return [keep[i] for i in sorted(keep)]
