"""Data contracts shared by ingestion, retrieval, answering, the CLI and the UI.

Citations are data: an :class:`Answer` carries its :class:`Citation` objects, each with the
``doc_id``, a human-readable locator and the verbatim excerpt it quotes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REFUSAL_PREFIX = "The documents in this collection don't cover this"


class DocumentMeta(BaseModel):
    """Metadata of one source document (from the corpus manifest or inferred)."""

    model_config = ConfigDict(extra="ignore")

    doc_id: str
    file: str
    title: str
    publisher: str = "Unknown publisher"
    date: str = ""
    kind: str = "document"
    url: str = ""
    also_published_in: list[dict[str, str]] = Field(default_factory=list)
    duplicate_of: str | None = None
    in_manifest: bool = True

    def short_date(self) -> str:
        """Human form of the ISO-ish date: '2022-02-15' -> '15 Feb 2022'."""
        from assistant.textutil import human_date

        return human_date(self.date)


class Locator(BaseModel):
    """Where a passage sits in its document."""

    section: str | None = None
    page: int | None = None
    page_label: str | None = None
    paragraph: int | None = None
    paragraph_end: int | None = None

    def render(self) -> str:
        parts: list[str] = []
        if self.page is not None:
            label = self.page_label or str(self.page)
            parts.append(f"p. {label}")
        if self.section:
            parts.append(f"§ {self.section}")
        if self.paragraph is not None:
            if self.paragraph_end is not None and self.paragraph_end != self.paragraph:
                parts.append(f"¶ {self.paragraph}–{self.paragraph_end}")
            else:
                parts.append(f"¶ {self.paragraph}")
        return ", ".join(parts) or "whole document"


class Chunk(BaseModel):
    """A retrievable passage of a cleaned document."""

    doc_id: str
    chunk_id: str
    text: str
    title: str
    publisher: str
    date: str
    locator: Locator
    start: int = Field(description="Start offset in the cleaned document text")
    end: int = Field(description="End offset in the cleaned document text")
    sentences: list[tuple[int, int]] = Field(
        default_factory=list, description="Sentence spans, relative to the chunk text"
    )
    sentence_pages: list[tuple[int, str]] = Field(
        default_factory=list, description="PDF page (number, printed label) of each sentence"
    )

    def locator_at(self, offset: int) -> Locator:
        """The locator of the sentence at ``offset`` (a passage may run onto the next page)."""
        if not self.sentence_pages:
            return self.locator
        k = 0
        for i, (s, _e) in enumerate(self.sentences):
            if s <= offset:
                k = i
        page, label = self.sentence_pages[min(k, len(self.sentence_pages) - 1)]
        return self.locator.model_copy(
            update={"page": page, "page_label": label if label != str(page) else None})


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


class AnswerSentence(BaseModel):
    text: str
    markers: list[int] = Field(default_factory=list)
    supported: bool = True
    support_score: float | None = None


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
    mode: Literal["extractive", "llm"] = "extractive"
    notice: str | None = Field(default=None, description="A note for the user, e.g. a fallback")
    timings_ms: dict[str, float] = Field(default_factory=dict)


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str
