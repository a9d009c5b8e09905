"""A premise the documents contradict in so many words: 'why did the OSCE say self-regulation
has worked?' when the quoted sentence says 'self-regulation is not working'. The question takes
a statement as given, and a quoted sentence says the same thing negated: the same word, with a
negation just before it in the sentence and none in the question. The correction says only
that, and the quotation below shows it."""

from __future__ import annotations

import re

from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.question import Asked
from assistant.retrieval.spelling import is_english
from ingest.text import STOPWORDS, stem

_NEGATION = re.compile(r"^(?:not|no|never|neither|nor|cannot|without|n't|fail(?:s|ed)?|lack|"
                       r"lacking|insufficient(?:ly)?)$", re.I)
_WORD = re.compile(r"[A-Za-z]+(?:'t)?|[,;:.!?]")
_BREAK = frozenset([",", ";", ":", ".", "!", "?", "and", "or", "but", "while", "whereas",
                    "although", "though"])
WINDOW = 3  # words between a negation and the word it negates, within one clause


def _negated(text: str) -> tuple[set[str], set[str]]:
    """(stems said plainly, stems said negated) of the content words of ``text``."""
    words = [w.lower() for w in _WORD.findall(text.replace("’", "'"))]
    plain: set[str] = set()
    negated: set[str] = set()
    for i, w in enumerate(words):
        if w in _BREAK or w in STOPWORDS or _NEGATION.match(w) or w.endswith("n't") or len(w) < 4:
            continue
        neg = False
        for b in reversed(words[max(0, i - WINDOW) : i]):
            if b in _BREAK:
                break
            if _NEGATION.match(b) or b.endswith("n't"):
                neg = True
                break
        if not neg and (base := _prefixed(w)) is not None:
            negated.add(stem(base))  # 'inadequate' negates 'adequate'
            continue
        (negated if neg else plain).add(stem(w))
    return plain, negated


_NEG_PREFIX = re.compile(r"^(?:in|un|non-?|im|ir|il|dis)(?=[a-z]{4,})")
# what such a prefix negates is a quality: 'adequate', 'effective', 'regulated', 'legal' (not
# 'formation' in 'information', 'prove' in 'improve', 'cover' in 'discover')
_NOT_NEGATED = frozenset({"invaluable", "invested", "immediate", "inflammable", "infamous",
                          "intent", "intense", "invented"})
_QUALITY = re.compile(r"(?:ate|ive|ent|ant|able|ible|al|ed|ful|ous|ic|ary|ing)$")


def _prefixed(word: str) -> str | None:
    """The quality a negating prefix negates ('ineffective' -> 'effective', 'unregulated' ->
    'regulated'), when what follows the prefix is itself an English word ('interest' and
    'industry' keep their own meaning: 'terest' is no word)."""
    m = _NEG_PREFIX.match(word)
    if m is None or word in _NOT_NEGATED:
        return None
    base = word[m.end():]
    return base if len(base) >= 5 and _QUALITY.search(base) and is_english(base) else None


def contradicted(asked: Asked, quoted: list[ScoredSentence]) -> str | None:
    """'The documents say the opposite' when the first quoted excerpt negates a word the
    question asserts plainly (and asserts nothing negated itself)."""
    if not asked.presumed or not quoted:
        return None
    said, said_not = _negated(asked.corrected)
    if said_not:
        return None  # the question's own negations are not read
    plain, negated = _negated(quoted[0].text)
    flipped = (said & negated) - plain
    if not flipped:
        return None
    return "The documents say the opposite (the quotation below)."
