"""Data contracts shared by ingestion, retrieval, answering, the CLI and the UI.

Citations are data: an :class:`Answer` carries its :class:`Citation` objects, each with the
``doc_id``, a human-readable locator and the verbatim excerpt it quotes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.core.enums import AnswerMode, CitationRole, StreamKind
from ingest.documents import Chunk

REFUSAL_PREFIX = "The documents in this collection don't cover this"


class SearchResult(BaseModel):
    chunk: Chunk
    score: float = Field(description="Fused (RRF) score; higher is better")
    dense_score: float = Field(0.0, description="Cosine similarity of passage and query")
    dense_rank: int | None = None
    sparse_rank: int | None = None
    index: int = Field(-1, description="Row of the passage in the loaded index")


class SearchFilters(BaseModel):
    """Restrict retrieval to some documents, publishers or a date range (inclusive)."""

    doc_ids: list[str] = Field(default_factory=list)
    publishers: list[str] = Field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None

    def is_empty(self) -> bool:
        return not (self.doc_ids or self.publishers or self.date_from or self.date_to)


class Citation(BaseModel):
    marker: int
    doc_id: str
    chunk_id: str
    title: str
    publisher: str
    date: str
    locator: str
    excerpt: str = Field(description="Verbatim text of the cited document")
    passage: str = Field(default="", description="The whole retrieved passage the excerpt sits in")
    excerpt_start: int = Field(default=0, description="Offset of the excerpt inside the passage")
    url: str = ""
    supported: bool = True
    support_score: float | None = None
    also_in: list[str] = Field(default_factory=list,
                               description="doc_ids of other documents with the same text")
    role: CitationRole = Field(
        default=CitationRole.EVIDENCE,
        description="evidence: quoted as answering; nearest: the closest a silent institution "
                    "comes; document: a document a catalogue answer names (briefs quote "
                    "evidence only)")


class AnswerSentence(BaseModel):
    text: str
    markers: list[int] = Field(default_factory=list)
    supported: bool = True
    support_score: float | None = None
    flags: list[str] = Field(
        default_factory=list, description="Why a generated sentence is not shown as fact (a "
        "figure or name no cited passage states, words credited to the wrong institution)")


class Answer(BaseModel):
    question: str
    standalone_question: str
    answer: str
    refused: bool = False
    refusal_reason: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    sentences: list[AnswerSentence] = Field(default_factory=list)
    closest: list[Citation] = Field(
        default_factory=list, description="Nearest material shown with a refusal"
    )
    mode: AnswerMode = AnswerMode.EXTRACTIVE
    notice: str | None = Field(default=None, description="A note for the user, e.g. a fallback")
    timings_ms: dict[str, float] = Field(default_factory=dict)
    draft: str | None = Field(
        default=None, description="LLM mode: the model's own text, as it streamed; kept when "
        "the quotes are shown instead too, for evaluation and hand labels (never shown as fact)")


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str
    citations: list[Citation] = Field(
        default_factory=list, description="An assistant turn's citations, so a follow-up can "
        "point at its items ('the second one') and sources")


class StreamEvent(BaseModel):
    """What an answer engine yields while it works: draft tokens, then the checked answer."""

    kind: StreamKind
    text: str = ""
    answer: Answer | None = None
