"""A count the question gets wrong: 'the three threshold questions the brief lists' when the
quoted sentence says 'Two threshold questions must be considered'. The correction restates the
quoted count with the words it counts, so nothing in it is the engine's own."""

from __future__ import annotations

import re

from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.question import Asked
from ingest.text import content_terms

NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve"]
_NUMBER = r"\b(\d{1,2}|" + "|".join(NUMBER_WORDS[1:]) + r")\b"
# A count and the (up to three) words after it: 'two threshold questions', '3 key areas'.
_COUNTED = re.compile(_NUMBER + r"((?:\s+[A-Za-z][\w-]*){1,3})", re.I)
# Not a count of things: '3 in 4', '75 per cent', '2 of the recommendations', 'one of them'.
_NOT_COUNT = re.compile(r"^\s+(?:in|out|of|per|percent|or|and|to|%)\b", re.I)
_RATIO = re.compile(r"\b(?:in|out\s+of)\s*$", re.I)  # the 4 of '3 in 4 victims'
LEADS = 2  # quoted excerpts checked, best first


def number_value(word: str) -> int:
    """'three' -> 3, '12' -> 12."""
    w = word.lower()
    return NUMBER_WORDS.index(w) if w in NUMBER_WORDS else int(w)


def counts(text: str) -> list[tuple[int, str, list[str]]]:
    """(count, the number as written, the words after it) of each count the text gives."""
    out = []
    for m in _COUNTED.finditer(text):
        if _NOT_COUNT.match(m.group(2)) or m.group(1).lower() == "one" or \
                _RATIO.search(text[: m.start()]):
            continue  # 'one' is as often 'one example' as a count
        words = m.group(2).split()
        out.append((number_value(m.group(1)), m.group(1), words))
    return out


def wrong_count(asked: Asked, quoted: list[ScoredSentence]) -> str | None:
    """The question counts something ('the three gateway questions') that a quoted excerpt
    counts differently, with a word in common among the words counted ('Two threshold
    questions'): the excerpt's count, in its own words."""
    said = counts(asked.corrected)
    if not said:
        return None
    asked_terms = {t for _, _, words in said for t in content_terms(" ".join(words))}
    for s in quoted[:LEADS]:
        for n, number, words in counts(s.text):
            shared = [i for i, w in enumerate(words) if set(content_terms(w)) & asked_terms]
            wrong = [asked_as for m, asked_as, _ in said if m != n]
            if shared and wrong and all(m != n for m, _, _ in said):
                counted = " ".join([number.lower(), *words[: shared[-1] + 1]])
                return f"The documents give {counted}, not {wrong[0]} (the quotation below)."
    return None


# a share in an excerpt and the words it is a share of: '18% of the tools identified'
_SHARE = re.compile(r"\b(\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent\b|percent\b)((?:\s+[A-Za-z][\w-]*){1,4})",
                    re.I)


def count_for_share(asked: Asked, quoted: list[ScoredSentence]) -> str | None:
    """'just 18 apps and tools' when the quoted excerpt says 'only 18% of the tools': a count
    the question gives where the documents give that number as a share of the same things."""
    for n, number, words in counts(asked.corrected):
        asked_terms = set(content_terms(" ".join(words)))
        for s in quoted[:LEADS]:
            for m in _SHARE.finditer(s.text):
                after = m.group(2).split()
                shared = [i for i, w in enumerate(after) if set(content_terms(w)) & asked_terms]
                if float(m.group(1)) == n and shared:
                    share = m.group(0)[: m.start(2) - m.start()].strip()
                    counted = " ".join([share, *after[: shared[0] + 1]])
                    return (f"The documents give {counted}, a share, not {number} "
                            f"{' '.join(words)} (the quotation below).")
    return None
