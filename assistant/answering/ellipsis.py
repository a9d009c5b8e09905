"""Follow-ups that give only the part of the question that changes: 'and from tech companies?'
after 'what does Equality Now want from the UN?', 'what about blocking?' after 'what does the
brief say about content removal?'. The question before is asked again with that part put in the
place of its own: the object of the same preposition, else of its last one."""

from __future__ import annotations

import re

from ingest.text import STOPWORDS, tokenize

_PREPOSITIONS = "from|about|on|for|in|with|to|regarding|towards?|against|by"
_SHORT = re.compile(rf"^\s*(?:and|but|what about|how about|and what about|what of)\s+"
                    rf"(?:(?P<prep>{_PREPOSITIONS})\s+)?(?P<phrase>[^?.!,;]+?)\s*[?.!]*\s*$", re.I)
# words that point back or ask, not name a new thing: 'and that?', 'and why?', 'what about it?'
_NOT_A_THING = frozenset(["it", "its", "that", "this", "these", "those", "they", "them", "their",
                          "there", "here", "why", "how", "what", "when", "where", "who", "which",
                          "else", "more", "other", "others", "same", "so", "too", "also", "then",
                          "now", "one", "ones", "the", "first", "second", "third", "last",
                          "former", "latter"])
_ASKING = frozenset(["which", "what", "who", "whom", "whose", "why", "how", "when", "where",
                     "does", "do", "did", "is", "are", "was", "were", "can", "could", "should",
                     "would", "will", "has", "have", "had", "it", "that", "this", "they", "them"])
MAX_WORDS = 6  # words of the part that changes


def elliptic(question: str, before: str) -> str | None:
    """The question before with the part the follow-up gives put in place, or None."""
    m = _SHORT.match(question)
    if m is None:
        return None
    phrase, prep = m.group("phrase").strip(), (m.group("prep") or "").lower()
    words = tokenize(phrase)
    if not words or len(words) > MAX_WORDS or any(w in _ASKING for w in words) or \
            all(w in STOPWORDS or w in _NOT_A_THING for w in words):
        return None  # 'and which conventions cover that?' asks a question of its own
    pattern = rf"\b({prep or _PREPOSITIONS})\s+(?:the\s+)?([^?,;]+?)(\s*\??\s*)$"
    slot = re.search(pattern, before.strip(), re.I)
    if slot is None:
        return None
    stem = before.strip()[: slot.end(1)]  # up to the preposition: its old object goes
    return f"{stem} {phrase}{slot.group(3) or '?'}".strip()
