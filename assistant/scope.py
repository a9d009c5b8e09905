"""What the assistant will not do, whatever the documents say: requests that are not questions
about the collection (creative writing, role-play, instructions to change its rules)."""

from __future__ import annotations

import re
import unicodedata

_TASKS = re.compile(
    r"\b(write|compose|make up|create|generate|give me|tell me)\b.{0,40}\b("
    r"poem|limerick|haiku|sonnet|song|lyrics|rap|joke|story|fairy ?tale|screenplay|tweet|slogan|"
    r"code|script|program|malware|virus|essay)s?\b",
    re.I,
)
_INJECTION = re.compile(
    r"ignore (all |any )?(the )?(previous|prior|above|earlier) (instructions|prompts?|rules)|"
    r"disregard (all |your |the )?(previous |prior )?(instructions|rules)|"
    r"(reveal|print|show|repeat|output) (me )?(your|the) (system )?(prompt|instructions)|"
    r"system prompt|you are now|act as (an? )?(unrestricted|jailbroken)|\bDAN\b|developer mode|"
    r"admin password|jailbreak",
    re.I,
)
_EVADE = re.compile(
    r"\b(how|ways?|tips?|help)\b.{0,80}\b(without (being )?(detected|caught|noticed|flagged|traced)|"
    r"without \w+ (detecting|noticing|catching|flagging|tracing)|undetected|unnoticed|untraceable)\b",
    re.I,
)
_HARM = re.compile(
    r"\b(how (can|do|could) (i|we|traffickers?)|help (me|traffickers?)|ways to)\b.{0,60}"
    r"\b(evade|avoid|escape|bypass|hide from|get around)\b.{0,40}\b(detection|police|law enforcement|"
    r"monitoring|moderation|authorities)\b",
    re.I,
)


def clean_question(text: str) -> str:
    """Drop control characters and collapse white space."""
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return re.sub(r"\s+", " ", text).strip()


def out_of_scope_request(question: str) -> str | None:
    """A reason to decline, or None when it is an ordinary question."""
    if _INJECTION.search(question):
        return ("it asks me to change or reveal my instructions; I only answer questions from "
                "the documents in the collection")
    if _HARM.search(question) or _EVADE.search(question):
        return "it asks for help evading detection or the law, which I will not give"
    if _TASKS.search(question):
        return ("it asks for creative writing or code rather than a question the documents can "
                "answer")
    return None


_CAPITALISED = re.compile(r"(?<![\w’'])[A-Z][A-Za-z0-9’'\-]*")


def unknown_names(question: str, known: set[str]) -> list[str]:
    """Capitalised words of the question (names, titles, places) that the collection never uses.

    A question about 'Brazil' or 'the Global Guide' cannot be answered from documents that never
    mention them. The first word is skipped (sentence case), as are words the collection knows
    in any case."""
    from assistant.textutil import STOPWORDS, stem

    out: list[str] = []
    for m in _CAPITALISED.finditer(question):
        if m.start() == len(question) - len(question.lstrip()):
            continue
        word = re.sub(r"['’]s$", "", m.group(0)).strip("’'-")
        low = word.lower()
        if low in STOPWORDS or len(low) < 2:
            continue
        parts = [p for p in re.split(r"[-’']", low) if p]
        if all(stem(p) in known or p in known for p in parts):
            continue
        out.append(word)
    return out
