"""Things an answer names in a running sentence, and how many things a question asks for.

* 'The new OSCE study offers policy recommendations to establish strong prevention measures,
  promote harmonized approaches, and encourage tech industry compliance.' -> the three aims
  'establish strong prevention measures', 'promote harmonized approaches' and 'encourage tech
  industry compliance': what 'the third one' points at when no list or 'First… Second…' says so.
* 'what three broad aims do the recommendations have?' -> 3: an answer's enumeration of
  another length is not the one the user counts in.
"""

from __future__ import annotations

import re

from ingest.text import STOPWORDS

_COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4,
           "5": 5}
# 'the two long-standing principles', 'what three broad aims': a count, up to two words, a noun.
_COUNT = re.compile(r"\b(two|both|three|four|five|[2-5])\s+(?:[a-z’'-]+\s+){0,2}?[a-z-]+s\b",
                    re.I)
_PART = r"[^,;:.!?“”\"()\n]"
# 'A, B(,) and C' ending a clause: at least three items, each a few words.
_SERIES = re.compile(rf"((?:{_PART}{{3,80}},\s+){{1,11}}{_PART}{{3,80}}?,?\s+(?:and|or)\s+"
                     rf"{_PART}{{3,80}}?)(?=[.;:!?”\"]|$)", re.M)
# Where the first item's lead-in ends: 'recommendations to | establish…', 'including | X'.
_LEAD = re.compile(r"\b(?:to|including|include|includes|such as|namely|on|of|for|are|is|as|"
                   r"between)\s+", re.I)
# '…: 1) whether X; and 2) whether Y.': items numbered inside a sentence.
_NUMBER = re.compile(r"(?<![\w(])\(?([1-9])\)\s+")
# '…, including: limited standards; inconsistent adoption; and broadly worded rules.'
_SEMI = re.compile(r":\s*((?:[^:;.!?“”\"\n]{3,160};\s+){1,11}(?:and\s+|or\s+)?[^:;.!?“”\"\n]{3,160}?)"
                   r"(?=[.!?”\"]|$)", re.M)
LEAD_IN = 160  # characters before an enumeration read as its lead-in
STEM = 5  # letters a noun asked for and a word of the lead-in share
ITEM_MAX = 8  # words an item of a running series may have
CLAUSE_MAX = 16  # words an item of a series after a colon, split by semicolons, may have


def asked_count(question: str) -> int | None:
    """How many things ``question`` asks for ('the two principles' -> 2), or None."""
    m = _COUNT.search(question)
    return _COUNTS[m.group(1).lower()] if m else None


def asked_nouns(question: str) -> list[str]:
    """The plural nouns a question asks for ('what are the shortcomings of self-regulation?'
    -> ['shortcomings']), lower case."""
    return [w.lower() for w in re.findall(r"\b[A-Za-z-]{4,}s\b", question)
            if w.lower() not in STOPWORDS and not w.lower().endswith("ss")]


def led_in(answer: str, first: str, nouns: list[str]) -> bool:
    """Whether the words before an enumeration's first item (LEAD_IN characters) or that item's
    opening name one of ``nouns`` ('many shortcomings in self-regulatory approaches…,
    including: …'; 'A primary example of…')."""
    at = answer.find(first[:40])
    if at < 0 or not nouns:
        return False
    before = answer[max(0, at - LEAD_IN) : at + 40].lower()
    return any(re.search(rf"\b{re.escape(noun[:STEM])}", before) for noun in nouns)


def _first(item: str, others: list[str]) -> str:
    """The first item without the words that lead into the series."""
    for m in _LEAD.finditer(item):  # the longest rest short enough to be an item
        cut = item[m.end() :]
        if cut and len(cut.split()) <= ITEM_MAX:
            return cut
    longest = max(len(o.split()) for o in others)
    return " ".join(item.split()[-longest:])


def _split(series: str) -> list[str]:
    parts = [p.strip() for p in re.split(r",\s+(?:(?:and|or)\s+)?|\s+(?:and|or)\s+(?=[^,]*$)",
                                         series)]
    parts = [p for p in parts if p]
    if len(parts) < 3:
        return []
    parts[0] = _first(parts[0], parts[1:])
    if any(len(p.split()) > ITEM_MAX for p in parts):
        return []
    return parts


def _clauses(series: str) -> list[str]:
    parts = [re.sub(r"^(?:and|or)\s+", "", p.strip()) for p in series.split(";")]
    parts = [p for p in parts if p]
    if len(parts) < 3 or any(len(p.split()) > CLAUSE_MAX for p in parts):
        return []
    return parts


def running(answer: str) -> list[list[str]]:
    """The series an answer names in its sentences, in order, each as its items: after a colon
    split by semicolons ('including: A; B; and C'), else by commas ('A, B and C')."""
    found = [(m.start(), _clauses(m.group(1))) for m in _SEMI.finditer(answer)]
    found += [(m.start(), _split(m.group(1))) for m in _SERIES.finditer(answer)]
    return [s for _, s in sorted(found, key=lambda x: x[0]) if s]


def numbered(answer: str) -> list[str]:
    """The items an answer numbers inside a sentence ('1) whether X; and 2) whether Y'), in
    order from 1 with no gap; [] if fewer than two."""
    marks = list(_NUMBER.finditer(answer))
    start = next((i for i, m in enumerate(marks) if m.group(1) == "1"), None)
    if start is None:
        return []
    run = [marks[start]]
    for m in marks[start + 1 :]:
        if int(m.group(1)) != len(run) + 1:
            break
        run.append(m)
    ends = [m.start() for m in run[1:]] + [len(answer)]
    out = []
    for m, end in zip(run, ends, strict=True):
        text = re.split(r"(?<=[.;])[”\"’]?\s|”", answer[m.end() : end], maxsplit=1)[0]
        out.append(re.sub(r"[;,.]?\s*(?:and|or)?\s*$", "", text.strip()))
    return out if len(out) >= 2 else []
