"""Where the answer before found what it quotes: 'where does it say that?', 'which page is
that on?', 'what section is that from?'. A brief cites a document and a place in it, so the
answer names each quoted document with its locator, over the same citations. The conversation
keeps the answers' text only, so the question before is answered again (the extractive engine
gives the same answer to the same question)."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answering.extractive.frame import source_label
from assistant.core.enums import AnswerMode, CitationRole
from assistant.core.models import Answer, AnswerSentence, Turn
from assistant.retrieval.retriever import Retriever

_WHERE = re.compile(
    r"^\s*(?:(?:ok|okay|and|so|thanks)[,\s-]+)?(?:"
    r"where\s+(?:does|do|did|is|was)\s+(?:it|that|this|they)\s+(?:say|said|state|stated|mention|"
    r"come\s+from|appear)\b"
    r"|where(?:'s|’s|\s+is)\s+(?:that|this|it)\s+(?:from|in\s+the|quoted)\b"
    r"|where\s+(?:can|do|would)\s+i\s+find\s+(?:that|this|it)\b"
    r"|(?:which|what)\s+(?:page|section|part|paragraph|bit)\b[^?]{0,30}\b(?:that|this|it)\b)"
    r"[^?]{0,40}\??\s*$", re.I)
_SHORT = 10  # words: a longer 'where…' question asks about something else


def asks_where(question: str) -> bool:
    return bool(_WHERE.match(question)) and len(question.split()) <= _SHORT


def where_said(question: str, history: list[Turn], answer: Callable[[str, list[Turn]], Answer],
               retriever: Retriever, mode: AnswerMode) -> Answer | None:
    """The documents and places the answer before quotes, or None when the question does not
    ask where, or there is no answer before with quotations."""
    users = [i for i, t in enumerate(history) if t.role == "user"]
    if not users or not asks_where(question):
        return None
    before = answer(history[users[-1]].content, history[: users[-1]])
    cited = [c for c in before.citations if c.role is CitationRole.EVIDENCE]
    if before.refused or not cited:
        return None
    alone = len(cited) == 1  # said inside a sentence: 'It is in the OSCE policy brief…'
    lines = []
    for c in cited:
        label = source_label(retriever.store.meta(c.doc_id), mid_sentence=alone)
        lines.append(f"{label}, {c.locator} [{c.marker}]" if c.locator else f"{label} [{c.marker}]")
    text = (f"It is in {lines[0]}." if alone else
            "The answer before quotes:\n\n" + "\n".join(f"- {x}" for x in lines))
    return Answer(question=question, standalone_question=before.standalone_question,
                  answer=text, citations=cited,
                  sentences=[AnswerSentence(text=c.excerpt, markers=[c.marker]) for c in cited],
                  mode=mode)
