"""Typos corrected against the collection's own words (and its publishers' names): 'convnetion' ->
'convention', 'trafficing' -> 'trafficking'. Only lower-case words that are neither the
collection's nor English are touched (a capitalised word is a name, and a name the collection
lacks must stay visible; 'reply' is not a typo of 'rely'), and only when one of the collection's
words is within one edit (two for long words).

The English word list is pyspellchecker's (160,000 words with frequencies, shipped inside the
package, loaded in about 0.1 s): a maintained list beats one written here."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from ingest.text import STOPWORDS

_TOKEN = re.compile(r"[A-Za-z]+")
MIN_LEN = 5
TIE_RATIO = 3  # of two equally close words, one this many times commoner wins
ENGLISH_FIX_MIN = 6  # letters from which a slip on a word the collection lacks is fixed


_PREFIX = re.compile(r"^(re|un|pre|co|non|anti|over|under|cross)(?=[a-z]{4})")


@lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    return frozenset(_checker().word_frequency.dictionary)


@lru_cache(maxsize=1)
def _checker() -> Any:
    from spellchecker import SpellChecker  # deferred: 0.1 s to load its word list

    return SpellChecker(language="en", distance=1)


def _english_fix(word: str) -> str:
    """The English word one edit from ``word`` (the commonest, keeping its first letter), for
    a slip on a word the collection does not use; else ``word``."""
    if len(word) < ENGLISH_FIX_MIN:
        return word  # 'eqnow', 'coe': users' short names, not slips
    fixed = _checker().correction(word)
    if not fixed or fixed == word or fixed[0] != word[0] or word.startswith(fixed):
        return word  # nor a word cut short: 'crypto' is not 'crypt'
    return fixed


# British spellings, which the word list lacks, mapped onto the American ones it has:
# 'criminalise', 'organisation', 'behaviour', 'centre', 'analyse', 'defence', 'travelled'.
_BRITISH = [(re.compile(r"is(e|es|ed|ing|ation|ations|er|ers)$"), r"iz\1"),
            (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"), (re.compile(r"our"), "or"),
            (re.compile(r"tre(s?)$"), r"ter\1"), (re.compile(r"ence$"), "ense"),
            (re.compile(r"ogue$"), "og"), (re.compile(r"ll(ed|ing|er)$"), r"l\1")]


_AMERICAN = [(re.compile(r"iz(e|es|ed|ing|ation|ations|er|ers)$"), r"is\1"),
             (re.compile(r"yz(e|es|ed|ing)$"), r"ys\1"), (re.compile(r"(?<=[lv])or"), "our"),
             (re.compile(r"ter(s?)$"), r"tre\1"), (re.compile(r"ense$"), "ence")]


def spellings(word: str) -> list[str]:
    """The word's other spellings, British to American and back ('organisation',
    'organization'), which the collection may use instead."""
    return [p.sub(r, word) for p, r in _BRITISH + _AMERICAN if p.search(word)]


def is_english(word: str) -> bool:
    """An English word, in British or American spelling, or a known word with a common prefix
    ('repost', 'cross-border')."""
    w = word.lower()
    words = _english()
    if w in words or bool(_PREFIX.match(w) and _PREFIX.sub("", w) in words):
        return True
    return any(v in words for v in spellings(w))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count one), or ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def letters(word: str) -> int:
    """The set of the word's letters as a bit mask."""
    mask = 0
    for c in word:
        mask |= 1 << ord(c)
    return mask


# Abbreviations of everyday writing, spelled out when the collection does not use them itself.
ABBREVIATIONS = {
    "rep": "representative", "reps": "representatives", "govt": "government",
    "govts": "governments", "gov": "government", "intl": "international",
    "int'l": "international", "orgs": "organisations", "org": "organisation",
    "dept": "department", "depts": "departments", "regs": "regulations",
    "reqs": "requirements", "info": "information", "ppl": "people", "yr": "year",
    "yrs": "years", "thru": "through", "approx": "approximately", "eg": "for example",
    "b/c": "because", "w/o": "without", "pls": "please", "plz": "please", "recs": "recommendations",
    "abt": "about", "w/": "with", "bc": "because", "cuz": "because", "tho": "though",
    "b4": "before", "u": "you", "ur": "your", "wat": "what", "wht": "what",
    # contractions typed without their apostrophe ('whats been done', 'doesnt eqnow want…')
    "whats": "what's", "hows": "how's", "whos": "who's", "wheres": "where's",
    "thats": "that's", "theres": "there's", "theyre": "they're", "dont": "don't",
    "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't", "arent": "aren't",
    "wasnt": "wasn't", "werent": "weren't", "cant": "can't", "wont": "won't",
    "shouldnt": "shouldn't", "wouldnt": "wouldn't", "couldnt": "couldn't",
    "havent": "haven't", "hasnt": "hasn't", "theyve": "they've", "theyll": "they'll",
    "whove": "who've", "youve": "you've", "weve": "we've", "wouldve": "would've",
    "couldve": "could've", "shouldve": "should've",
    # slips on short words, which the collection-based correction leaves alone (under MIN_LEN)
    "wich": "which", "whcih": "which", "waht": "what", "whta": "what", "hwo": "how",
    "wehn": "when", "whn": "when", "wher": "where", "teh": "the", "hte": "the", "adn": "and",
    "taht": "that", "thta": "that", "nad": "and",
}
_ABBREVIATED = re.compile(r"(?<![\w/'])(?:" + "|".join(
    re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w/'])", re.I)


# 'the OSCE's main asks' (a noun: what it asks for) are its recommendations
_ASKS = re.compile(r"\b(main|key|top|central|core|big|biggest|principal)\s+(?:asks|demands)\b", re.I)


MEMO_MAX = 50_000  # corrected words remembered (a long-running server's users type many)


class Speller:
    def __init__(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        for t in texts:
            counts.update(w.lower() for w in _TOKEN.findall(t))
        counts.update(STOPWORDS)
        self.counts = counts
        self.by_len: dict[int, list[tuple[str, int]]] = {}
        self._corrected: dict[str, str] = {}
        for w in counts:
            self.by_len.setdefault(len(w), []).append((w, letters(w)))

    def correct_word(self, word: str) -> str:
        """The collection's word ``word`` is a slip for, or ``word``; remembered, since a
        question is read twice (for the catalogue, then for its topic)."""
        if len(word) < MIN_LEN or word in self.counts or word in ABBREVIATIONS:
            return word  # 'theyre' is spelled out as "they're", not corrected to 'there'
        if (done := self._corrected.get(word)) is None:
            if len(self._corrected) >= MEMO_MAX:
                self._corrected.clear()
            done = self._corrected[word] = self._correct(word)
        return done

    def _correct(self, word: str) -> str:
        if same := next((v for v in spellings(word) if v in self.counts), None):
            return same  # the collection's spelling: 'criminalise' where it writes 'criminalize'
        if is_english(word):
            return word
        limit = 1 if len(word) <= 7 else 2
        best: list[tuple[int, bool, int, str]] = []
        mask = letters(word)
        for n in range(len(word) - limit, len(word) + limit + 1):
            for cand, cmask in self.by_len.get(n, []):
                # An edit adds or removes at most one letter of each word's set of letters, so
                # more than ``limit`` letters of one missing from the other rule it out at once.
                if (mask & ~cmask).bit_count() > limit or (cmask & ~mask).bit_count() > limit:
                    continue
                d = edit_distance(word, cand, limit)
                if d <= limit:
                    # a slip rarely changes a word's first letter: 'ilegal' is 'illegal', not
                    # 'legal', though both are one edit away and 'legal' is more frequent
                    best.append((d, cand[0] != word[0], -self.counts[cand], cand))
        if not best:
            return _english_fix(word)  # 'charites' -> 'charities', a word the collection lacks
        best.sort()
        tied = [(-n, c) for d, f, n, c in best if (d, f) == best[0][:2]]
        if len(tied) == 1 or tied[0][0] >= TIE_RATIO * tied[1][0]:
            return tied[0][1]
        return word  # two equally close, equally common words: leave it

    def correct(self, text: str) -> str:
        """``text`` with its lower-case typos corrected (names and known words untouched), and
        the common abbreviations of users' messages the collection does not use spelled out
        ('the special rep' -> 'the special representative', 'govts' -> 'governments')."""
        # 'doesn' of "doesn't" is half a contraction, not a slip for 'does'
        text = re.sub(r"\b[a-z]+\b(?![’']t\b)", lambda m: self.correct_word(m.group(0)), text)
        text = _ASKS.sub(r"\1 recommendations", text)
        return _ABBREVIATED.sub(lambda m: self._spelled(m.group(0)), text)

    def _spelled(self, word: str) -> str:
        low = word.lower()
        if low in self.counts:
            return word
        full = ABBREVIATIONS[low]
        return full[:1].upper() + full[1:] if word[:1].isupper() else full
