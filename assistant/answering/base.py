"""The contract both answer engines implement, and the one evidence gate they share."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from assistant.core.enums import AnswerMode
from assistant.core.models import Answer, SearchFilters, StreamEvent, Turn
from assistant.retrieval.retriever import Retriever

QUOTABLE_MIN_WORDS = 4  # shorter sentences (headings, list stubs) are never quoted alone


@runtime_checkable
class Answerer(Protocol):
    mode: AnswerMode

    def answer(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None) -> Answer:
        """The checked answer, or the fixed refusal."""
        ...

    def stream(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None
               ) -> Iterator[StreamEvent]:
        """Draft tokens as they are produced, then the checked answer."""
        ...


def quotable(text: str) -> bool:
    """Long enough to stand alone, and a statement: a question a document asks ('Should
    platforms be liable?') answers nothing, so it is never quoted as evidence."""
    return len(text.split()) >= QUOTABLE_MIN_WORDS and \
        not text.rstrip(" ”\"’')").endswith("?")


def evidence_gate(retriever: Retriever, standalone: str, best_score: float | None,
                  threshold: float, in_general: bool = False) -> str | None:
    """Why the collection cannot answer ``standalone``, or None when it may.

    The question names something the collection never mentions, or its best quotable
    sentence scores below the calibrated evidence threshold."""
    unknown = retriever.vocab.unknown(standalone)
    if unknown and not in_general:  # 'what should the UK do?' is answered in general
        return "the collection never mentions " + ", ".join(f"“{w}”" for w in unknown)
    if best_score is None or best_score < threshold:
        return "the best evidence is too weak"
    return None


def best_quotable(scores: Sequence[tuple[str, float]]) -> float | None:
    """The best score among (sentence text, score) pairs long enough to quote."""
    return max((s for text, s in scores if quotable(text)), default=None)


def word_chunks(text: str, size: int = 24) -> Iterator[str]:
    """A finished text as stream pieces of ``size`` words."""
    words = text.split(" ")
    for i in range(0, len(words), size):
        yield " ".join(words[i : i + size]) + (" " if i + size < len(words) else "")
