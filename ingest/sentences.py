"""Sentence boundaries with a real splitter (pysbd): 'e.g.', 'U.S.' and 'Dr.' are not ends."""

from __future__ import annotations

from functools import lru_cache

import pysbd


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
    return out
