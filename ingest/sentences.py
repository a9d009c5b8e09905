"""Sentence boundaries with a real splitter (pysbd): 'e.g.', 'U.S.' and 'Dr.' are not ends."""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

# A list marker ('a.', 'iii.', '2)', '(b)'): pysbd ends a sentence after it when it stands
# alone, or leaves it trailing the item before it on the same line ('…monitoring; ii.').
_MARK = r"\(?(?:[a-z]|[ivxlc]{1,6}|\d{1,2})[.)]"
_MARKER = re.compile(_MARK, re.I)
_TRAILING_MARKER = re.compile(rf"(?<=[;:,])\s+({_MARK})$", re.I)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, trimmed of surrounding white space."""
    spans: list[tuple[int, int]] = []
    for seg in _segmenter().segment(text):
        s, e = seg.start, seg.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    # pysbd keeps paragraph breaks inside a span; split there too.
    out: list[tuple[int, int]] = []
    for s, e in spans:
        start = s
        while True:
            k = text.find("\n\n", start, e)
            if k < 0:
                out.append((start, e))
                break
            if k > start:
                out.append((start, k))
            start = k + 2
    return _attach_markers(text, out)


def _attach_markers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'iii.' + 'Report illegal content…' become one sentence: the item with its marker."""
    moved: list[tuple[int, int]] = []
    carry: int | None = None
    for n, (s, e) in enumerate(spans):
        s = carry if carry is not None else s
        carry = None
        m = _TRAILING_MARKER.search(text, s, e)
        if m and n + 1 < len(spans):
            carry, e = m.start(1), m.start()
        moved.append((s, e))
    out: list[tuple[int, int]] = []
    pending: int | None = None
    for s, e in moved:
        if _MARKER.fullmatch(text[s:e]):
            pending = s if pending is None else pending
            continue
        out.append((pending if pending is not None else s, e))
        pending = None
    if pending is not None:
        out.append((pending, moved[-1][1]))
    return out
