"""Words of a generated sentence that its cited passage never uses (issue 16).

The support score rewards shared words, so a sentence that keeps most of a passage's words and
adds one of its own passes, however much that one word changes: "other rights must be
*balanced* against online safety", "two *barriers*" where the passage gives one, "would be
*bound* by this commitment", a sentence copied from the press release but cited to the brief.
Shown as fact, a sentence must say nothing its passage does not: so every content word of it
must be in the cited passage (or its source line), by stem, with two exceptions:

* the frame that names who speaks and how ("The OSCE brief identifies", "According to GRETA,"):
  the speaker check judges the speaker, and a plain reporting verb adds no claim; a stance verb
  ("The OSCE *wants*") is a claim and is checked;
* words that only frame a statement: connectives ("however", "moreover"), "yes", "evidence",
  "document", "example", "include", a reporting verb anywhere ("the conventions *cited* in the
  brief"), and "first" … "tenth" when the passage numbers its items.

A word of like meaning in the passage also counts ('web' for 'internet': :class:`WordSense`,
the embedder's vectors of the two words, at the query expansion's threshold). A number word
("two", "three") must be in the passage as a word or a figure.

:func:`relative_dates`: "today", "last year" and the like, outside quotation marks. A passage's
"launched today" is anchored by its date; the same "today" in an answer read later is not
("…was launched at a virtual launch event held today", from a press release of 15 February
2022), so the sentence cannot be shown as fact.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from assistant.answering.llm.framing import _FRAME, _STANCE, WORD, _list_ordinals
from assistant.retrieval.expansion import NEAR
from ingest.embedding import BaseEmbedder
from ingest.text import content_terms, fold

# Words that frame a statement without adding to it (stemmed when compared).
_FRAMING = frozenset(content_terms(
    "yes however moreover furthermore additionally also overall thus therefore instead "
    "evidence document documents passage source text example examples include includes "
    "including included several various following "
    # reporting verbs, wherever they stand: "The evidence indicates", "the conventions cited"
    "say says said state states stated note notes noted mention mentions mentioned list lists "
    "name names named cite cites cited quote quotes quoted describe describes discuss "
    "discusses discussed explain explains highlight highlights emphasize emphasizes "
    "emphasise emphasises stress stresses underline underlines indicate indicates show shows "
    "outline outlines point points report reports reported add adds "
    # the kind of document that speaks: "the brief" ("press release" is taken out whole, so
    # that "pressing" stays a word to check)
    "statement article study brief report paper"))
_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                 "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11",
                 "twelve": "12", "twice": "2", "dozen": "12", "half": "50"}
_QUOTED = re.compile(r"[“\"][^”\"]{2,}[”\"]")
_PRESS_RELEASE = re.compile(r"\bpress[- ]releases?\b", re.I)
_RELATIVE = re.compile(r"\b(?:today|yesterday|tomorrow|tonight|(?:this|last|next|past) "
                       r"(?:week|month|year|spring|summer|autumn|fall|winter))\b", re.I)


def _body(sentence: str) -> str:
    """The sentence without a frame that only names its speaker and a reporting verb."""
    s = sentence.strip()
    m = _FRAME.match(s)
    if m is None:
        return s
    verb = m.group("verb")
    if verb and re.fullmatch(_STANCE, verb, re.I):
        return s[m.end("b") if m.group("b") else 0:]  # the stance verb itself is checked
    return s[m.end():]


class WordSense:
    """Whether a word means what some word of a passage means: their vectors (the embedder's,
    one word at a time, remembered) are at least ``NEAR`` alike, the threshold of query
    expansion ('web' and 'internet', 'aims' and 'attempts'). Number words are never matched
    this way."""

    def __init__(self, embedder: BaseEmbedder) -> None:
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        self._passage: tuple[str, np.ndarray | None] = ("", None)  # the last passage's words

    def _of(self, words: list[str]) -> np.ndarray:
        # Read once into a local dict: another thread's answer may clear the shared one.
        got = {w: v for w in dict.fromkeys(words) if (v := self._vectors.get(w)) is not None}
        todo = [w for w in dict.fromkeys(words) if w not in got]
        if todo:
            if len(self._vectors) > 50_000:
                self._vectors.clear()
            for w, v in zip(todo, self.embedder.encode(todo), strict=True):
                got[w] = self._vectors[w] = np.asarray(v, dtype=np.float32)
        return np.stack([got[w] for w in words])

    def close(self, word: str, evidence: str) -> bool:
        passage = self._passage  # the words of a sentence are checked one by one
        if passage[0] != evidence:
            have = list(dict.fromkeys(w.lower() for w in WORD.findall(evidence) if len(w) > 2))
            passage = self._passage = (evidence, self._of(have) if have else None)
        if passage[1] is None:
            return False
        return float((passage[1] @ self._of([word.lower()])[0]).max()) >= NEAR


@lru_cache(maxsize=4)
def word_sense(embedder: BaseEmbedder) -> WordSense:
    return WordSense(embedder)


def unstated_words(sentence: str, evidence: str, sense: WordSense | None = None) -> list[str]:
    """The words (as written) of ``sentence`` outside its speaker frame that ``evidence`` (the
    cited passage with its source line) does not use, nor (with ``sense``) a word of like
    meaning."""
    have = set(content_terms(evidence)) | _list_ordinals(evidence)
    folded = fold(evidence)
    out: list[str] = []
    for word in WORD.findall(_PRESS_RELEASE.sub(" ", _body(sentence))):
        lw = word.lower()
        if lw in _NUMBER_WORDS:
            if not re.search(rf"\b(?:{lw}|{_NUMBER_WORDS[lw]})\b", folded) and word not in out:
                out.append(word)
            continue
        terms = content_terms(word)
        if any(t not in have and t not in _FRAMING for t in terms) and word not in out and \
                (sense is None or not sense.close(word, evidence)):
            out.append(word)
    return out


def relative_dates(sentence: str) -> list[str]:
    """Relative dates ("today", "last year") outside quotation marks."""
    return [m.group(0) for m in _RELATIVE.finditer(_QUOTED.sub(" ", sentence))]
