"""Questions in several parts ('are sites required to scan uploads, and what does the OSCE want
instead?'): each part is searched on its own, and its best sentence joins the answer, so an
answer does not cover one side of a two-sided question only."""

from __future__ import annotations

import re

from assistant.answering.base import quotable
from assistant.answering.extractive.scoring import ScoredSentence, SentenceScorer
from assistant.core.models import SearchFilters
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms

_ASK = r"(?:what|how|why|who|which|where|when|is|are|does|do|did|should|can|could|would)\b"
_SPLIT = re.compile(rf"\?\s+(?=\S)|\s*[,;]\s*(?:and|but)\s+(?={_ASK})|\s+and\s+(?=(?:what|how|why|"
                    rf"who|which|where|when)\b)", re.I)
# 'the osce study says three-quarters of all victims… - what does it want websites to do?': a
# statement (checked as a premise) and the question asked about it
_DASH = re.compile(rf"\s+[-–—]+\s+(?={_ASK})", re.I)
STATEMENT_MIN = 3  # content words before a dash for it to split a statement from a question
PART_PASSAGES = 5  # passages searched for each part
PART_FLOOR = 0.8  # share of the refusal threshold a part's best sentence must reach


def parts_of(topic: str) -> list[str]:
    """The separately answerable parts of a question (one part for most questions)."""
    pieces = [p.strip(" ,;?") for p in _SPLIT.split(topic)]
    pieces = [q for p in pieces for q in _dashed(p)]
    pieces = [p for p in pieces if len(content_terms(p)) >= 2]
    return pieces if len(pieces) > 1 else [topic]


def _dashed(piece: str) -> list[str]:
    """A piece split at a dash that follows a statement ('and the second one - how pressing is
    it?' points back and stays whole)."""
    m = _DASH.search(piece)
    if m is None or len(content_terms(piece[: m.start()])) < STATEMENT_MIN:
        return [piece]
    return [piece[: m.start()], *_dashed(piece[m.end() :])]


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
