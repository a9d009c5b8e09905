"""What kind of answer a question expects, and whether a sentence offers one (classic QA cues).

"When…" wants a date, "Who…" a named person or body, "How many / what share…" a figure. A
sentence carrying the expected kind of answer gets a small boost; nothing here knows any
particular question or document.
"""

from __future__ import annotations

import re

_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
           r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)")
DATE = re.compile(rf"\b(?:\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|{_MONTHS}\s+\d{{4}}|"
                  rf"(?:19|20)\d{{2}}|today|yesterday)\b", re.I)
NUMBER = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|per\s*cent|percent)|\b\d{2,}\b|\b(?:half|third|quarter|"
                    r"majority|minority|most|few)\b", re.I)
NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z][a-z]+|of|for|and|the))*\s+[A-Z][a-z]+\b")
_WHEN = re.compile(r"^\s*(when|what (date|year|day|month))\b|\bwhat time\b|\bon what date\b", re.I)
_WHO = re.compile(r"^\s*(who|whom|whose)\b|\bwhich (person|official|organi[sz]ation|body|bodies)\b", re.I)
_HOW_MUCH = re.compile(r"^\s*(how (many|much))\b|\b(what|which) (share|proportion|percentage|"
                       r"number|fraction|figure)\b|\bwhat per ?cent", re.I)

CONNECTIVE = re.compile(
    r"^(?:One example|For example|For instance|This|These|Such|Those|It|They|Its|Their|Here|"
    r"Thus|Therefore|However|Moreover|Again|In short|Second|Third|Finally)\b")


def expected_type(question: str) -> str | None:
    if _WHEN.search(question):
        return "date"
    if _HOW_MUCH.search(question):
        return "number"
    if _WHO.search(question):
        return "name"
    return None


def offers(sentence: str, kind: str | None) -> bool:
    if kind == "date":
        return bool(DATE.search(sentence))
    if kind == "number":
        return bool(NUMBER.search(sentence))
    if kind == "name":
        return bool(NAME.search(sentence[1:]))  # a capitalised run not at the very start
    return False


def leans_on_previous(sentence: str) -> bool:
    """A sentence that opens by pointing back ('One example is…', 'This approach…')."""
    return bool(CONNECTIVE.match(sentence))


def is_lead_in(sentence: str) -> bool:
    """A sentence that announces a list ('…including:')."""
    return sentence.rstrip().endswith(":")
