"""What a question asks for, when it names it: 'how many election observers…', 'what penalties
can websites face…'. When none of those words occurs anywhere in the collection, no sentence of
it can give the answer, however well the rest of the question matches (issue 17: refusal by
what is asked, not only by a similarity floor)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.text import STOPWORDS, content_terms

# 'how many X…', 'what/which X…' at the start of a clause, X a noun phrase of up to four words
# ending where a verb or a preposition starts ('what penalties can…', 'how many observers did…').
_AUX = ("can|could|do|does|did|is|are|was|were|has|have|had|will|would|should|must|may|might")
_WH = re.compile(r"(?:^|[,;:?!]\s*|\band\s+|\s-\s)(?:how\s+many|how\s+much|what|which)\s+"
                 r"((?:[a-z][a-z-]*\s+){0,3}?[a-z][a-z-]*)"
                 rf"(?=\s+(?:{_AUX}|of|for|in|on|under|to|from|by|with|about|at|against)\b"
                 r"|\s*[?,.]|\s*$)", re.I)
_PRONOUNS = "i|you|he|she|it|we|they|this|that|these|those|the|a|an|there"
# 'what happens to…', 'what works': the wh-word is the subject of a verb, no noun is asked for
_VERBS = "happens|happened|happen|works|worked|matters|mattered|counts|remains|exists|helps|goes|went"
_NOT_NOUN = frozenset(f"{_AUX}|{_PRONOUNS}|{_VERBS}".split("|"))
# Words that name the kind of answer, not its subject: 'what share of…', 'which kinds of…'.
_FRAME_WORDS = """share proportion percentage percent fraction number numbers amount amounts
    kind kinds type types sort sorts form forms way ways role roles part parts extent degree
    level levels step steps measure measures action actions thing things year years date dates
    time times period month months day days example examples sign signs reason reasons point
    points issue issues aspect aspects approach approaches option options answer answers
    difference differences view views position stance side sides problem problems key other else
    specific particular exact new old first second third last best worst biggest
    main major bit bits piece pieces element elements area areas stage stages phase phases
    figure figures stat stats statistic statistics data"""
FRAME = frozenset(_FRAME_WORDS.split())


# 'how many people attended', 'the average prison sentence handed down': what a figure counts
_HOW_MANY = re.compile(r"\b(?:how\s+many|average|median|mean\s+(?=number|length|age|time))\s+"
                       r"((?:[a-z][a-z-]*\s+){0,3}[a-z][a-z-]*)", re.I)


def counted(question: str) -> str | None:
    """The words naming what 'how many…' (or 'the average…') counts, up to the first function
    word ('people attended' in 'how many people attended the launch?'), or None."""
    m = _HOW_MANY.search(question)
    if m is None:
        return None
    words: list[str] = []
    for w in m.group(1).lower().split():
        if w in _NOT_NOUN or w in STOPWORDS:
            break
        if w not in FRAME:
            words.append(w)
    return " ".join(words) or None


# '[how much faith] does each of them have in…', '[how much weight] can i put on…'
_DEGREE = re.compile(r"\s+(?:do|does|did|can|could|should|would|will|may)\s+(?:[\w’'-]+\s+){1,4}?(?:have|put|place|attach|give|"
                     r"show|pay|lay)\b", re.I)


def asked_for(question: str) -> str | None:
    """The head noun of the phrase a wh-question asks for ('observers' in 'how many election
    observers did…'), or None: no such phrase, or its head names the kind of answer."""
    m = _WH.search(question)
    if m is None:
        return None
    words = m.group(1).lower().split()
    if _DEGREE.match(question[m.end():]) and "much" in m.group(0).lower():
        return None  # 'how much faith does each have in…': a degree of a view, not a thing
    if any(w in _NOT_NOUN for w in words):
        return None  # 'what does…', 'what I told you'
    head = words[-1]
    if head in FRAME or head in STOPWORDS or not content_terms(head):
        return None
    return head


FOCUS_NEAR = 0.6  # cosine of the collection's nearest word that keeps an asked-for word in scope


def focus_reason(question: str, known: set[str], closest: Callable[[str], float]) -> str | None:
    """Why the collection cannot answer: the thing asked for is a word it never uses, and no
    word of it comes close in meaning (``closest``: the cosine of the collection's nearest
    word). 'election observers' (nearest 0.47) is out of scope; 'obstacles' ('barrier', 0.61)
    and 'agreements' ('partnerships', 0.61) are asked in other words than the documents'."""
    head = asked_for(question)
    if head is None or any(t in known for t in content_terms(head)) or \
            closest(head) >= FOCUS_NEAR:
        return None
    return f"the collection never mentions {head}"
