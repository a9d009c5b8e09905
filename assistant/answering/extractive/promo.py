"""Promotional text: a passage that shouts ('!!') or repeats the same four words three times
over (keyword stuffing, 'BUY CRYPTO at … BUY CRYPTO at …') is not evidence a policymaker would
cite, whatever words it shares with the question; its sentences are ranked down."""

from __future__ import annotations

import re
from collections import Counter

PENALTY = 0.2  # taken off the score of each sentence of a promotional passage
REPEATS = 3  # a four-word sequence this often in one passage is stuffing
_WORD = re.compile(r"[\w'-]+")


def promotional(text: str) -> bool:
    if "!!" in text:
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    grams = Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))
    return bool(grams) and max(grams.values()) >= REPEATS
