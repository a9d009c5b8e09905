"""Enumerations that run across paragraphs: a quoted 'A second example of self-regulation has
been…' announces a first one, and a reader given only the second cannot count them (nor can a
follow-up about 'the second of those'). The first sibling, when the retrieved passages hold it
('A primary example of self-regulation is…'), is quoted before it."""

from __future__ import annotations

import re

from assistant.answering.extractive.scoring import ScoredSentence
from ingest.text import stem

_LATER = re.compile(r"^\s*(?:(?:A|An|The)\s+(?:second|third|fourth|fifth|further|final|last)"
                    r"|Another)\s+(?P<noun>[A-Za-z]+)\s+(?:of|to|for|in)\s+(?:the\s+)?"
                    r"(?P<of>[A-Za-z][A-Za-z-]*)")
_FIRST = re.compile(r"^\s*(?:(?:A|An|The)\s+(?:first|primary|main|principal|leading)|One)\s+"
                    r"(?P<noun>[A-Za-z]+)\s+(?:of|to|for|in)\s+(?:the\s+)?"
                    r"(?P<of>[A-Za-z][A-Za-z-]*)")


def _key(m: re.Match[str]) -> tuple[str, str]:
    return stem(m.group("noun").lower()), stem(m.group("of").lower())


def _first_of(later: ScoredSentence, scored: list[ScoredSentence]) -> ScoredSentence | None:
    m = _LATER.match(later.text)
    if m is None:
        return None
    key = _key(m)
    for s in scored:
        f = _FIRST.match(s.text)
        if (f is not None and _key(f) == key
                and s.result.chunk.doc_id == later.result.chunk.doc_id):
            return s
    return None


def with_first_siblings(picked: list[ScoredSentence], scored: list[ScoredSentence]
                        ) -> list[ScoredSentence]:
    """``picked`` with the first member of each enumeration a picked sentence continues ('A
    second example of X…' brings 'A primary example of X…'), placed before it."""
    out: list[ScoredSentence] = []
    have = {(p.row, p.start) for p in picked}
    for p in picked:
        first = _first_of(p, scored)
        if first is not None and (first.row, first.start) not in have:
            out.append(first)
            have.add((first.row, first.start))
        out.append(p)
    return out
